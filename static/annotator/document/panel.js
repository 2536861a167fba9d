// The side panel: the list of tags in reading order, the kind and author filters, the counts
// per kind, and focusing a tag (its highlights and its entry).

import { readingOrder, shorten } from "../format.js";
import { showDetails } from "./details.js";
import { marksOf, paintAll } from "./highlights.js";
import { pickForLink } from "./linking.js";
import { config, isVisible, kinds, paragraphs, state } from "./state.js";
import { toast } from "./toasts.js";

export const list = document.getElementById("tag-list");
const summary = document.getElementById("tag-summary");
const authorSelect = document.getElementById("author-filter");
const kindBoxes = () => document.querySelectorAll('.filters input[name="kind"]');

/** A tag's kind as a label, and "implicit" after it for an implicit statement. */
export function kindAndFlag(tag) {
  const kind = document.createElement("span");
  kind.className = `kind-label k-${tag.kind}`;
  kind.textContent = kinds.label(tag.kind);
  if (!tag.implicit) return [kind, " "];
  const flag = document.createElement("span");
  flag.className = "implicit-flag";
  flag.textContent = "implicit";
  return [kind, " ", flag, " "];
}

export function renderList() {
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
    const quote = document.createElement("span");
    quote.className = "quote";
    quote.textContent = shorten(tag.quote);
    const author = document.createElement("span");
    author.className = "author";
    author.textContent = tag.author;
    button.append(...kindAndFlag(tag), quote, " ", author);
    if (state.flashing.has(tag.id)) li.classList.add("live-changed");
    li.append(button);
    frag.append(li);
  }
  list.replaceChildren(frag);
  const total = state.tags.size;
  summary.textContent =
    visible.length === total ? `${total} tags` : `Showing ${visible.length} of ${total} tags`;
}

export function renderCounts() {
  const counts = kinds.emptyCounts();
  for (const tag of state.tags.values()) counts[tag.kind] = (counts[tag.kind] ?? 0) + 1;
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

/** Select tag `id`: mark its highlights and its entry, and bring it into view. */
export function focusTag(id) {
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

/** Clear the filters, so every tag shows. */
function showEveryTag() {
  state.kinds = new Set(kinds.values);
  for (const box of kindBoxes()) box.checked = true;
  state.author = "";
  authorSelect.value = "";
  paintAll();
}

/** Open the tag the address names (#tag-<id>), even if a filter hid it. */
export function openFromHash() {
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
  if (!isVisible(tag)) showEveryTag();
  focusTag(id);
  showDetails([id]);
}

export function initPanel() {
  for (const box of kindBoxes()) {
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
  window.addEventListener("hashchange", openFromHash);
}
