// Offsets: the API counts Unicode code points, the DOM counts UTF-16 code units. Every offset
// crosses here (pure functions, no DOM).

/** u16[cp] = the UTF-16 index of code point `cp` (and u16[length] = text.length). */
export function utf16Index(text) {
  const out = [0];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    out.push(u);
  }
  return out;
}

/** Code-point offset of a UTF-16 offset within `text`. */
export function toCodePoints(text, u16Offset) {
  return Array.from(text.slice(0, u16Offset)).length;
}

/** UTF-16 offset of a code-point offset within `text` (clamped to the text's end). */
export function toUtf16(text, cpOffset) {
  let u = 0;
  let cp = 0;
  for (const ch of text) {
    if (cp >= cpOffset) break;
    u += ch.length;
    cp += 1;
  }
  return u;
}

/** The text between two code-point offsets. */
export function sliceCodePoints(text, start, end) {
  return Array.from(text).slice(start, end).join("");
}
