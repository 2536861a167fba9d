// Tagging a selection: the toolbar opens under a selected passage; a kind button (or its key)
// saves the tag.

import { create } from "../api.js";
import { curlyQuote } from "../format.js";
import { hideCaret } from "../keyboard-select.js";
import { details } from "./details.js";
import { repaintParagraph } from "./highlights.js";
import { linkDialog } from "./linking.js";
import { readSelection } from "./selection.js";
import { config, kinds, state, urls } from "./state.js";
import { toast } from "./toasts.js";

export const toolbar = document.getElementById("toolbar");
const toolbarQuote = document.getElementById("toolbar-quote");
const toolbarNote = document.getElementById("toolbar-note");

function openToolbar(pending) {
  state.pending = pending;
  toolbarQuote.textContent = curlyQuote(pending.quote, 120);
  toolbar.hidden = false;
  const top = window.scrollY + pending.rect.bottom + 8;
  const left = Math.max(8, Math.min(window.scrollX + pending.rect.left, window.innerWidth - 340));
  toolbar.style.top = `${top}px`;
  toolbar.style.left = `${left}px`;
}

export function closeToolbar() {
  state.pending = null;
  toolbar.hidden = true;
  toolbarNote.value = "";
}

/** Close the toolbar and drop the selection it was for. */
export function dismissToolbar() {
  closeToolbar();
  window.getSelection()?.removeAllRanges();
}

function onSelectionEnd(event) {
  if (
    toolbar.contains(event.target) ||
    details.contains(event.target) ||
    linkDialog.contains(event.target)
  ) {
    return;
  }
  // Let the browser finish updating the selection first.
  setTimeout(() => {
    const pending = readSelection();
    if (!pending) {
      if (!toolbar.contains(document.activeElement)) closeToolbar();
      return;
    }
    if (pending.error) {
      closeToolbar();
      toast(pending.error, { kind: "warning" });
      return;
    }
    if (!config.canContribute) return;
    openToolbar(pending);
  }, 0);
}

async function saveTag(kind) {
  const pending = state.pending;
  if (!pending) return;
  const body = {
    paragraph: pending.paragraph,
    start: pending.start,
    end: pending.end,
    quote: pending.quote,
    kind,
    note: toolbarNote.value,
  };
  for (const b of toolbar.querySelectorAll("button")) b.disabled = true;
  try {
    const tag = await create(urls.tags, body);
    state.tags.set(tag.id, tag);
    closeToolbar();
    window.getSelection()?.removeAllRanges();
    hideCaret();
    repaintParagraph(tag.paragraph);
    toast(`${kinds.label(tag.kind)} saved.`);
  } catch (error) {
    toast(`Your tag was not saved. ${error.message}`, { kind: "error" });
  } finally {
    for (const b of toolbar.querySelectorAll("button")) b.disabled = false;
  }
}

/** A kind's key while the toolbar is open saves the tag as that kind; true if it did. */
export function saveByKey(event) {
  if (toolbar.hidden || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (event.target.closest?.("textarea, input, select")) return false;
  const kind = kinds.forKey(event.key);
  if (!kind) return false;
  event.preventDefault();
  saveTag(kind);
  return true;
}

/** Listen for selections in `container` (mouse, keyboard with Shift, touch). */
export function initToolbar(container) {
  container.addEventListener("mouseup", onSelectionEnd);
  container.addEventListener("keyup", (event) => {
    if (event.shiftKey) onSelectionEnd(event);
  });
  container.addEventListener("touchend", onSelectionEnd);
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-kind]");
    if (button) saveTag(button.dataset.kind);
  });
  document.getElementById("toolbar-cancel").addEventListener("click", dismissToolbar);
}
