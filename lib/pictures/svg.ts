/**
 * What every picture's SVG shares: text made safe for XML, and numbers short enough to keep the
 * files small.
 *
 * @module
 */

/** Text with XML's special characters escaped. */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A coordinate with at most one decimal. */
export const at = (v: number): string => String(Math.round(v * 10) / 10);
