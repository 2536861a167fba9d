// Others' changes on the document page as they happen: new, changed, deleted and restored tags
// and links are painted in place, without moving what the reader is reading; each is outlined
// for a moment and told in a word ("ana added a claim tag") in the polite message corner; the
// side panel's list and counts follow; an open details card shows the new version and says who
// changed it (an edit in progress there is kept, and saving it shows both versions).

import { readNow } from "../api.js";
import { splitType } from "../live.js";
import { cueTeller, startLive } from "../live-bar.js";
import { keepScroll } from "../scroll.js";
import { refreshDeleted } from "./deleted.js";
import { cardNotice, openCard, refreshReviews, updateCard } from "./details.js";
import { syncEditForm } from "./edit.js";
import { marksOf, repaintParagraph } from "./highlights.js";
import { dropLink, keepLink, loadLinks, refreshCardLinks } from "./links.js";
import { list } from "./panel.js";
import { config, kinds, state, urls } from "./state.js";
import { toast } from "./toasts.js";

const FLASH_MS = 3000;
const panel = document.querySelector(".panel");
const flashTimers = new Map();

/** Make a change to the page keeping the reader's place, in the text and in the side panel. */
function keepPlace(change) {
  return keepScroll(change, {
    groups: [".para", "#tag-list button[data-tag]"],
    boxes: [panel],
    boxGroups: ["#tag-list button[data-tag]"],
  });
}

/** "a claim tag", "an evidence tag": the kind's short name from the registry. */
function kindNoun(kind) {
  const word = (kinds.list.find((k) => k.value === kind)?.short ?? kinds.label(kind)).toLowerCase();
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word} tag`;
}

let cueToast = null;
const teller = cueTeller((text) => {
  cueToast?.remove();
  cueToast = toast(text, { kind: "live", timeout: 5000 });
});

/** Say who did what; the person's own changes (another tab, what a write of theirs did to
 * other items, such as the links deleted with a tag) are painted but not told. */
function tell(cue) {
  if (cue.actor !== config.user) teller(cue);
}

/** Outline a tag's highlights and list entry for a moment. */
function flash(id) {
  state.flashing.add(id);
  clearTimeout(flashTimers.get(id));
  flashTimers.set(
    id,
    setTimeout(() => {
      state.flashing.delete(id);
      flashTimers.delete(id);
      for (const mark of marksOf(id)) mark.classList.remove("live-changed");
      list.querySelector(`button[data-tag="${id}"]`)?.parentElement.classList.remove("live-changed");
    }, FLASH_MS),
  );
}

function setCardEnabled(card, enabled) {
  for (const control of card.querySelectorAll(
    ".edit-form select, .edit-form textarea, .edit-form button, .card-actions button",
  )) {
    control.disabled = !enabled;
  }
}

// --- Tags --------------------------------------------------------------------------------------

const TAG_WORDS = {
  created: "added",
  updated: "changed",
  restored: "restored",
  merged: "merged tags into",
};

function decisionWords(tag) {
  if (tag.decision === "accepted") return "accepted";
  if (tag.decision === "rejected") return "rejected";
  return "reset to pending";
}

/**
 * A tag is gone: deleted, merged into another, or (read later from the change feed) created or
 * changed and deleted since, which its own tag.deleted tells (so `told` is false then).
 */
function tagDeleted(change, { told = true } = {}) {
  const before = state.tags.get(change.id);
  refreshDeleted();
  if (!before) return;
  state.tags.delete(change.id);
  state.flashing.delete(change.id);
  keepPlace(() => repaintParagraph(before.paragraph));
  loadLinks(); // its links went with it
  const merged = change.type === "tag.merged";
  const verb = merged ? "Merged into another tag" : "Deleted";
  if (told) {
    const what = merged
      ? `merged ${kindNoun(before.kind)} into another tag`
      : `deleted ${kindNoun(before.kind)}`;
    tell({ actor: change.actor, text: `${change.actor} ${what}` });
  }
  const card = openCard(change.id);
  if (card) {
    cardNotice(card, `${verb} by ${change.actor} just now.`);
    setCardEnabled(card, false);
  }
}

function tagChanged(action, change) {
  const tag = change.data;
  if (!tag || tag.document !== config.documentId) return;
  const { actor } = change;
  state.tags.set(tag.id, tag);
  state.changedBy.set(tag.id, { actor, version: tag.version });
  flash(tag.id);
  keepPlace(() => repaintParagraph(tag.paragraph));
  if (action === "restored" || action === "merged") {
    loadLinks(); // links come back with a restored tag, and move to a merged one
    refreshDeleted();
  }
  const what =
    action === "decided"
      ? `${decisionWords(tag)} ${kindNoun(tag.kind)}`
      : tag.implicit && action === "created"
        ? `added an implicit statement (${kindNoun(tag.kind).replace(/^an? /, "")})`
        : `${TAG_WORDS[action] ?? "changed"} ${kindNoun(tag.kind)}`;
  tell({ actor, text: `${actor} ${what}` });

  const card = openCard(tag.id);
  if (!card) return;
  const verb = { restored: "Restored", decided: "Decided", merged: "Merged" }[action] ?? "Changed";
  let notice = `${verb} by ${actor} just now.`;
  const form = card.querySelector(".edit-form");
  if (form && syncEditForm(form, tag) === "kept") {
    notice += " Your unsaved edit is kept: saving it shows both versions.";
  }
  updateCard(tag, { notice });
  if (action === "restored") setCardEnabled(card, true);
}

// --- Links and reviews -------------------------------------------------------------------------

function linkCue(action, link, actor) {
  if (action === "created") {
    return link.relation === "undercuts"
      ? `${actor} undercut a link`
      : `${actor} linked two tags (${link.relation})`;
  }
  return `${actor} ${{ updated: "changed", deleted: "deleted", restored: "restored" }[action] ?? "changed"} a link`;
}

function linkChanged(action, change) {
  const { id, actor } = change;
  const link = change.data ?? state.links.get(id);
  if (action !== "deleted" && link?.deleted_at) {
    // Read later from the feed: deleted since, which its own link.deleted tells.
    if (state.links.has(id)) {
      dropLink(id);
      refreshCardLinks();
    }
    return;
  }
  if (action === "deleted") {
    if (!state.links.has(id)) return;
    dropLink(id);
    refreshCardLinks();
    refreshDeleted();
  } else if (action === "restored") {
    loadLinks(); // its undercuts came back with it
    refreshDeleted();
  } else {
    if (!link || link.document !== config.documentId) return;
    keepLink(link);
    refreshCardLinks();
    for (const li of document.querySelectorAll(`#details li[data-link="${id}"]`)) {
      li.classList.add("live-changed");
      setTimeout(() => li.classList.remove("live-changed"), FLASH_MS);
    }
  }
  if (link) tell({ actor, text: linkCue(action, link, actor) });
}

