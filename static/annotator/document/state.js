// What the document page knows: its config, the kinds, the tags and links it holds, the
// paragraphs as rendered, and the page's mode (filters, selection, linking).

import { itemRef } from "../api.js";
import { kindRegistry } from "../kinds.js";
import { utf16Index } from "../offsets.js";

export const config = JSON.parse(document.getElementById("page-config").textContent);
export const kinds = kindRegistry(config.kinds);

const reading = document.getElementById("reading");
export const urls = {
  tags: config.api.tags,
  links: reading.dataset.linksUrl,
  reviews: reading.dataset.reviewsUrl,
  map: reading.dataset.mapUrl,
};

export const state = {
  tags: new Map(), // id -> tag, as the API represents it
  kinds: new Set(kinds.values), // the kinds the filters show
  author: "",
  pending: null, // the selection waiting for a kind: {paragraph, start, end, quote}
  selectedId: null,
  links: new Map(), // id -> link
  linksLoaded: false,
  linking: null, // link mode: {source: tag id} or, to undercut, {targetLink: link id}
  changedBy: new Map(), // tag id -> {actor, version}: who made the version the page holds
  flashing: new Set(), // tags someone else changed a moment ago (outlined for a while)
};

export const paragraphs = new Map(); // paragraph id -> {el, text, u16}
for (const p of document.querySelectorAll(".para")) {
  const el = p.querySelector(".para-text");
  const text = el.textContent;
  paragraphs.set(Number(p.dataset.paragraph), { el, text, u16: utf16Index(text) });
}

for (const tag of JSON.parse(document.getElementById("page-tags").textContent)) {
  state.tags.set(tag.id, tag);
}

/** Whether the filters show this tag. */
export function isVisible(tag) {
  return state.kinds.has(tag.kind) && (!state.author || tag.author === state.author);
}

/** What a write to this tag sends: its URL and the version this page holds. */
export function tagRef(tag) {
  return itemRef("tag", urls.tags, tag);
}

/** What a write to this link sends: its URL and the version this page holds. */
export function linkRef(link) {
  return itemRef("link", urls.links, link);
}

export function canChange(item) {
  return config.canCurate || (config.canContribute && item.author === config.user);
}
