// The document page: paints tags as highlights, tags a selection, lists, filters, edits and
// deletes (with undo) tags; adds implicit statements; links tags (supports, attacks, linked
// premises, undercuts) by picking the target in the text or the side panel; shows each tag's
// links, status and reviews; opens a passage from #tag-<id>. Offsets sent to and read from the
// API are Unicode code points; the DOM counts UTF-16 code units, so every offset crosses
// `toCodePoints`. Curators and owners also get the deleted tags and links of the document (with
// Restore, and the reason when a link cannot come back yet); every tag and link has its history.

import { closeHistoryAround, historyDisclosure, timeElement } from "./history.js";
import { enableKeyboardSelection, hideCaret } from "./keyboard-select.js";

const config = JSON.parse(document.getElementById("page-config").textContent);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const KIND_LABELS = Object.fromEntries(config.kinds.map((k) => [k.value, k.label]));
const reading = document.getElementById("reading");
const urls = {
  links: reading.dataset.linksUrl,
  reviews: reading.dataset.reviewsUrl,
  map: reading.dataset.mapUrl,
};

const state = {
  tags: new Map(), // id -> tag
  kinds: new Set(config.kinds.map((k) => k.value)),
  author: "",
  pending: null, // the selection waiting for a kind: {paragraph, start, end, quote}
  selectedId: null,
  links: new Map(), // id -> link
  linksLoaded: false,
  linking: null, // link mode: {source: tag id} or, to undercut, {targetLink: link id}
};

const paragraphs = new Map(); // paragraph id -> {el, text, u16}
for (const p of document.querySelectorAll(".para")) {
  const el = p.querySelector(".para-text");
  const text = el.textContent;
  paragraphs.set(Number(p.dataset.paragraph), { el, text, u16: utf16Index(text) });
}

for (const tag of JSON.parse(document.getElementById("page-tags").textContent)) {
  state.tags.set(tag.id, tag);
}

// --- Offsets ---------------------------------------------------------------------------------

/** u16[cp] = the UTF-16 index of code point `cp` (and u16[length] = text.length). */
function utf16Index(text) {
  const out = [0];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    out.push(u);
  }
  return out;
}

/** Code-point offset of a UTF-16 offset within `text`. */
function toCodePoints(text, u16Offset) {
  return Array.from(text.slice(0, u16Offset)).length;
}

// --- Painting --------------------------------------------------------------------------------

function isVisible(tag) {
  return state.kinds.has(tag.kind) && (!state.author || tag.author === state.author);
}

function tagsByParagraph() {
  const groups = new Map();
  for (const tag of state.tags.values()) {
    if (!isVisible(tag)) continue;
    if (!groups.has(tag.paragraph)) groups.set(tag.paragraph, []);
    groups.get(tag.paragraph).push(tag);
  }
  return groups;
}

/** Split a paragraph at every tag boundary and wrap covered pieces in <mark>s. */
function paintParagraph(info, tags) {
  const { el, text, u16 } = info;
  const frag = document.createDocumentFragment();
  if (!tags || tags.length === 0) {
    frag.append(text);
    el.replaceChildren(frag);
    return;
  }
  const bounds = new Set([0, u16.length - 1]);
  for (const t of tags) {
    bounds.add(Math.min(t.start, u16.length - 1));
    bounds.add(Math.min(t.end, u16.length - 1));
  }
  const points = [...bounds].sort((a, b) => a - b);
  const starting = new Map();
  for (const t of tags) {
    if (!starting.has(t.start)) starting.set(t.start, []);
    starting.get(t.start).push(t);
  }
  let active = [];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    active = active.filter((t) => t.end > a);
    if (starting.has(a)) active.push(...starting.get(a));
    const piece = text.slice(u16[a], u16[b]);
    if (active.length === 0) {
      frag.append(piece);
      continue;
    }
    const mark = document.createElement("mark");
    mark.className = "hl";
    const kinds = new Set(active.map((t) => t.kind));
    for (const k of kinds) mark.classList.add(`k-${k}`);
    if (active.length > 1) mark.classList.add("overlap");
    mark.dataset.tags = active.map((t) => t.id).join(" ");
    if (active.some((t) => t.id === state.selectedId)) mark.classList.add("selected");
    mark.textContent = piece;
    frag.append(mark);
  }
  el.replaceChildren(frag);
}

function paintAll() {
  const groups = tagsByParagraph();
  for (const [id, info] of paragraphs) paintParagraph(info, groups.get(id));
  renderList();
  renderCounts();
}

function repaintParagraph(paragraphId) {
  const info = paragraphs.get(paragraphId);
  // An implicit statement has no paragraph: only the side panel changes.
  if (info) {
    const tags = [...state.tags.values()].filter(
      (t) => t.paragraph === paragraphId && isVisible(t),
    );
    paintParagraph(info, tags);
  }
  renderList();
  renderCounts();
}

// --- Side panel ------------------------------------------------------------------------------

const list = document.getElementById("tag-list");
const summary = document.getElementById("tag-summary");
const authorSelect = document.getElementById("author-filter");

function shorten(text, max = 90) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Reading order: passages by paragraph and offset, then implicit statements by id. */
function readingOrder(a, b, order) {
  const pa = a.paragraph === null ? Infinity : order.get(a.paragraph);
  const pb = b.paragraph === null ? Infinity : order.get(b.paragraph);
  if (pa !== pb) return pa - pb;
  return (a.start ?? 0) - (b.start ?? 0) || (a.end ?? 0) - (b.end ?? 0) || a.id - b.id;
}

