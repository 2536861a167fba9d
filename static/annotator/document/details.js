// The details of the tags at a place: a card per tag with its kind, author, status, quote,
// note and review counts, its links, its reviews, its history and (for who may) its edit form.

import { getAll } from "../api.js";
import { historyDisclosure } from "../history.js";
import { editForm } from "./edit.js";
import { startLinking } from "./linking.js";
import { renderCardLinks } from "./links.js";
import { canChange, config, kinds, state, urls } from "./state.js";

export const details = document.getElementById("details");
export const detailsBody = document.getElementById("details-body");
let detailsReturnFocus = null;

const STATUS_HELP = {
  pending: "not decided yet",
  accepted: "accepted",
  disputed: "reviewers disagree",
  rejected: "rejected",
};

export function closeDetails() {
  details.hidden = true;
  detailsReturnFocus?.focus?.();
}

/** Open the details of the tags `ids` (those at one place in the text). */
export function showDetails(ids) {
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

/** The History disclosure of a tag. */
export function tagHistory(tagId) {
  return historyDisclosure({
    url: `${urls.tags}${tagId}/history/`,
    kindLabels: kinds.labels,
    name: "History of this tag",
  });
}

function detailsCard(tag) {
  const card = document.createElement("section");
  card.className = `tag-card k-${tag.kind}`;
  if (tag.implicit) card.classList.add("implicit");
  card.dataset.tag = tag.id;
  const head = document.createElement("p");
  head.className = "tag-card-head";
  const kind = document.createElement("span");
  kind.className = `kind-label k-${tag.kind}`;
  kind.textContent = kinds.label(tag.kind);
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

async function loadReviews(tag, section) {
  let reviews;
  try {
    reviews = await getAll(`${urls.reviews}?tag=${tag.id}&page_size=1000`);
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

export function initDetails() {
  document.getElementById("details-close").addEventListener("click", closeDetails);
}
