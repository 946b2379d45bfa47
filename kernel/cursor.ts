/**
 * Jupyter counts cursor positions in Unicode code points (protocol >= 5.2); JavaScript strings index UTF-16 units.
 */

export function codePointToUtf16(text: string, cursorPos: number): number {
  let cp = 0;
  let i = 0;
  while (i < text.length && cp < cursorPos) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    cp++;
  }
  return i;
}

export function utf16ToCodePoint(text: string, index: number): number {
  let cp = 0;
  for (let i = 0; i < index && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return cp;
}
