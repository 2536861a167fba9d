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

/** What a card says about a tag (kind, author, status, quote, note, verdicts): redrawn alone. */
function cardSummary(tag) {
  const summary = document.createElement("div");
  summary.className = "tag-card-summary";
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
  summary.append(head);
  if (tag.implicit) {
    const flag = document.createElement("p");
    flag.className = "implicit-flag";
    flag.textContent = "implicit: a statement the author left unstated, not in the text";
    summary.append(flag);
  }
  summary.append(quote);
  if (tag.note) {
    const note = document.createElement("div");
    note.className = "note";
    // Notes are sanitised by the server with an allow-list (bleach) before they are stored.
    note.innerHTML = tag.note;
    summary.append(note);
  }
  const counts = document.createElement("p");
  counts.className = "muted verdicts";
  counts.textContent = `${tag.agree} agree · ${tag.disagree} disagree`;
  summary.append(counts);
  return summary;
}

/** The open card of tag `id`, or null. */
export function openCard(id) {
  if (details.hidden) return null;
  return detailsBody.querySelector(`.tag-card[data-tag="${id}"]`);
}

/**
 * Show `tag` as it is now in its open card (kind, quote, note, counts), leaving the rest (an
 * edit in progress, the links, the history) as it is; `notice` says who changed it. Answers the
 * card, or null when it is not open.
 */
export function updateCard(tag, { notice = null } = {}) {
  const card = openCard(tag.id);
  if (!card) return null;
  card.classList.remove(...[...card.classList].filter((c) => c.startsWith("k-")));
  card.classList.add(`k-${tag.kind}`);
  card.querySelector(".tag-card-summary").replaceWith(cardSummary(tag));
  if (notice) cardNotice(card, notice);
  return card;
}

/** A line at the top of a card saying what happened to it meanwhile (read out politely). */
export function cardNotice(card, text) {
  let line = card.querySelector(".card-notice");
  if (!line) {
    line = document.createElement("p");
    line.className = "card-notice";
    line.setAttribute("role", "status");
    card.querySelector(".tag-card-summary").after(line);
  }
  line.textContent = text;
  return line;
}

function detailsCard(tag) {
  const card = document.createElement("section");
  card.className = `tag-card k-${tag.kind}`;
  if (tag.implicit) card.classList.add("implicit");
  card.dataset.tag = tag.id;
  card.append(cardSummary(tag));

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
    section.querySelector("p, ol").replaceWith(
      Object.assign(document.createElement("p"), {
        className: "muted",
        textContent: `The reviews could not be loaded. ${error.message}`,
      }),
    );
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
  const placeholder = section.querySelector("p, ol");
  if (reviews.length === 0) {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = "No reviews yet.";
    placeholder.replaceWith(none);
  } else {
    placeholder.replaceWith(body);
  }
}

/** Load the reviews of tag `id` again in its open card (someone reviewed it meanwhile). */
export function refreshReviews(id) {
  const section = openCard(id)?.querySelector(".card-reviews");
  const tag = state.tags.get(id);
  if (section && tag) loadReviews(tag, section);
}

export function initDetails() {
  document.getElementById("details-close").addEventListener("click", closeDetails);
}