async function reviewChanged(action, change) {
  if (action !== "deleted" && change.data?.deleted_at) return; // its review.deleted follows
  const tagId = change.data?.tag;
  const tag = state.tags.get(tagId);
  if (!tag) return;
  const { actor } = change;
  const verdict = change.data.verdict === "agree" ? "agreed with" : "disagreed with";
  const what = action === "deleted" ? "withdrew a review of" : verdict;
  tell({ actor, text: `${actor} ${what} ${kindNoun(tag.kind)}` });
  // The tag's counts and status follow from its reviews: read it as it is now.
  const now = await readNow(`${urls.tags}${tagId}/`);
  if (!now || !state.tags.has(tagId)) return;
  state.tags.set(tagId, now);
  if (updateCard(now)) refreshReviews(tagId);
}

// --- Start ---------------------------------------------------------------------------------------

function apply(change) {
  const { entity, action } = splitType(change.type);
  if (entity === "tag") {
    // A change's data is the item as it is now: it may have been deleted since.
    if (action === "deleted" || action === "merged") {
      if (change.data?.deleted_at || action === "deleted") tagDeleted(change);
      else tagChanged(action, change);
    } else if (change.data?.deleted_at) {
      tagDeleted(change, { told: false });
    } else {
      tagChanged(action, change);
    }
  } else if (entity === "link") {
    linkChanged(action, change);
  } else if (entity === "review") {
    reviewChanged(action, change);
  }
}

/** Start live updates on the document page. */
export function initLive() {
  startLive({
    onChange: apply,
    keep: keepPlace,
    holds(entity, id) {
      if (entity === "tag") return state.tags.get(id)?.version ?? null;
      if (entity === "link") return state.links.get(id)?.version ?? null;
      return null;
    },
  });
}