function renderList() {
  const order = new Map([...paragraphs.keys()].map((id, i) => [id, i]));
  const visible = [...state.tags.values()]
    .filter(isVisible)
    .sort((a, b) => readingOrder(a, b, order));
  const frag = document.createDocumentFragment();
  for (const tag of visible) {
    const li = document.createElement("li");
    li.className = `tag-entry k-${tag.kind}`;
    if (tag.implicit) li.classList.add("implicit");
    if (tag.id === state.selectedId) li.classList.add("selected");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.tag = tag.id;
    button.className = "tag-entry-button";
    const kind = document.createElement("span");
    kind.className = `kind-label k-${tag.kind}`;
    kind.textContent = KIND_LABELS[tag.kind];
    const quote = document.createElement("span");
    quote.className = "quote";
    quote.textContent = shorten(tag.quote);
    const author = document.createElement("span");
    author.className = "author";
    author.textContent = tag.author;
    button.append(kind, " ");
    if (tag.implicit) {
      const flag = document.createElement("span");
      flag.className = "implicit-flag";
      flag.textContent = "implicit";
      button.append(flag, " ");
    }
    button.append(quote, " ", author);
    li.append(button);
    frag.append(li);
  }
  list.replaceChildren(frag);
  const total = state.tags.size;
  summary.textContent =
    visible.length === total ? `${total} tags` : `Showing ${visible.length} of ${total} tags`;
}

function renderCounts() {
  const counts = { claim: 0, evidence: 0, opinion: 0 };
  for (const tag of state.tags.values()) counts[tag.kind] += 1;
  for (const el of document.querySelectorAll("[data-count]")) {
    el.textContent = counts[el.dataset.count] ?? 0;
  }
  const authors = new Set([...state.tags.values()].map((t) => t.author));
  authors.delete(config.user);
  const wanted = ["", config.user, ...[...authors].sort()];
  const have = [...authorSelect.options].map((o) => o.value);
  if (wanted.join("\n") !== have.join("\n")) {
    const current = authorSelect.value;
    authorSelect.replaceChildren(
      ...wanted.map((value) => {
        const label = value === "" ? "everyone" : value === config.user ? "my tags" : value;
        return new Option(label, value, false, value === current);
      }),
    );
  }
}

for (const box of document.querySelectorAll('.filters input[name="kind"]')) {
  box.addEventListener("change", () => {
    if (box.checked) state.kinds.add(box.value);
    else state.kinds.delete(box.value);
    paintAll();
  });
}
authorSelect.addEventListener("change", () => {
  state.author = authorSelect.value;
  paintAll();
});

list.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-tag]");
  if (!button) return;
  const id = Number(button.dataset.tag);
  if (state.linking) {
    pickForLink([id]);
    return;
  }
  focusTag(id);
  showDetails([id]);
});

function marksOf(id) {
  return [...document.querySelectorAll("mark.hl")].filter((m) =>
    m.dataset.tags.split(" ").includes(String(id)),
  );
}

function focusTag(id) {
  state.selectedId = id;
  for (const m of document.querySelectorAll("mark.hl.selected")) m.classList.remove("selected");
  const marks = marksOf(id);
  for (const m of marks) m.classList.add("selected");
  for (const li of list.querySelectorAll("li.selected")) li.classList.remove("selected");
  const entry = list.querySelector(`button[data-tag="${id}"]`);
  entry?.parentElement.classList.add("selected");
  if (marks[0]) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  else entry?.scrollIntoView({ block: "nearest" });
}

// --- Messages --------------------------------------------------------------------------------

const toasts = document.getElementById("toasts");

function toast(message, { kind = "info", action = null, timeout = 6000 } = {}) {
  const box = document.createElement("div");
  box.className = `toast toast-${kind}`;
  const text = document.createElement("span");
  text.textContent = message;
  box.append(text);
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    button.addEventListener("click", () => {
      box.remove();
      action.run();
    });
    box.append(" ", button);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "link-button";
  close.setAttribute("aria-label", "Dismiss message");
  close.textContent = "✕";
  close.addEventListener("click", () => box.remove());
  box.append(" ", close);
  if (kind === "error") box.setAttribute("role", "alert");
  toasts.append(box);
  if (timeout && kind !== "error") setTimeout(() => box.remove(), timeout);
  return box;
}

/** Turn an API error body into one sentence a person can act on. */
function describeError(status, body) {
  if (status === 403) return `Not allowed: ${body?.detail ?? "you may not do this."}`;
  if (status === 404) return "That no longer exists (it may have been deleted by someone else).";
  if (body && typeof body === "object") {
    if (body.detail) return body.detail;
    return Object.entries(body)
      .map(([field, messages]) => {
        const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
        return field === "non_field_errors" ? text : `${field}: ${text}`;
      })
      .join(" ");
  }
  return `The server answered ${status}.`;
}

class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }
}

/** The ETag of the version of a tag this page holds (sent as If-Match so edits never clash). */
function versionTag(tag) {
  return tag.version === undefined ? undefined : `"tag-${tag.id}-v${tag.version}"`;
}

async function api(method, url, body, { ifMatch } = {}) {
  let response;
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "X-CSRFToken": csrfToken,
  };
  if (ifMatch) headers["If-Match"] = ifMatch;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      "Could not reach the server, so nothing was saved. Check the connection and try again.",
    );
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(describeError(response.status, data), response.status);
  return data;
}

