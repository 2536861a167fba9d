// Selecting text with the keyboard alone. Browsers only move a caret through editable text,
// so a focused paragraph gets one: arrow keys move it (Ctrl/Alt: by word), Shift extends the
// selection, Home/End jump to the paragraph's ends. A thin bar shows where the caret is.

const caret = document.createElement("div");
caret.className = "kbd-caret";
caret.hidden = true;
caret.setAttribute("aria-hidden", "true");
document.body.append(caret);

function textOf(paragraph) {
  return paragraph.querySelector(".para-text");
}

function selectionInside(paragraph) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return false;
  const range = selection.getRangeAt(0);
  return paragraph.contains(range.startContainer) && paragraph.contains(range.endContainer);
}

function firstTextNode(element) {
  return document.createTreeWalker(element, NodeFilter.SHOW_TEXT).nextNode() ?? element;
}

function placeCaretAtStart(paragraph) {
  const range = document.createRange();
  range.setStart(firstTextNode(textOf(paragraph)), 0);
  range.collapse(true);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function showCaret() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return;
  // A collapsed range has no box; measure the character after the caret (or the one before).
  const node = selection.focusNode;
  const offset = selection.focusOffset;
  const range = document.createRange();
  let atEnd = false;
  if (node.nodeType === Node.TEXT_NODE && offset < node.length) {
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
  } else if (node.nodeType === Node.TEXT_NODE && offset > 0) {
    range.setStart(node, offset - 1);
    range.setEnd(node, offset);
    atEnd = true;
  } else {
    range.selectNodeContents(node);
  }
  const rect = range.getClientRects()[0] ?? range.getBoundingClientRect();
  if (!rect || rect.height === 0) {
    caret.hidden = true;
    return;
  }
  caret.style.left = `${window.scrollX + (atEnd ? rect.right : rect.left)}px`;
  caret.style.top = `${window.scrollY + rect.top}px`;
  caret.style.height = `${rect.height || 20}px`;
  caret.hidden = false;
}

export function hideCaret() {
  caret.hidden = true;
}

/** Let focused `.para` elements inside `container` take keyboard selection. */
export function enableKeyboardSelection(container) {
  container.addEventListener("focusin", (event) => {
    const paragraph = event.target.closest?.(".para");
    // Only keyboard focus: a mouse click must not move the selection it is about to make.
    if (!paragraph || event.target !== paragraph || !paragraph.matches(":focus-visible")) return;
    if (!selectionInside(paragraph)) placeCaretAtStart(paragraph);
    showCaret();
  });
  container.addEventListener("focusout", () => hideCaret());
  container.addEventListener("keydown", (event) => {
    const paragraph = event.target.closest?.(".para");
    if (!paragraph || event.target !== paragraph || event.metaKey) return;
    const directions = { ArrowRight: "forward", ArrowLeft: "backward" };
    const edges = { Home: "backward", End: "forward" };
    const selection = window.getSelection();
    if (!selectionInside(paragraph)) placeCaretAtStart(paragraph);
    let direction = directions[event.key];
    let granularity = event.ctrlKey || event.altKey ? "word" : "character";
    if (!direction && edges[event.key]) {
      direction = edges[event.key];
      granularity = "paragraphboundary";
    }
    if (!direction) return;
    event.preventDefault();
    selection.modify(event.shiftKey ? "extend" : "move", direction, granularity);
    // Never let the selection leave the paragraph: a tag belongs to one paragraph.
    if (!selectionInside(paragraph)) {
      const back = direction === "forward" ? "backward" : "forward";
      selection.modify(event.shiftKey ? "extend" : "move", back, "character");
    }
    showCaret();
  });
}
