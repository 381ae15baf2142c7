import { jsDouble, jsFloat } from "../../mod.ts";
import { blasConformance } from "../conformance/blas.ts";
import { mathConformance } from "../conformance/math.ts";
import { errorConformance } from "../conformance/errors.ts";
import { randomConformance } from "../conformance/random.ts";
import { aliasingConformance } from "../conformance/aliasing.ts";
import { nanConformance } from "../conformance/nan.ts";

for (const [f, other] of [[jsFloat, jsDouble], [jsDouble, jsFloat]]) {
  blasConformance(f);
  mathConformance(f);
  errorConformance(f, other);
  randomConformance(f);
  aliasingConformance(f);
  nanConformance(f);
}
