// The deleted tags and links of the document (curators and owners), with Restore, and the
// reason when a link cannot come back yet (an end, or the link it undercuts, is still
// deleted). A disclosure in the side panel rather than a page of its own: the curator restores
// a tag or a link where it belongs and sees its highlight and links come back at once, without
// losing their place in the text.

import { getAll, restore } from "../api.js";
import { curlyQuote, timeElement } from "../format.js";
import { tagHistory } from "./details.js";
import { repaintParagraph } from "./highlights.js";
import { describeLink, linkHistory, loadLinks } from "./links.js";
import { focusTag, kindAndFlag } from "./panel.js";
import { showChangedMeanwhile, SINCE_LISTED } from "./stale.js";
import { config, isVisible, kinds, linkRef, state, tagRef, urls } from "./state.js";
import { toast } from "./toasts.js";

const deletedOpen = document.getElementById("deleted-open");
const deletedSection = document.getElementById("deleted-section");
const deletedList = document.getElementById("deleted-list");
const deletedSummary = document.getElementById("deleted-summary");
const deletedLinksList = document.getElementById("deleted-links");
const deletedLinksSummary = document.getElementById("deleted-links-summary");
// The deleted tags and links as last loaded (id -> row): a deleted link names its ends by id.
const deleted = { tags: new Map(), links: new Map(), tagsLoaded: false };

export function inDeletedView(element) {
  return element === deletedOpen || deletedSection.contains(element);
}

export function closeDeleted() {
  deletedSection.hidden = true;
  deletedOpen.setAttribute("aria-expanded", "false");
  deletedOpen.focus();
}

function deletedUrl(base) {
  return `${base}?deleted=true&document=${config.documentId}&page_size=1000`;
}

/** The most recent deletion first: the one a curator most likely wants back. */
function latestFirst(rows) {
  return rows.sort(
    (a, b) => (b.deleted_at ?? "").localeCompare(a.deleted_at ?? "") || b.id - a.id,
  );
}

async function loadDeleted() {
  deletedSummary.textContent = "Loading the deleted tags…";
  deletedLinksSummary.textContent = "Loading the deleted links…";
  deletedList.replaceChildren();
  deletedLinksList.replaceChildren();
  const [tags, links] = await Promise.allSettled([
    getAll(deletedUrl(urls.tags)),
    getAll(deletedUrl(urls.links)),
  ]);
  if (deletedSection.hidden) return;
  if (tags.status === "fulfilled") {
    deleted.tags = new Map(tags.value.map((t) => [t.id, t]));
    deleted.tagsLoaded = true;
    deletedList.replaceChildren(...latestFirst(tags.value).map(deletedEntry));
    renderDeletedSummary();
  } else {
    deleted.tagsLoaded = false; // the server still refuses a link whose end is deleted (409)
    deletedSummary.textContent = `The deleted tags could not be loaded. ${tags.reason.message}`;
  }
  if (links.status === "fulfilled") {
    deleted.links = new Map(links.value.map((l) => [l.id, l]));
    renderDeletedLinks();
  } else {
    const why = links.reason.message;
    deletedLinksSummary.textContent = `The deleted links could not be loaded. ${why}`;
  }
}

/** Load the deleted links again (after a restore brought some back or unblocked them). */
async function reloadDeletedLinks() {
  let rows;
  try {
    rows = await getAll(deletedUrl(urls.links));
  } catch (error) {
    deletedLinksSummary.textContent = `The deleted links could not be loaded. ${error.message}`;
    return;
  }
  deleted.links = new Map(rows.map((l) => [l.id, l]));
  renderDeletedLinks();
}

/** Say how many deleted items ("tag" or "link") a list shows. */
function countDeleted(list, summary, noun) {
  const n = list.children.length;
  summary.textContent =
    n === 0
      ? `No deleted ${noun}s in this document.`
      : `${n} deleted ${n === 1 ? noun : `${noun}s`}, the most recently deleted first.`;
}

function renderDeletedSummary() {
  countDeleted(deletedList, deletedSummary, "tag");
}

function renderDeletedLinksSummary() {
  countDeleted(deletedLinksList, deletedLinksSummary, "link");
}

/** Redraw the deleted links; focus stays on the entry it was in, if that is still listed. */
function renderDeletedLinks() {
  const focusedIn = document.activeElement?.closest?.("#deleted-links li[data-link]");
  const focusedId = focusedIn ? Number(focusedIn.dataset.link) : null;
  const rows = latestFirst([...deleted.links.values()]);
  deletedLinksList.replaceChildren(...rows.map(deletedLinkEntry));
  renderDeletedLinksSummary();
  if (focusedId !== null) focusDeletedLink(focusedId);
}

/** Reload the lists after a delete or restore elsewhere on the page (when they are open). */
export function refreshDeleted() {
  if (deletedSection && !deletedSection.hidden) loadDeleted();
}

