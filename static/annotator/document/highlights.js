// Painting tags as highlights: each paragraph is split at every tag boundary and the covered
// pieces wrapped in <mark>s (one class per kind, "overlap" where tags overlap).

import { renderCounts, renderList } from "./panel.js";
import { isVisible, paragraphs, state } from "./state.js";

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
    if (active.some((t) => state.flashing.has(t.id))) mark.classList.add("live-changed");
    mark.textContent = piece;
    frag.append(mark);
  }
  el.replaceChildren(frag);
}

/** Paint every paragraph and redraw the side panel. */
export function paintAll() {
  const groups = tagsByParagraph();
  for (const [id, info] of paragraphs) paintParagraph(info, groups.get(id));
  renderList();
  renderCounts();
}

/** Paint one paragraph again (after a tag in it changed) and redraw the side panel. */
export function repaintParagraph(paragraphId) {
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

/** The highlights that show tag `id`. */
export function marksOf(id) {
  return [...document.querySelectorAll("mark.hl")].filter((m) =>
    m.dataset.tags.split(" ").includes(String(id)),
  );
}
