// Reading the browser's selection as a passage: its paragraph and its start and end in code
// points (the DOM counts UTF-16 code units; the API counts code points).

import { toCodePoints } from "../offsets.js";
import { paragraphs } from "./state.js";

function paragraphOf(node) {
  const el = (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement)?.closest(
    ".para-text",
  );
  return el ? Number(el.parentElement.dataset.paragraph) : null;
}

function utf16OffsetIn(el, container, offset) {
  const range = document.createRange();
  range.setStart(el, 0);
  range.setEnd(container, offset);
  return range.toString().length;
}

/**
 * The selected passage as {paragraph, start, end, quote, rect}; {error} when it spans
 * paragraphs; null when nothing (or only white space) is selected in the text.
 */
export function readSelection() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const startPara = paragraphOf(range.startContainer);
  const endPara = paragraphOf(range.endContainer);
  if (startPara === null && endPara === null) return null;
  if (startPara !== endPara) {
    return { error: "A tag stays within one paragraph: select text inside a single paragraph." };
  }
  const info = paragraphs.get(startPara);
  const u16Start = utf16OffsetIn(info.el, range.startContainer, range.startOffset);
  const u16End = utf16OffsetIn(info.el, range.endContainer, range.endOffset);
  const quote = info.text.slice(u16Start, u16End);
  if (!quote.trim()) return null;
  return {
    paragraph: startPara,
    start: toCodePoints(info.text, u16Start),
    end: toCodePoints(info.text, u16End),
    quote,
    rect: range.getBoundingClientRect(),
  };
}