function deletedEntry(tag) {
  const li = document.createElement("li");
  li.className = `deleted-entry k-${tag.kind}`;
  li.dataset.tag = tag.id;
  const head = document.createElement("p");
  head.className = "deleted-head";
  head.append(...kindAndFlag(tag));
  const quote = document.createElement("span");
  quote.className = "quote";
  quote.id = `deleted-quote-${tag.id}`;
  quote.textContent = curlyQuote(tag.quote);
  head.append(quote);
  const meta = document.createElement("p");
  meta.className = "muted deleted-meta";
  meta.append(`by ${tag.author} · deleted `, timeElement(tag.deleted_at));
  if (tag.deleted_by) meta.append(` by ${tag.deleted_by}`);
  const actions = document.createElement("div");
  actions.className = "row deleted-actions";
  const restore = document.createElement("button");
  restore.type = "button";
  restore.className = "small";
  restore.dataset.action = "restore";
  restore.textContent = "Restore";
  restore.setAttribute("aria-describedby", quote.id);
  restore.addEventListener("click", () => restoreDeleted(tag, li, restore));
  actions.append(restore, tagHistory(tag.id));
  li.append(head, meta, actions);
  return li;
}

async function restoreDeleted(tag, li, button) {
  button.disabled = true;
  let restored;
  try {
    restored = await restore(tagRef(tag));
  } catch (error) {
    button.disabled = false;
    if (error.status === 412) {
      await showChangedMeanwhile(error, { entity: "tag", what: "the restore", since: SINCE_LISTED });
      loadDeleted();
    } else {
      toast(`The tag was not restored. ${error.message}`, { kind: "error" });
    }
    return;
  }
  const next = li.nextElementSibling ?? li.previousElementSibling;
  li.remove();
  renderDeletedSummary();
  (next?.querySelector('[data-action="restore"]') ?? deletedOpen).focus();
  deleted.tags.delete(tag.id);
  state.tags.set(restored.id, restored);
  if (!isVisible(restored)) {
    toast("The restored tag is hidden by the filters above.", { kind: "warning" });
  }
  repaintParagraph(restored.paragraph);
  focusTag(restored.id);
  loadLinks(); // the links deleted with it came back with it
  reloadDeletedLinks(); // ... and left this list; links deleted on their own may be restorable now
  toast(`${kinds.label(restored.kind)} restored, with the links deleted along with it.`);
}

// A deleted link reads "source quote → relation → target quote"; its ends may be live tags
// (on the page) or deleted ones (in the list above).

function deletedEndText(tagId) {
  // The deleted list is the fresher word: it was loaded after the page.
  const gone = deleted.tags.get(tagId);
  if (gone) return `${curlyQuote(gone.quote, 70)} (deleted)`;
  const live = state.tags.get(tagId);
  if (live) return curlyQuote(live.quote, 70);
  return "(a tag you cannot see here)";
}

function deletedLinkTarget(link, depth = 0) {
  if (link.target !== null) return deletedEndText(link.target);
  const attacked = state.links.get(link.target_link) ?? deleted.links.get(link.target_link);
  if (!attacked || depth > 3) return "a link";
  const which = deleted.links.has(attacked.id) ? "the deleted link" : "the link";
  return (
    `${which} ${deletedEndText(attacked.source)} → ${attacked.relation} → ` +
    deletedLinkTarget(attacked, depth + 1)
  );
}

function describeDeletedLink(link) {
  return `${deletedEndText(link.source)} → ${link.relation} → ${deletedLinkTarget(link)}`;
}

/**
 * Why the server would refuse to restore this link now (an end is still deleted), in words a
 * curator can act on, with the deleted end to restore first; null when nothing stands in the
 * way that this page knows of.
 */
function whyNotRestorable(link) {
  if (!deleted.tagsLoaded) return null;
  const ends = [link.source, link.target]
    .filter((id) => id !== null && deleted.tags.has(id))
    .map((id) => deleted.tags.get(id));
  if (ends.length === 2) {
    return {
      text:
        `Both its tags are deleted (${deletedEndText(ends[0].id)}, ` +
        `${deletedEndText(ends[1].id)}): restore them first.`,
      tag: ends[0].id,
    };
  }
  if (ends.length === 1) {
    const [end] = ends;
    const quote = curlyQuote(end.quote, 70);
    if (end.deleted_at === link.deleted_at) {
      return {
        text: `Deleted along with the tag ${quote}: restoring that tag brings this link back.`,
        tag: end.id,
      };
    }
    const role = end.id === link.source ? "source" : "target";
    return {
      text: `Its ${role} tag ${quote} is deleted: restore that tag first, then this link.`,
      tag: end.id,
    };
  }
  const attacked = link.target_link === null ? null : deleted.links.get(link.target_link);
  if (attacked) {
    return {
      text:
        attacked.deleted_at === link.deleted_at
          ? "Deleted along with the link it undercuts: restoring that link brings this one back."
          : "The link it undercuts is deleted: restore that link first, then this one.",
      link: attacked.id,
    };
  }
  return null;
}