/** The item at ``url`` as it is now, or null when it is gone (deleted) or unreachable. */
async function readNow(url) {
  try {
    return await api("GET", url);
  } catch {
    return null;
  }
}

/** After a 412, load the tag as it is now, show it, and say what happened in plain words. */
async function reportChangedMeanwhile(tag, what) {
  const current = await readNow(`${config.api.tags}${tag.id}/`);
  if (current) {
    state.tags.set(current.id, current);
    repaintParagraph(current.paragraph);
  }
  const now = current
    ? ` It is now a ${KIND_LABELS[current.kind].toLowerCase()} by ${current.author}` +
      (current.note ? " with a changed note." : ".")
    : " It may have been deleted.";
  toast(
    `Someone else changed this tag while you had it open, so ${what} was not saved.${now} ` +
      "Your edits are still in the form: look at the new version, then save again to apply them.",
    { kind: "error" },
  );
  return current;
}

// --- Tagging a selection ---------------------------------------------------------------------

const toolbar = document.getElementById("toolbar");
const toolbarQuote = document.getElementById("toolbar-quote");
const toolbarNote = document.getElementById("toolbar-note");

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

function readSelection() {
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

function openToolbar(pending) {
  state.pending = pending;
  toolbarQuote.textContent = `“${shorten(pending.quote, 120)}”`;
  toolbar.hidden = false;
  const top = window.scrollY + pending.rect.bottom + 8;
  const left = Math.max(8, Math.min(window.scrollX + pending.rect.left, window.innerWidth - 340));
  toolbar.style.top = `${top}px`;
  toolbar.style.left = `${left}px`;
}

function closeToolbar() {
  state.pending = null;
  toolbar.hidden = true;
  toolbarNote.value = "";
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

document.getElementById("paragraphs").addEventListener("mouseup", onSelectionEnd);
document.getElementById("paragraphs").addEventListener("keyup", (event) => {
  if (event.shiftKey) onSelectionEnd(event);
});
enableKeyboardSelection(document.getElementById("paragraphs"));
document.getElementById("paragraphs").addEventListener("touchend", onSelectionEnd);

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
    const tag = await api("POST", config.api.tags, body);
    state.tags.set(tag.id, tag);
    closeToolbar();
    window.getSelection()?.removeAllRanges();
    hideCaret();
    repaintParagraph(tag.paragraph);
    toast(`${KIND_LABELS[tag.kind]} saved.`);
  } catch (error) {
    toast(`Your tag was not saved. ${error.message}`, { kind: "error" });
  } finally {
    for (const b of toolbar.querySelectorAll("button")) b.disabled = false;
  }
}

toolbar.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-kind]");
  if (button) saveTag(button.dataset.kind);
});
document.getElementById("toolbar-cancel").addEventListener("click", () => {
  closeToolbar();
  window.getSelection()?.removeAllRanges();
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    if (!linkDialog.hidden || state.linking) {
      cancelLinking();
      event.preventDefault();
    } else if (!toolbar.hidden) {
      closeToolbar();
      window.getSelection()?.removeAllRanges();
      event.preventDefault();
    } else if (closeHistoryAround(document.activeElement)) {
      event.preventDefault(); // the innermost first: a second Escape closes what holds it
    } else if (deletedSection && !deletedSection.hidden && inDeletedView(document.activeElement)) {
      closeDeleted();
      event.preventDefault();
    } else if (!details.hidden) {
      closeDetails();
    }
    return;
  }
  if (toolbar.hidden || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest?.("textarea, input, select")) return;
  const kind = { c: "claim", e: "evidence", o: "opinion" }[event.key.toLowerCase()];
  if (kind) {
    event.preventDefault();
    saveTag(kind);
  }
});

// --- Details, edit, delete, undo -------------------------------------------------------------

const details = document.getElementById("details");
const detailsBody = document.getElementById("details-body");
let detailsReturnFocus = null;

function canChange(tag) {
  return config.canCurate || (config.canContribute && tag.author === config.user);
}

function closeDetails() {
  details.hidden = true;
  detailsReturnFocus?.focus?.();
}

document.getElementById("details-close").addEventListener("click", closeDetails);

function showDetails(ids) {
  detailsReturnFocus = document.activeElement;
  const frag = document.createDocumentFragment();
  for (const id of ids) {
    const tag = state.tags.get(id);
    if (tag) frag.append(detailsCard(tag));
  }
  detailsBody.replaceChildren(frag);
  document.getElementById("details-title").textContent =
    ids.length > 1 ? `${ids.length} tags here` : "Tag";
  details.hidden = false;
  details.querySelector("button, select, textarea")?.focus();
}

const STATUS_HELP = {
  pending: "not decided yet",
  accepted: "accepted",
  disputed: "reviewers disagree",
  rejected: "rejected",
};

