// The document page: paints tags as highlights, tags a selection, lists, filters, edits and
// deletes (with undo) tags. Offsets sent to and read from the API are Unicode code points;
// the DOM counts UTF-16 code units, so every offset crosses `toCodePoints` / `toUtf16`.

const config = JSON.parse(document.getElementById("page-config").textContent);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const KIND_LABELS = Object.fromEntries(config.kinds.map((k) => [k.value, k.label]));

const state = {
  tags: new Map(), // id -> tag
  kinds: new Set(config.kinds.map((k) => k.value)),
  author: "",
  pending: null, // the selection waiting for a kind: {paragraph, start, end, quote}
  selectedId: null,
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
  if (!info) return;
  const tags = [...state.tags.values()].filter((t) => t.paragraph === paragraphId && isVisible(t));
  paintParagraph(info, tags);
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

function renderList() {
  const order = new Map([...paragraphs.keys()].map((id, i) => [id, i]));
  const visible = [...state.tags.values()]
    .filter(isVisible)
    .sort(
      (a, b) =>
        order.get(a.paragraph) - order.get(b.paragraph) ||
        a.start - b.start ||
        a.end - b.end ||
        a.id - b.id,
    );
  const frag = document.createDocumentFragment();
  for (const tag of visible) {
    const li = document.createElement("li");
    li.className = `tag-entry k-${tag.kind}`;
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
    button.append(kind, " ", quote, " ", author);
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
  list.querySelector(`button[data-tag="${id}"]`)?.parentElement.classList.add("selected");
  marks[0]?.scrollIntoView({ block: "center", behavior: "smooth" });
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

class ApiError extends Error {}

async function api(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
      },
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
  if (!response.ok) throw new ApiError(describeError(response.status, data));
  return data;
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
  if (toolbar.contains(event.target) || details.contains(event.target)) return;
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
    if (!toolbar.hidden) {
      closeToolbar();
      window.getSelection()?.removeAllRanges();
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

function detailsCard(tag) {
  const card = document.createElement("section");
  card.className = `tag-card k-${tag.kind}`;
  card.dataset.tag = tag.id;
  const head = document.createElement("p");
  head.className = "tag-card-head";
  const kind = document.createElement("span");
  kind.className = `kind-label k-${tag.kind}`;
  kind.textContent = KIND_LABELS[tag.kind];
  head.append(kind, ` by ${tag.author}`);
  const quote = document.createElement("blockquote");
  quote.textContent = tag.quote;
  const reviews = document.createElement("p");
  reviews.className = "muted";
  reviews.textContent = `${tag.agree} agree · ${tag.disagree} disagree`;
  card.append(head, quote);
  if (tag.note) {
    const note = document.createElement("div");
    note.className = "note";
    // Notes are sanitised by the server with an allow-list (bleach) before they are stored.
    note.innerHTML = tag.note;
    card.append(note);
  }
  card.append(reviews);
  if (canChange(tag)) card.append(editForm(tag));
  return card;
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
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const updated = await api("PATCH", `${config.api.tags}${tag.id}/`, {
        kind: select.value,
        note: form.querySelector("textarea").value,
      });
      state.tags.set(updated.id, updated);
      repaintParagraph(updated.paragraph);
      showDetails([updated.id]);
      toast("Changes saved.");
    } catch (error) {
      toast(`Your changes were not saved. ${error.message}`, { kind: "error" });
    }
  });
  form.querySelector('[data-action="delete"]').addEventListener("click", () => deleteTag(tag));
  return form;
}

async function deleteTag(tag) {
  try {
    await api("DELETE", `${config.api.tags}${tag.id}/`);
  } catch (error) {
    toast(`The tag was not deleted. ${error.message}`, { kind: "error" });
    return;
  }
  state.tags.delete(tag.id);
  closeDetails();
  repaintParagraph(tag.paragraph);
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
  focusTag(ids[0]);
  showDetails(ids);
});

// --- Start -----------------------------------------------------------------------------------

const started = performance.now();
paintAll();
document.body.dataset.paintMs = String(Math.round(performance.now() - started));
document.body.dataset.readyAt = String(Math.round(performance.now()));
document.body.dataset.ready = "true";
