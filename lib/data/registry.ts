/**
 * The book's data sets at their public homes: each file's address, size and the checksum its
 * maintainers publish (SHA-256, or MD5 where only that is published). A download must match it;
 * a local copy must match it too, or — where a distribution repackaged the files, as Debian did
 * Fashion-MNIST — hold the data set's content, checked by structure.
 *
 * @module
 */

import type { DatasetFile } from "./download.ts";

/** A data set: its files, and where a system may already keep them. */
export interface DatasetSource {
  /** Its name, for messages and the cache folder. */
  readonly name: string;
  /** The files, as downloaded. */
  readonly files: readonly DatasetFile[];
  /** Folders a system package installs them to (checked by content, not checksum). */
  readonly system?: readonly string[];
}

const mnistFile = (name: string, sha256: string, bytes: number): DatasetFile => ({
  name,
  url: `https://ossci-datasets.s3.amazonaws.com/mnist/${name}`,
  sha256,
  bytes,
});

// Debian's copies are these less the file name gzip keeps in its header (23 or 24 bytes).
const fashionFile = (name: string, md5: string, bytes: number): DatasetFile => ({
  name,
  url: `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${name}`,
  md5,
  bytes,
});

/** The data sets knap can fetch. */
export const registry: {
  readonly boston: DatasetSource;
  readonly imdb: DatasetSource;
  readonly mnist: DatasetSource;
  readonly fashionMnist: DatasetSource;
} = {
  boston: {
    name: "Boston housing",
    files: [{
      name: "BostonHousing.csv",
      url: "https://raw.githubusercontent.com/selva86/datasets/master/BostonHousing.csv",
      sha256: "ab16ba38fbbbbcc69fe930aab1293104f1442c8279c130d9eba03dd864bef675",
      bytes: 35_735,
    }],
  },
  imdb: {
    name: "IMDB (aclImdb v1)",
    files: [{
      name: "aclImdb_v1.tar.gz",
      url: "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
      sha256: "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
      bytes: 84_125_825,
    }],
  },
  mnist: {
    name: "MNIST",
    files: [
      mnistFile(
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        9_912_422,
      ),
      mnistFile(
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        28_881,
      ),
      mnistFile(
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        1_648_877,
      ),
      mnistFile(
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        4_542,
      ),
    ],
  },
  fashionMnist: {
    name: "Fashion-MNIST",
    files: [
      fashionFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26_421_880),
      fashionFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", 29_515),
      fashionFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", 4_422_102),
      fashionFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", 5_148),
    ],
    system: ["/usr/share/datasets/fashion-mnist"],
  },
};