function detailsCard(tag) {
  const card = document.createElement("section");
  card.className = `tag-card k-${tag.kind}`;
  if (tag.implicit) card.classList.add("implicit");
  card.dataset.tag = tag.id;
  const head = document.createElement("p");
  head.className = "tag-card-head";
  const kind = document.createElement("span");
  kind.className = `kind-label k-${tag.kind}`;
  kind.textContent = KIND_LABELS[tag.kind];
  const status = document.createElement("span");
  status.className = `status-badge s-${tag.status}`;
  status.textContent = tag.status;
  status.title = `Status: ${STATUS_HELP[tag.status] ?? tag.status}`;
  head.append(kind, ` by ${tag.author} `, status);
  const quote = document.createElement("blockquote");
  quote.textContent = tag.quote;
  card.append(head);
  if (tag.implicit) {
    const flag = document.createElement("p");
    flag.className = "implicit-flag";
    flag.textContent = "implicit: a statement the author left unstated, not in the text";
    card.append(flag);
  }
  card.append(quote);
  if (tag.note) {
    const note = document.createElement("div");
    note.className = "note";
    // Notes are sanitised by the server with an allow-list (bleach) before they are stored.
    note.innerHTML = tag.note;
    card.append(note);
  }
  const counts = document.createElement("p");
  counts.className = "muted verdicts";
  counts.textContent = `${tag.agree} agree · ${tag.disagree} disagree`;
  card.append(counts);

  const actions = document.createElement("div");
  actions.className = "row card-actions";
  if (config.canContribute) {
    const start = document.createElement("button");
    start.type = "button";
    start.dataset.action = "link";
    start.textContent = "Link from this tag";
    start.addEventListener("click", () => startLinking({ source: tag.id }));
    actions.append(start);
  }
  const onMap = document.createElement("a");
  onMap.className = "button-link";
  onMap.href = `${urls.map}?tag=${tag.id}`;
  onMap.textContent = "Show on map";
  actions.append(onMap);
  card.append(actions);

  const linksSection = document.createElement("section");
  linksSection.className = "card-links";
  linksSection.setAttribute("aria-label", "Links");
  renderCardLinks(linksSection, tag);
  card.append(linksSection);

  const reviews = document.createElement("section");
  reviews.className = "card-reviews";
  reviews.setAttribute("aria-label", "Reviews");
  const heading = document.createElement("h3");
  heading.textContent = "Reviews";
  const loading = document.createElement("p");
  loading.className = "muted";
  loading.textContent = "Loading reviews…";
  reviews.append(heading, loading);
  card.append(reviews);
  loadReviews(tag, reviews);

  card.append(tagHistory(tag.id));
  if (canChange(tag)) card.append(editForm(tag));
  return card;
}

// --- Reviews in the details --------------------------------------------------------------------

async function fetchAll(url) {
  const rows = [];
  let next = url;
  while (next) {
    const page = await api("GET", next);
    rows.push(...page.results);
    next = page.next;
  }
  return rows;
}

async function loadReviews(tag, section) {
  let reviews;
  try {
    reviews = await fetchAll(`${urls.reviews}?tag=${tag.id}&page_size=1000`);
  } catch (error) {
    section.querySelector("p").textContent = `The reviews could not be loaded. ${error.message}`;
    return;
  }
  const body = document.createElement("ol");
  body.className = "review-list";
  for (const review of reviews) {
    const li = document.createElement("li");
    li.className = `review v-${review.verdict}`;
    const who = document.createElement("strong");
    who.textContent = review.reviewer;
    li.append(who, review.verdict === "agree" ? " agrees" : " disagrees");
    if (review.comment) {
      const comment = document.createElement("div");
      comment.className = "review-comment";
      // Comments are sanitised by the server with the same allow-list as notes.
      comment.innerHTML = review.comment;
      li.append(": ", comment);
    }
    body.append(li);
  }
  const placeholder = section.querySelector("p");
  if (reviews.length === 0) placeholder.textContent = "No reviews yet.";
  else placeholder.replaceWith(body);
}

// --- Links in the details ----------------------------------------------------------------------

const INCOMING = { supports: "supported by", attacks: "attacked by", undercuts: "undercut by" };

function quoteOf(tagId) {
  const tag = state.tags.get(tagId);
  return tag ? `“${shorten(tag.quote, 70)}”` : "(a tag you cannot see here)";
}

/** Describe what a link bears on: a tag's quote, or the link it undercuts. */
function describeTarget(link, depth = 0) {
  if (link.target !== null) return quoteOf(link.target);
  const attacked = state.links.get(link.target_link);
  if (!attacked || depth > 3) return "a link";
  return `the link ${quoteOf(attacked.source)} ${attacked.relation} ${describeTarget(attacked, depth + 1)}`;
}

function describeLink(link) {
  return `${quoteOf(link.source)} ${link.relation} ${describeTarget(link)}`;
}

function canChangeLink(link) {
  return config.canCurate || (config.canContribute && link.author === config.user);
}

function linksOf(tagId) {
  const all = [...state.links.values()].sort((a, b) => a.id - b.id);
  return {
    outgoing: all.filter((l) => l.source === tagId),
    incoming: all.filter((l) => l.target === tagId),
    undercutsOf: (linkId) => all.filter((l) => l.target_link === linkId),
  };
}

function goToTagButton(tagId, text) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button quote-link";
  button.textContent = text;
  button.addEventListener("click", () => {
    if (!state.tags.has(tagId)) return;
    focusTag(tagId);
    showDetails([tagId]);
  });
  return button;
}

