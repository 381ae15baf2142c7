/**
 * A strict reader of the SVG files knap writes: the text must be well-formed XML (every tag
 * closed in order, attributes quoted, entities known) with an <svg> root; what comes back is how
 * many elements of each name it holds, for tests to count a picture's marks.
 */
const NAME = /^[A-Za-z_][\w.:-]*$/;

/** Counts of each element name, or a thrown Error saying where the text is not well-formed. */
export function svgElements(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const open: string[] = [];
  let root: string | undefined;
  const tag = /<(\/?)([^\s/>]+)((?:\s+[^\s=/>]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let at = 0;
  for (const m of text.matchAll(tag)) {
    checkText(text.slice(at, m.index), at);
    at = m.index! + m[0].length;
    if (m[0].startsWith("<!--")) continue;
    const [, closing, name, , selfClosing] = m;
    if (!NAME.test(name)) throw new Error(`bad element name ${name} at ${m.index}`);
    if (closing) {
      const top = open.pop();
      if (top !== name) throw new Error(`</${name}> at ${m.index} closes <${top}>`);
      continue;
    }
    if (root === undefined) root = name;
    else if (open.length === 0) throw new Error(`a second root <${name}> at ${m.index}`);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (!selfClosing) open.push(name);
  }
  checkText(text.slice(at), at);
  if (open.length > 0) throw new Error(`<${open.at(-1)}> is never closed`);
  if (root !== "svg") throw new Error(`the root is <${root}>, not <svg>`);
  return counts;
}

function checkText(between: string, at: number): void {
  if (between.includes("<")) throw new Error(`a malformed tag near ${at}: ${between.slice(0, 60)}`);
  for (const e of between.matchAll(/&([^;\s]*);?/g)) {
    if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(e[1]) || !e[0].endsWith(";")) {
      throw new Error(`an unknown entity ${e[0]} near ${at}`);
    }
  }
}
