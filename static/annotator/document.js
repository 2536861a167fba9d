// The document page: paints tags as highlights, tags a selection, lists, filters, edits and
// deletes (with undo) tags; adds implicit statements; links tags (supports, attacks, linked
// premises, undercuts) by picking the target in the text or the side panel; shows each tag's
// links, status and reviews; opens a passage from #tag-<id>. Curators and owners also get the
// deleted tags and links of the document; every tag and link has its history.
//
// Others' changes arrive live (./document/live.js). This entry module wires the concerns in
// ./document/ together: the Escape key, clicks on highlights, and the start.

import { closeHistoryAround } from "./history.js";
import { enableKeyboardSelection } from "./keyboard-select.js";
import { closeDeleted, initDeleted, inDeletedView } from "./document/deleted.js";
import { closeDetails, details, initDetails, showDetails } from "./document/details.js";
import { paintAll } from "./document/highlights.js";
import { initImplicit } from "./document/implicit.js";
import { cancelLinking, initLinking, isLinking, pickForLink } from "./document/linking.js";
import { loadLinks } from "./document/links.js";
import { initLive } from "./document/live.js";
import { focusTag, initPanel, openFromHash } from "./document/panel.js";
import { state } from "./document/state.js";
import { dismissToolbar, initToolbar, saveByKey, toolbar } from "./document/toolbar.js";

const text = document.getElementById("paragraphs");
const deletedSection = document.getElementById("deleted-section");

/** Escape closes the innermost thing open: linking, the toolbar, a history, a view, details. */
function onEscape(event) {
  if (isLinking()) {
    cancelLinking();
    event.preventDefault();
  } else if (!toolbar.hidden) {
    dismissToolbar();
    event.preventDefault();
  } else if (closeHistoryAround(document.activeElement)) {
    event.preventDefault(); // the innermost first: a second Escape closes what holds it
  } else if (deletedSection && !deletedSection.hidden && inDeletedView(document.activeElement)) {
    closeDeleted();
    event.preventDefault();
  } else if (!details.hidden) {
    closeDetails();
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") onEscape(event);
  else saveByKey(event);
});

// A click on a highlight opens the details of the tags there (or picks them, when linking).
text.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.hl");
  if (!mark) return;
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed) return;
  const ids = mark.dataset.tags.split(" ").map(Number);
  if (state.linking) {
    pickForLink(ids);
    return;
  }
  focusTag(ids[0]);
  showDetails(ids);
});

initToolbar(text);
enableKeyboardSelection(text);
initPanel();
initDetails();
initLinking();
initImplicit();
initDeleted();

const started = performance.now();
paintAll();
document.body.dataset.paintMs = String(Math.round(performance.now() - started));
document.body.dataset.readyAt = String(Math.round(performance.now()));
document.body.dataset.ready = "true";
openFromHash();
loadLinks();
initLive();