function linkItem(link, label, otherTag, otherText, undercutsOf, depth = 0) {
  const li = document.createElement("li");
  li.className = `link-item r-${link.relation}`;
  li.dataset.link = link.id;
  const text = document.createElement("span");
  text.className = "link-label";
  text.textContent = `${label}: `;
  li.append(text, otherTag === null ? otherText : goToTagButton(otherTag, otherText));
  if (link.group) {
    const group = document.createElement("span");
    group.className = "muted";
    group.textContent = " (a linked premise)";
    li.append(group);
  }
  const by = document.createElement("span");
  by.className = "author";
  by.textContent = ` · ${link.author}`;
  li.append(by);
  const buttons = document.createElement("span");
  buttons.className = "link-actions";
  if (config.canContribute) {
    const undercut = document.createElement("button");
    undercut.type = "button";
    undercut.className = "small";
    undercut.textContent = "Undercut this link";
    undercut.addEventListener("click", () => startLinking({ targetLink: link.id }));
    buttons.append(undercut);
  }
  if (canChangeLink(link)) {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small danger";
    remove.textContent = "Delete link";
    remove.addEventListener("click", () => deleteLink(link));
    buttons.append(remove);
  }
  li.append(buttons);
  li.append(
    historyDisclosure({
      url: `${urls.links}${link.id}/history/`,
      load: (url) => api("GET", url),
      kindLabels: KIND_LABELS,
      name: `History of the link: ${label}`,
    }),
  );
  const undercuts = depth < 3 ? undercutsOf(link.id) : [];
  if (undercuts.length) {
    const nested = document.createElement("ul");
    for (const u of undercuts) {
      nested.append(linkItem(u, "undercut by", u.source, quoteOf(u.source), undercutsOf, depth + 1));
    }
    li.append(nested);
  }
  return li;
}

function renderCardLinks(section, tag) {
  const heading = document.createElement("h3");
  heading.textContent = "Links";
  if (!state.linksLoaded) {
    const wait = document.createElement("p");
    wait.className = "muted";
    wait.textContent = "Loading links…";
    section.replaceChildren(heading, wait);
    return;
  }
  const { outgoing, incoming, undercutsOf } = linksOf(tag.id);
  if (outgoing.length === 0 && incoming.length === 0) {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = "No links yet.";
    section.replaceChildren(heading, none);
    return;
  }
  const ul = document.createElement("ul");
  ul.className = "link-list";
  for (const link of outgoing) {
    const other = link.target;
    ul.append(linkItem(link, link.relation, other, describeTarget(link), undercutsOf));
  }
  for (const link of incoming) {
    ul.append(
      linkItem(link, INCOMING[link.relation], link.source, quoteOf(link.source), undercutsOf),
    );
  }
  section.replaceChildren(heading, ul);
}

/** Redraw the link lists of the open details (after links change), keeping focus nearby. */
function refreshCardLinks() {
  if (details.hidden) return;
  for (const card of detailsBody.querySelectorAll(".tag-card")) {
    const tag = state.tags.get(Number(card.dataset.tag));
    const section = card.querySelector(".card-links");
    if (tag && section) renderCardLinks(section, tag);
  }
}

async function loadLinks() {
  try {
    const rows = await fetchAll(`${urls.links}?document=${config.documentId}&page_size=1000`);
    state.links = new Map(rows.map((l) => [l.id, l]));
    state.linksLoaded = true;
  } catch (error) {
    toast(`The links could not be loaded. ${error.message}`, { kind: "error" });
    return;
  }
  refreshCardLinks();
  document.body.dataset.linksReady = "true";
}

async function deleteLink(link) {
  try {
    await api("DELETE", `${urls.links}${link.id}/`);
  } catch (error) {
    toast(`The link was not deleted. ${error.message}`, { kind: "error" });
    return;
  }
  // The server also deleted the undercuts of this link (and theirs).
  const gone = new Set([link.id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const l of state.links.values()) {
      if (l.target_link !== null && gone.has(l.target_link) && !gone.has(l.id)) {
        gone.add(l.id);
        grew = true;
      }
    }
  }
  for (const id of gone) state.links.delete(id);
  refreshCardLinks();
  refreshDeleted();
  toast(`Link deleted: ${describeLink(link)}.`, {
    action: { label: "Undo", run: () => restoreLink(link) },
    timeout: 15000,
  });
}

async function restoreLink(link) {
  try {
    await api("POST", `${urls.links}${link.id}/restore/`);
  } catch (error) {
    toast(`The link could not be restored. ${error.message}`, { kind: "error" });
    return;
  }
  await loadLinks(); // its undercuts came back with it
  refreshDeleted();
  toast("Link restored.");
}

// --- Linking: pick a target, then say how ------------------------------------------------------

const banner = document.getElementById("link-banner");
const bannerText = document.getElementById("link-banner-text");
const linkDialog = document.getElementById("link-dialog");
const linkForm = document.getElementById("link-form");

function startLinking(linking) {
  state.linking = linking;
  closeDetails();
  if (linking.targetLink !== undefined) {
    const attacked = state.links.get(linking.targetLink);
    bannerText.textContent = `Pick the tag that undercuts the link ${describeLink(attacked)} (Esc cancels)`;
  } else {
    bannerText.textContent = "Pick the tag this one supports or attacks (Esc cancels)";
  }
  banner.hidden = false;
  document.body.classList.add("linking");
  bannerText.focus();
}

function endLinking() {
  state.linking = null;
  banner.hidden = true;
  document.body.classList.remove("linking");
}

function cancelLinking() {
  const source = state.linking?.source;
  linkDialog.hidden = true;
  endLinking();
  toast("Linking cancelled.", { timeout: 3000 });
  if (source !== undefined && state.tags.has(source)) {
    focusTag(source);
    showDetails([source]);
  }
}

document.getElementById("link-banner-cancel").addEventListener("click", cancelLinking);
document.getElementById("link-dialog-close").addEventListener("click", cancelLinking);