/** Move focus into a deleted entry: its Restore button, else its reason, else its History. */
function focusEntry(li) {
  const target =
    li.querySelector('[data-action="restore"]:not(:disabled)') ??
    li.querySelector(".deleted-reason") ??
    li.querySelector(".history-toggle");
  target?.scrollIntoView({ block: "nearest" });
  target?.focus();
}

function focusDeletedLink(id) {
  const li = deletedLinksList.querySelector(`li[data-link="${id}"]`);
  if (li) focusEntry(li);
  return li !== null;
}

function deletedLinkEntry(link) {
  const li = document.createElement("li");
  li.className = `deleted-entry deleted-link r-${link.relation}`;
  li.dataset.link = link.id;
  const head = document.createElement("p");
  head.className = "deleted-head";
  head.id = `deleted-link-${link.id}`;
  head.textContent = describeDeletedLink(link);
  if (link.group) {
    const group = document.createElement("span");
    group.className = "muted";
    group.textContent = " (a linked premise)";
    head.append(group);
  }
  const meta = document.createElement("p");
  meta.className = "muted deleted-meta";
  meta.append(`by ${link.author} · deleted `, timeElement(link.deleted_at));
  if (link.deleted_by) meta.append(` by ${link.deleted_by}`);
  li.append(head, meta);

  const actions = document.createElement("div");
  actions.className = "row deleted-actions";
  const restore = document.createElement("button");
  restore.type = "button";
  restore.className = "small";
  restore.dataset.action = "restore";
  restore.textContent = "Restore";
  const describedBy = [head.id];
  const blocked = whyNotRestorable(link);
  if (blocked) {
    // Disabled with the reason beside it (and read with it): never a click that does nothing.
    const reason = document.createElement("p");
    reason.className = "deleted-reason";
    reason.id = `deleted-link-reason-${link.id}`;
    reason.tabIndex = -1;
    reason.textContent = blocked.text;
    li.append(reason);
    describedBy.push(reason.id);
    restore.disabled = true;
    const find = document.createElement("button");
    find.type = "button";
    find.className = "small";
    find.textContent = blocked.tag !== undefined ? "Go to the deleted tag" : "Go to that link";
    find.addEventListener("click", () => {
      const entry =
        blocked.tag !== undefined
          ? deletedList.querySelector(`li[data-tag="${blocked.tag}"]`)
          : deletedLinksList.querySelector(`li[data-link="${blocked.link}"]`);
      if (entry) focusEntry(entry);
    });
    actions.append(restore, find);
  } else {
    restore.addEventListener("click", () => restoreDeletedLink(link, li, restore));
    actions.append(restore);
  }
  restore.setAttribute("aria-describedby", describedBy.join(" "));
  actions.append(linkHistory(link.id, "History of this link"));
  li.append(actions);
  return li;
}

async function restoreDeletedLink(link, li, button) {
  button.disabled = true;
  let restored;
  try {
    restored = await restore(linkRef(link));
  } catch (error) {
    button.disabled = false;
    if (error.status === 412) {
      await showChangedMeanwhile(error, { entity: "link", what: "the restore", since: SINCE_LISTED });
      await reloadDeletedAt(link.id);
    } else {
      toast(`The link was not restored. ${error.message}`, { kind: "error" });
      // A 409: an end was deleted since the list loaded. Reload, so the entry says which.
      if (error.status === 409) await reloadDeletedAt(link.id);
    }
    return;
  }
  const next = li.nextElementSibling ?? li.previousElementSibling;
  const nextId = next ? Number(next.dataset.link) : null;
  li.remove();
  deleted.links.delete(link.id);
  renderDeletedLinksSummary();
  if (next) focusEntry(next);
  else deletedOpen.focus();
  await loadLinks(); // redraw the page's links with it (and the undercuts restored with it)
  toast(`Link restored: ${describeLink(restored)}.`);
  // The undercuts deleted with it came back too: they leave the list.
  await reloadDeletedLinksAt(nextId);
}

/** Reload both lists and put focus in the entry of link ``id`` (if still listed). */
async function reloadDeletedAt(id) {
  await loadDeleted();
  if (!focusDeletedLink(id)) deletedOpen.focus();
}

/** Reload the deleted links and put focus in the entry of link ``id`` (if still listed). */
async function reloadDeletedLinksAt(id) {
  const active = document.activeElement;
  const hadFocus = active === document.body || inDeletedView(active);
  await reloadDeletedLinks();
  if (hadFocus && id !== null && !deletedLinksList.contains(document.activeElement)) {
    focusDeletedLink(id);
  }
}

/** Wire the disclosure (it is there only for curators and owners). */
export function initDeleted() {
  if (!deletedOpen) return;
  deletedOpen.addEventListener("click", () => {
    const opening = deletedSection.hidden;
    deletedSection.hidden = !opening;
    deletedOpen.setAttribute("aria-expanded", String(opening));
    if (opening) loadDeleted();
  });
  document.getElementById("deleted-close").addEventListener("click", closeDeleted);
}