function pickForLink(ids) {
  const linking = state.linking;
  if (linking.targetLink !== undefined) {
    const attacked = state.links.get(linking.targetLink);
    const candidates = ids.filter((id) => id !== attacked?.source);
    if (!attacked || candidates.length === 0) {
      toast("A tag cannot undercut a link it starts; pick another tag.", { kind: "warning" });
      return;
    }
    openUndercutForm(attacked, candidates);
    return;
  }
  const candidates = ids.filter((id) => id !== linking.source);
  if (candidates.length === 0) {
    toast("A tag cannot support or attack itself; pick another tag.", { kind: "warning" });
    return;
  }
  openLinkForm(linking.source, candidates);
}

function optionFor(tagId) {
  const tag = state.tags.get(tagId);
  return new Option(`${KIND_LABELS[tag.kind]} ${quoteOf(tagId)}`, String(tagId));
}

function showLinkDialog(title) {
  document.getElementById("link-dialog-title").textContent = title;
  banner.hidden = true;
  linkDialog.hidden = false;
  linkForm.querySelector("select, input, textarea")?.focus();
}

function openLinkForm(sourceId, candidates) {
  linkForm.innerHTML = `
    <p class="link-from"></p>
    <label for="link-target">To</label>
    <select id="link-target" name="target"></select>
    <fieldset class="relation">
      <legend>This tag</legend>
      <label><input type="radio" name="relation" value="supports" checked> supports</label>
      <label><input type="radio" name="relation" value="attacks"> attacks</label>
      <span class="muted">the target</span>
    </fieldset>
    <label for="link-group">Linked premise (optional)</label>
    <select id="link-group" name="group"></select>
    <label for="link-note">Note (optional)</label>
    <textarea id="link-note" name="note" rows="2"></textarea>
    <div class="row">
      <button type="submit" class="primary">Save link</button>
      <button type="button" data-action="cancel">Cancel</button>
    </div>`;
  linkForm.querySelector(".link-from").textContent = `From ${quoteOf(sourceId)}`;
  const target = linkForm.querySelector("#link-target");
  for (const id of candidates) target.append(optionFor(id));
  const group = linkForm.querySelector("#link-group");
  const radios = [...linkForm.querySelectorAll('input[name="relation"]')];

  function fillGroups() {
    const targetId = Number(target.value);
    const others = [...state.links.values()].filter(
      (l) => l.target === targetId && l.source !== sourceId,
    );
    group.replaceChildren(new Option("no: an argument of its own", ""));
    for (const other of others) {
      group.append(
        new Option(
          `together with ${quoteOf(other.source)} (which ${other.relation} it)`,
          String(other.id),
        ),
      );
    }
    group.disabled = others.length === 0;
    syncRelation();
  }
  function syncRelation() {
    const other = state.links.get(Number(group.value));
    for (const radio of radios) {
      if (other) radio.checked = radio.value === other.relation;
      radio.disabled = Boolean(other);
    }
  }
  target.addEventListener("change", fillGroups);
  group.addEventListener("change", syncRelation);
  fillGroups();

  linkForm.onsubmit = async (event) => {
    event.preventDefault();
    const partner = state.links.get(Number(group.value));
    const relation = partner
      ? partner.relation
      : linkForm.querySelector('input[name="relation"]:checked').value;
    const body = {
      source: sourceId,
      target: Number(target.value),
      relation,
      note: linkForm.querySelector("#link-note").value,
    };
    await saveLink(body, partner);
  };
  linkForm.querySelector('[data-action="cancel"]').addEventListener("click", cancelLinking);
  showLinkDialog("Link two tags");
}

function openUndercutForm(attacked, candidates) {
  linkForm.innerHTML = `
    <label for="link-source">Tag that undercuts</label>
    <select id="link-source" name="source"></select>
    <p class="link-what"></p>
    <label for="link-note">Note (optional)</label>
    <textarea id="link-note" name="note" rows="2"></textarea>
    <div class="row">
      <button type="submit" class="primary">Save undercut</button>
      <button type="button" data-action="cancel">Cancel</button>
    </div>`;
  const source = linkForm.querySelector("#link-source");
  for (const id of candidates) source.append(optionFor(id));
  linkForm.querySelector(".link-what").textContent =
    `It undercuts the link ${describeLink(attacked)}: it says that inference does not hold.`;
  linkForm.onsubmit = async (event) => {
    event.preventDefault();
    await saveLink({
      source: Number(source.value),
      target_link: attacked.id,
      relation: "undercuts",
      note: linkForm.querySelector("#link-note").value,
    });
  };
  linkForm.querySelector('[data-action="cancel"]').addEventListener("click", cancelLinking);
  showLinkDialog("Undercut a link");
}

/** Save a link; joining ``partner`` makes both premises of one linked argument. */
async function saveLink(body, partner = null) {
  const buttons = linkForm.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  try {
    if (partner) {
      let name = partner.group;
      if (!name) {
        name = `arg-${partner.id}`;
        const updated = await api("PATCH", `${urls.links}${partner.id}/`, { group: name });
        state.links.set(updated.id, updated);
      }
      body.group = name;
    }
    const link = await api("POST", urls.links, body);
    state.links.set(link.id, link);
    linkDialog.hidden = true;
    endLinking();
    toast(`Link saved: ${describeLink(link)}.`);
    focusTag(link.source);
    showDetails([link.source]);
  } catch (error) {
    toast(`The link was not saved. ${error.message}`, { kind: "error" });
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// --- Implicit statements -----------------------------------------------------------------------

const implicitOpen = document.getElementById("implicit-open");
const implicitForm = document.getElementById("implicit-form");

function closeImplicitForm() {
  implicitForm.hidden = true;
  implicitOpen.setAttribute("aria-expanded", "false");
  implicitForm.reset();
}

if (implicitOpen) {
  implicitOpen.addEventListener("click", () => {
    const opening = implicitForm.hidden;
    implicitForm.hidden = !opening;
    implicitOpen.setAttribute("aria-expanded", String(opening));
    if (opening) implicitForm.querySelector("textarea").focus();
  });
  document.getElementById("implicit-cancel").addEventListener("click", () => {
    closeImplicitForm();
    implicitOpen.focus();
  });
  implicitForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      document: config.documentId,
      kind: implicitForm.elements.kind.value,
      quote: implicitForm.elements.quote.value,
    };
    try {
      const tag = await api("POST", config.api.tags, body);
      state.tags.set(tag.id, tag);
      closeImplicitForm();
      renderList();
      renderCounts();
      toast(`Implicit ${KIND_LABELS[tag.kind].toLowerCase()} added.`);
      focusTag(tag.id);
      list.querySelector(`button[data-tag="${tag.id}"]`)?.focus();
    } catch (error) {
      toast(`The statement was not added. ${error.message}`, { kind: "error" });
    }
  });
}

function editForm(tag) {
  const form = document.createElement("form");
  form.className = "edit-form";
  const kindId = `edit-kind-${tag.id}`;
  const noteId = `edit-note-${tag.id}`;
  form.innerHTML = `
    <label for="${kindId}">Kind</label>
    <select id="${kindId}" name="kind"></select>
    <label for="${noteId}">Note</label>
    <textarea id="${noteId}" name="note" rows="2"></textarea>
    <div class="row">
      <button type="submit" class="primary">Save changes</button>
      <button type="button" class="danger" data-action="delete">Delete tag</button>
    </div>`;
  const select = form.querySelector("select");
  for (const k of config.kinds) select.append(new Option(k.label, k.value, false, k.value === tag.kind));
  form.querySelector("textarea").value = tag.note;
  let loaded = tag; // the version the person is editing
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const body = { kind: select.value, note: form.querySelector("textarea").value };
      const updated = await api("PATCH", `${config.api.tags}${tag.id}/`, body, {
        ifMatch: versionTag(loaded),
      });
      state.tags.set(updated.id, updated);
      repaintParagraph(updated.paragraph);
      showDetails([updated.id]);
      toast("Changes saved.");
    } catch (error) {
      if (error.status === 412) {
        const current = await reportChangedMeanwhile(tag, "your change");
        if (current) {
          // Fields the person did not touch take the new version's values, so saving again
          // applies only their own edits.
          const note = form.querySelector("textarea");
          if (select.value === loaded.kind) select.value = current.kind;
          if (note.value === loaded.note) note.value = current.note;
          loaded = current;
        }
      } else {
        toast(`Your changes were not saved. ${error.message}`, { kind: "error" });
      }
    }
  });
  form
    .querySelector('[data-action="delete"]')
    .addEventListener("click", () => deleteTag(state.tags.get(tag.id) ?? loaded));
  return form;
}

async function deleteTag(tag) {
  try {
    await api("DELETE", `${config.api.tags}${tag.id}/`, undefined, { ifMatch: versionTag(tag) });
  } catch (error) {
    if (error.status === 412) await reportChangedMeanwhile(tag, "your delete");
    else toast(`The tag was not deleted. ${error.message}`, { kind: "error" });
    return;
  }
  state.tags.delete(tag.id);
  closeDetails();
  repaintParagraph(tag.paragraph);
  loadLinks(); // deleting a tag deleted its links
  refreshDeleted();
  toast(`${KIND_LABELS[tag.kind]} deleted.`, {
    action: { label: "Undo", run: () => restoreTag(tag) },
    timeout: 15000,
  });
}

async function restoreTag(tag) {
  try {
    const restored = await api("POST", `${config.api.tags}${tag.id}/restore/`);
    state.tags.set(restored.id, restored);
    repaintParagraph(restored.paragraph);
    loadLinks(); // and its links came back with it
    refreshDeleted();
    toast(`${KIND_LABELS[restored.kind]} restored.`);
  } catch (error) {
    toast(`The tag could not be restored. ${error.message}`, { kind: "error" });
  }
}

document.getElementById("paragraphs").addEventListener("click", (event) => {
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

// --- History of a tag ---------------------------------------------------------------------------

function tagHistory(tagId) {
  return historyDisclosure({
    url: `${config.api.tags}${tagId}/history/`,
    load: (url) => api("GET", url),
    kindLabels: KIND_LABELS,
    name: "History of this tag",
  });
}

// --- Deleted tags and links (curators and owners) ---------------------------------------------
//
// A disclosure in the side panel rather than a page of its own: the curator restores a tag or a
// link where it belongs and sees its highlight and links come back at once, without losing
// their place in the text.

const deletedOpen = document.getElementById("deleted-open");
const deletedSection = document.getElementById("deleted-section");
const deletedList = document.getElementById("deleted-list");
const deletedSummary = document.getElementById("deleted-summary");
const deletedLinksList = document.getElementById("deleted-links");
const deletedLinksSummary = document.getElementById("deleted-links-summary");
// The deleted tags and links as last loaded (id -> row): a deleted link names its ends by id.
const deleted = { tags: new Map(), links: new Map(), tagsLoaded: false };

function inDeletedView(element) {
  return element === deletedOpen || deletedSection.contains(element);
}

function closeDeleted() {
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
    fetchAll(deletedUrl(config.api.tags)),
    fetchAll(deletedUrl(urls.links)),
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
    rows = await fetchAll(deletedUrl(urls.links));
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
function refreshDeleted() {
  if (deletedSection && !deletedSection.hidden) loadDeleted();
}

function deletedEntry(tag) {
  const li = document.createElement("li");
  li.className = `deleted-entry k-${tag.kind}`;
  li.dataset.tag = tag.id;
  const head = document.createElement("p");
  head.className = "deleted-head";
  const kind = document.createElement("span");
  kind.className = `kind-label k-${tag.kind}`;
  kind.textContent = KIND_LABELS[tag.kind];
  head.append(kind, " ");
  if (tag.implicit) {
    const flag = document.createElement("span");
    flag.className = "implicit-flag";
    flag.textContent = "implicit";
    head.append(flag, " ");
  }
  const quote = document.createElement("span");
  quote.className = "quote";
  quote.id = `deleted-quote-${tag.id}`;
  quote.textContent = `“${shorten(tag.quote)}”`;
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
    restored = await api("POST", `${config.api.tags}${tag.id}/restore/`, undefined, {
      ifMatch: versionTag(tag),
    });
  } catch (error) {
    button.disabled = false;
    if (error.status === 412) await reportRestoredMeanwhile(tag);
    else toast(`The tag was not restored. ${error.message}`, { kind: "error" });
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
  toast(`${KIND_LABELS[restored.kind]} restored, with the links deleted along with it.`);
}

/** After a 412 on restore: someone restored (or restored and deleted) it since the list loaded. */
async function reportRestoredMeanwhile(tag) {
  const live = await readNow(`${config.api.tags}${tag.id}/`);
  if (live) {
    state.tags.set(live.id, live);
    repaintParagraph(live.paragraph);
    loadLinks();
    const what = KIND_LABELS[live.kind].toLowerCase();
    toast(`Someone else restored this ${what} meanwhile; it is back.`, { kind: "warning" });
  } else {
    toast(
      "Someone else changed this tag since the list was loaded (it may have been restored " +
        "and deleted again), so it was not restored. The list now shows it as it is: look " +
        "again, then restore it if you still want it back.",
      { kind: "error" },
    );
  }
  loadDeleted();
}

// A deleted link reads "source quote → relation → target quote"; its ends may be live tags
// (on the page) or deleted ones (in the list above).

function deletedEndText(tagId) {
  // The deleted list is the fresher word: it was loaded after the page.
  const gone = deleted.tags.get(tagId);
  if (gone) return `“${shorten(gone.quote, 70)}” (deleted)`;
  const live = state.tags.get(tagId);
  if (live) return `“${shorten(live.quote, 70)}”`;
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
    const quote = `“${shorten(end.quote, 70)}”`;
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
  actions.append(
    historyDisclosure({
      url: `${urls.links}${link.id}/history/`,
      load: (url) => api("GET", url),
      kindLabels: KIND_LABELS,
      name: "History of this link",
    }),
  );
  li.append(actions);
  return li;
}

/** The ETag of the version of a deleted link this page holds. */
function linkVersionTag(link) {
  return `"link-${link.id}-v${link.version}"`;
}

async function restoreDeletedLink(link, li, button) {
  button.disabled = true;
  let restored;
  try {
    restored = await api("POST", `${urls.links}${link.id}/restore/`, undefined, {
      ifMatch: linkVersionTag(link),
    });
  } catch (error) {
    button.disabled = false;
    if (error.status === 412) {
      await reportLinkRestoredMeanwhile(link);
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

/** After a 412 on a link's restore: someone changed it since the list loaded. */
async function reportLinkRestoredMeanwhile(link) {
  const live = await readNow(`${urls.links}${link.id}/`);
  if (live) {
    await loadLinks();
    toast("Someone else restored this link meanwhile; it is back.", { kind: "warning" });
  } else {
    toast(
      "Someone else changed this link since the list was loaded (it may have been restored " +
        "and deleted again), so it was not restored. The list now shows it as it is: look " +
        "again, then restore it if you still want it back.",
      { kind: "error" },
    );
  }
  await reloadDeletedAt(link.id);
}

if (deletedOpen) {
  deletedOpen.addEventListener("click", () => {
    const opening = deletedSection.hidden;
    deletedSection.hidden = !opening;
    deletedOpen.setAttribute("aria-expanded", String(opening));
    if (opening) loadDeleted();
  });
  document.getElementById("deleted-close").addEventListener("click", closeDeleted);
}

// --- Opening a passage from #tag-<id> -----------------------------------------------------------

function openFromHash() {
  const match = /^#tag-(\d+)$/.exec(window.location.hash);
  if (!match) return;
  const id = Number(match[1]);
  const tag = state.tags.get(id);
  if (!tag) {
    toast("That tag is not on this page any more (it may have been deleted).", {
      kind: "warning",
    });
    return;
  }
  // Show it even if a filter hid it.
  if (!isVisible(tag)) {
    state.kinds = new Set(config.kinds.map((k) => k.value));
    for (const box of document.querySelectorAll('.filters input[name="kind"]')) box.checked = true;
    state.author = "";
    authorSelect.value = "";
    paintAll();
  }
  focusTag(id);
  showDetails([id]);
}

window.addEventListener("hashchange", openFromHash);

// --- Start -----------------------------------------------------------------------------------

const started = performance.now();
paintAll();
document.body.dataset.paintMs = String(Math.round(performance.now() - started));
document.body.dataset.readyAt = String(Math.round(performance.now()));
document.body.dataset.ready = "true";
openFromHash();
loadLinks();
