// The review page: one tag at a time, in reading order, shown in its paragraph. Reviewers agree
// or disagree (keys a / d, n to skip), curators accept, reject or reset; everything goes through
// the API client (api.js), which names the version of each tag and review it changes. Offsets
// are Unicode code points, so paragraphs are cut in code points (offsets.js). Others' changes
// arrive live: a tag deleted meanwhile leaves the queue, one a curator decided meanwhile leaves
// the queue of tags to review (when the reviewer moves on, if it is the one shown), each with a
// polite note; new tags join the queue in reading order.

import { act, create, get, itemRef, readNow, update } from "./api.js";
import { readingOrder, shorten } from "./format.js";
import { kindRegistry } from "./kinds.js";
import { splitType } from "./live.js";
import { startLive } from "./live-bar.js";
import { sliceCodePoints } from "./offsets.js";
import { keepScroll } from "./scroll.js";
import { discussionEntries } from "./review/discussion.js";

const config = JSON.parse(document.getElementById("review-config").textContent);
const kinds = kindRegistry(config.kinds);
const PARAGRAPHS = new Map(config.paragraphs.map((p) => [p.id, p]));
const VERDICT_WORDS = { agree: "agreed", disagree: "disagreed" };
const DECISION_WORDS = { accepted: "Accepted", rejected: "Rejected", pending: "Reset to pending" };

const tags = new Map(); // id -> tag, as the API represents it
const mine = new Map(); // tag id -> the user's own review of it
const order = []; // ids in reading order
for (const row of JSON.parse(document.getElementById("review-tags").textContent)) {
  const { mine: review, ...tag } = row;
  tags.set(tag.id, tag);
  if (review) mine.set(tag.id, review);
  order.push(tag.id);
}

const $ = (id) => document.getElementById(id);
const els = {
  card: $("card"),
  kind: $("card-kind"),
  author: $("card-author"),
  status: $("card-status"),
  position: $("card-position"),
  counts: $("card-counts"),
  context: $("card-context"),
  note: $("card-note"),
  mine: $("card-mine"),
  decision: $("card-decision"),
  comment: $("comment"),
  agree: $("agree"),
  disagree: $("disagree"),
  next: $("next"),
  discussion: $("discussion"),
  discussionEmpty: $("discussion-empty"),
  done: $("done"),
  doneText: $("done-text"),
  error: $("error"),
  announce: $("announce"),
  progress: $("progress"),
  progressBar: $("progress-bar"),
  queueFilter: $("queue-filter"),
  statusFilter: $("status-filter"),
  queueList: $("queue-list"),
  queueSummary: $("queue-summary"),
  liveNote: $("live-note"),
};

const state = {
  list: [], // ids shown, in reading order
  current: null,
  busy: false,
  decidedMeanwhile: new Set(), // decided by someone else since the page loaded: not to review
  leaving: null, // the tag shown that leaves the queue when the reviewer moves on
};

// --- Messages ------------------------------------------------------------------------------

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = false;
}

function clearError() {
  els.error.hidden = true;
  els.error.textContent = "";
}

function announce(message) {
  els.announce.textContent = message;
}

// --- Which tags, in which order ----------------------------------------------------------------

function isOwn(tag) {
  return tag.author === config.user;
}

function reviewable(tag) {
  return config.canReview && !isOwn(tag);
}

function matches(tag, mode, status) {
  if (status && tag.status !== status) return false;
  if (mode === "all") return true;
  if (isOwn(tag)) return false;
  return mode === "others" || (!mine.has(tag.id) && !state.decidedMeanwhile.has(tag.id));
}

function rebuildList() {
  const mode = els.queueFilter.value;
  const status = els.statusFilter.value;
  state.list = order.filter((id) => matches(tags.get(id), mode, status));
  if (!state.list.includes(state.current)) state.current = state.list[0] ?? null;
  renderQueue();
  show(state.current);
}

/** The next tag to show after the current one: in "todo" mode, one still unreviewed. */
function nextId() {
  const list = state.list;
  if (list.length === 0) return null;
  const here = list.indexOf(state.current);
  const wanted = (id) => els.queueFilter.value !== "todo" || !mine.has(id);
  for (let step = 1; step <= list.length; step++) {
    const id = list[(here + step) % list.length];
    if (wanted(id)) return id;
  }
  return null;
}

// --- Progress and the queue panel ------------------------------------------------------------

function renderProgress() {
  if (!els.progress) return;
  const { reviewed, others } = reviewCount();
  els.progress.textContent = `${reviewed} of ${others.length} reviewed`;
  els.progressBar.max = Math.max(1, others.length);
  els.progressBar.value = reviewed;
}

/** How many of the others' tags the user has reviewed. */
function reviewCount() {
  const others = order.filter((id) => !isOwn(tags.get(id)));
  return { reviewed: others.filter((id) => mine.has(id)).length, others };
}

function statusBadge(status) {
  const badge = document.createElement("span");
  badge.className = `status-badge st-${status}`;
  badge.textContent = status;
  return badge;
}

function renderQueue() {
  const frag = document.createDocumentFragment();
  for (const id of state.list) {
    const tag = tags.get(id);
    const li = document.createElement("li");
    li.className = `queue-entry k-${tag.kind}`;
    if (id === state.current) li.classList.add("current");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.tag = id;
    if (id === state.current) button.setAttribute("aria-current", "true");
    const kind = document.createElement("span");
    kind.className = `kind-label k-${tag.kind}`;
    kind.textContent = kinds.label(tag.kind);
    const quote = document.createElement("span");
    quote.className = "quote";
    quote.textContent = tag.implicit ? `[implicit] ${shorten(tag.quote, 70)}` : shorten(tag.quote, 70);
    const by = document.createElement("span");
    by.className = "author";
    by.textContent = tag.author;
    button.append(kind, " ", quote, " ", by, " ", statusBadge(tag.status));
    const review = mine.get(id);
    if (review) {
      const mark = document.createElement("span");
      mark.className = `mine-mark v-${review.verdict}`;
      mark.textContent = review.verdict === "agree" ? "✓ you agreed" : "✗ you disagreed";
      button.append(" ", mark);
    }
    li.append(button);
    frag.append(li);
  }
  els.queueList.replaceChildren(frag);
  const total = order.length;
  els.queueSummary.textContent =
    state.list.length === total ? `${total} tags` : `${state.list.length} of ${total} tags`;
  renderProgress();
}

els.queueList.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-tag]");
  if (!button) return;
  state.current = Number(button.dataset.tag);
  dropLeaving(state.current);
  clearError();
  renderQueue();
  show(state.current);
  els.card.focus?.();
});

// --- The card ----------------------------------------------------------------------------------

/** The paragraph with the tag's span marked; an implicit statement in a box of its own. */
function contextOf(tag) {
  const box = document.createDocumentFragment();
  if (tag.implicit) {
    const label = document.createElement("p");
    label.className = "implicit-label";
    label.textContent = "Implicit statement: not in the text, added by the annotator.";
    const statement = document.createElement("blockquote");
    statement.className = "implicit-statement";
    statement.textContent = tag.quote;
    box.append(label, statement);
    return box;
  }
  const paragraph = PARAGRAPHS.get(tag.paragraph);
  const where = document.createElement("p");
  where.className = "muted where";
  where.textContent = `Paragraph ${paragraph.position + 1}`;
  const text = document.createElement("p");
  text.className = "para context-text";
  const mark = document.createElement("mark");
  mark.className = `hl k-${tag.kind}`;
  mark.textContent = sliceCodePoints(paragraph.text, tag.start, tag.end);
  text.append(
    sliceCodePoints(paragraph.text, 0, tag.start),
    mark,
    sliceCodePoints(paragraph.text, tag.end),
  );
  box.append(where, text);
  return box;
}

function show(id) {
  const tag = id === null ? null : tags.get(id);
  if (!tag) {
    els.card.hidden = true;
    els.done.hidden = false;
    const mode = els.queueFilter.value;
    els.doneText.textContent =
      mode === "todo" && !els.statusFilter.value
        ? "Nothing left to review: you have reviewed every tag of others in this document."
        : "No tags match these filters.";
    return;
  }
  els.done.hidden = true;
  els.card.hidden = false;
  els.card.dataset.tag = tag.id;
  els.card.className = `review-card k-${tag.kind}`;
  els.kind.className = `kind-label k-${tag.kind}`;
  els.kind.textContent = kinds.label(tag.kind);
  els.author.textContent = isOwn(tag) ? `${tag.author} (you)` : tag.author;
  renderBadges(tag);
  els.context.replaceChildren(contextOf(tag));
  if (tag.note) {
    // Notes are sanitised by the server with an allow-list (bleach) before they are stored.
    els.note.innerHTML = tag.note;
    els.note.hidden = false;
  } else {
    els.note.hidden = true;
    els.note.replaceChildren();
  }
  renderMine(tag);
  renderDecision(tag);
  loadDiscussion(tag.id);
}

function renderBadges(tag) {
  els.status.className = `status-badge st-${tag.status}`;
  els.status.textContent = tag.status;
  const at = state.list.indexOf(tag.id) + 1;
  els.position.textContent = `Tag ${at} of ${state.list.length}`;
  els.counts.textContent = `${tag.agree} agree · ${tag.disagree} disagree`;
}

function renderMine(tag) {
  const own = isOwn(tag);
  const review = mine.get(tag.id);
  for (const button of [els.agree, els.disagree]) {
    if (!button) continue;
    button.disabled = own || state.busy;
    button.setAttribute("aria-pressed", String(review?.verdict === button.id));
  }
  if (own && config.canReview) {
    els.mine.textContent = "This is your own tag: others review it.";
    els.mine.hidden = false;
  } else if (review) {
    els.mine.textContent = `You ${VERDICT_WORDS[review.verdict]}. Press the other button to change your verdict.`;
    els.mine.hidden = false;
  } else {
    els.mine.hidden = true;
  }
}

function renderDecision(tag) {
  if (!els.decision) return;
  for (const button of document.querySelectorAll("button[data-decision]")) {
    const chosen = (tag.decision || "pending") === button.dataset.decision;
    button.setAttribute("aria-pressed", String(chosen));
    button.disabled = state.busy;
  }
  els.decision.textContent = tag.decision
    ? `${DECISION_WORDS[tag.decision]}${tag.decided_by ? ` by ${tag.decided_by}` : ""}: this decision sets the status whatever the reviews say.`
    : "No decision: the status follows the reviews.";
}

// --- Discussion --------------------------------------------------------------------------------

let discussionFor = null;

async function loadDiscussion(id) {
  discussionFor = id;
  let body;
  try {
    body = await get(`${config.api.tags}${id}/discussion/`);
  } catch (error) {
    if (discussionFor === id) els.discussion.replaceChildren();
    showError(`The discussion could not be loaded. ${error.message}`);
    return;
  }
  if (discussionFor !== id) return; // the reader moved on meanwhile
  const { frag, count } = discussionEntries(body);
  els.discussion.replaceChildren(frag);
  els.discussionEmpty.hidden = count > 0;
  const tag = tags.get(id);
  const changed = ["status", "agree", "disagree"].some((key) => tag?.[key] !== body[key]);
  if (changed) {
    // Someone else reviewed or decided since the page loaded: read the tag as it is now (its
    // version too, so a decision names the version shown).
    const now = await readNow(tagRef(tag).url);
    if (!now || discussionFor !== id) return;
    tags.set(id, now);
    renderBadges(now);
    renderQueue();
  }
}

// --- Actions -----------------------------------------------------------------------------------

function setBusy(busy) {
  state.busy = busy;
  const tag = tags.get(state.current);
  if (tag) {
    renderMine(tag);
    renderDecision(tag);
  }
}

function tagRef(tag) {
  return itemRef("tag", config.api.tags, tag);
}

/** Keep the tag as the API answers it now (the counts catch up on the next load otherwise). */
async function refreshTag(id) {
  const now = await readNow(tagRef(tags.get(id)).url);
  if (now) tags.set(id, now);
}

/**
 * The user's review of a tag, with its version: the page's rows name only its id, verdict and
 * comment, so the first change of it reads its version once.
 */
async function ownReview(tagId) {
  const review = mine.get(tagId);
  if (review.version !== undefined) return review;
  const now = await readNow(`${config.api.reviews}${review.id}/`);
  return now ?? review;
}

/** The one way this page answers a 412: show the item as it is now and say what happened. */
function showChangedMeanwhile(error, what) {
  const current = error.current;
  const entity = what === "review" ? "review" : "tag";
  if (current && entity === "tag") tags.set(current.id, current);
  if (current && entity === "review") mine.set(current.tag, current);
  renderQueue();
  show(state.current);
  showError(
    `Your ${what} was not saved: someone else changed this ${entity} meanwhile. ` +
      (current
        ? "The page now shows it as it is; look again, then try again."
        : "It may have been deleted."),
  );
}

async function review(verdict) {
  const tag = tags.get(state.current);
  if (!tag || state.busy || !reviewable(tag)) return;
  if (mine.get(tag.id)?.verdict === verdict && !els.comment.value.trim()) {
    announce(`You already ${VERDICT_WORDS[verdict]} with this tag.`);
    goNext();
    return;
  }
  clearError();
  setBusy(true);
  const comment = els.comment.value;
  try {
    const saved = mine.has(tag.id)
      ? await update(
          itemRef("review", config.api.reviews, await ownReview(tag.id)),
          { verdict, comment },
        )
      : await create(config.api.reviews, { tag: tag.id, verdict, comment });
    mine.set(tag.id, saved);
    els.comment.value = "";
    await refreshTag(tag.id);
  } catch (error) {
    setBusy(false);
    if (error.status === 412) showChangedMeanwhile(error, "review");
    else showError(`Your review was not saved. ${error.message}`);
    return;
  }
  setBusy(false);
  renderQueue();
  const { reviewed, others } = reviewCount();
  announce(`You ${VERDICT_WORDS[verdict]}. ${reviewed} of ${others.length} reviewed.`);
  goNext();
}

async function decide(status) {
  const tag = tags.get(state.current);
  if (!tag || state.busy || !config.canCurate) return;
  clearError();
  setBusy(true);
  let decided;
  try {
    decided = await act(tagRef(tag), "decision", { status, comment: els.comment.value });
    tags.set(decided.id, decided);
    els.comment.value = "";
  } catch (error) {
    setBusy(false);
    if (error.status === 412) showChangedMeanwhile(error, "decision");
    else showError(`The decision was not saved. ${error.message}`);
    return;
  }
  setBusy(false);
  renderQueue();
  show(decided.id);
  announce(`${DECISION_WORDS[status]}: the tag is now ${decided.status}.`);
}

function goNext() {
  const id = nextId();
  dropLeaving(id);
  if (id === null || (id === state.current && els.queueFilter.value === "todo" && mine.has(id))) {
    state.current = null;
  } else {
    state.current = id;
  }
  clearError();
  renderQueue();
  show(state.current);
}

els.agree?.addEventListener("click", () => review("agree"));
els.disagree?.addEventListener("click", () => review("disagree"));
els.next.addEventListener("click", goNext);
for (const button of document.querySelectorAll("button[data-decision]")) {
  button.addEventListener("click", () => decide(button.dataset.decision));
}
els.queueFilter.addEventListener("change", rebuildList);
els.statusFilter.addEventListener("change", rebuildList);

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest?.("textarea, input, select")) return;
  if (els.card.hidden) return;
  const key = event.key.toLowerCase();
  if (key === "a" && els.agree) {
    event.preventDefault();
    review("agree");
  } else if (key === "d" && els.disagree) {
    event.preventDefault();
    review("disagree");
  } else if (key === "n") {
    event.preventDefault();
    goNext();
  }
});

// --- Others' changes, live ------------------------------------------------------------------

const POSITIONS = new Map(config.paragraphs.map((p) => [p.id, p.position]));
const DECIDED_WORDS = { accepted: "accepted", rejected: "rejected" };

/** Say what others changed: beside the card, and read out politely. */
function note(text) {
  keepScroll(
    () => {
      els.liveNote.textContent = text;
      els.liveNote.hidden = false;
    },
    { groups: ["#card", "#done", ".review-panel"] },
  );
  announce(text);
}

/** Take a tag out of the list shown (not out of the page: it may still be reviewed elsewhere). */
function unlist(id) {
  state.list = state.list.filter((other) => other !== id);
}

/** The tag that had to leave the queue once the reviewer moved on, now that they have. */
function dropLeaving(next) {
  if (state.leaving === null || state.leaving === next) return;
  unlist(state.leaving);
  state.leaving = null;
  els.liveNote.hidden = true;
}

/** Someone deleted a tag: it leaves the page; the one shown moves on to the next. */
function tagDeleted(id, actor) {
  if (!tags.has(id)) return;
  const wasShown = state.current === id;
  const next = wasShown ? nextId() : state.current;
  tags.delete(id);
  mine.delete(id);
  order.splice(order.indexOf(id), 1);
  unlist(id);
  if (state.leaving === id) state.leaving = null;
  if (wasShown) {
    state.current = next === id ? null : next;
    note(`${actor} deleted the tag you were looking at; it has left the queue.`);
    renderQueue();
    show(state.current);
  } else {
    note(`${actor} deleted a tag in the queue; it has left the queue.`);
    renderQueue();
    if (state.current !== null) renderBadges(tags.get(state.current));
  }
}

/** A curator decided a tag: it is not to review any more; the one shown leaves on moving on. */
function tagDecided(tag, actor) {
  tags.set(tag.id, tag);
  const todo = els.queueFilter.value === "todo";
  const words = DECIDED_WORDS[tag.decision];
  if (words) state.decidedMeanwhile.add(tag.id);
  else state.decidedMeanwhile.delete(tag.id);
  if (tag.id === state.current) {
    renderBadges(tag);
    renderDecision(tag);
    loadDiscussion(tag.id);
    if (words && todo) {
      state.leaving = tag.id;
      note(`${actor} ${words} this tag just now: it needs no review and leaves your queue when you move on.`);
    } else {
      note(`${actor} ${words ?? "reset to pending"} this tag just now.`);
    }
  } else if (words && todo && state.list.includes(tag.id)) {
    unlist(tag.id);
    note(`${actor} ${words} a tag in your queue; it needs no review and has left the queue.`);
    if (state.current !== null) renderBadges(tags.get(state.current));
  }
  renderQueue();
}

/** A new or restored tag joins the page in reading order (and the queue, if it matches). */
function tagAdded(tag) {
  tags.set(tag.id, tag);
  if (!order.includes(tag.id)) {
    order.push(tag.id);
    order.sort((a, b) => readingOrder(tags.get(a), tags.get(b), POSITIONS));
  }
  if (!matches(tag, els.queueFilter.value, els.statusFilter.value)) return;
  const shown = new Set([...state.list, tag.id]);
  state.list = order.filter((id) => shown.has(id));
  if (state.current === null) {
    state.current = tag.id;
    show(tag.id);
  } else {
    renderBadges(tags.get(state.current));
  }
  renderQueue();
}

function tagChanged(tag, actor) {
  if (!tags.has(tag.id)) return;
  tags.set(tag.id, tag);
  renderQueue();
  if (tag.id === state.current) {
    show(tag.id);
    note(`${actor} changed this tag just now; it is shown as it is now.`);
  }
}

async function reviewChanged(action, review) {
  if (!tags.has(review.tag)) return;
  if (review.reviewer === config.user) {
    // The reviewer's own review, written elsewhere (another tab).
    if (action === "deleted" || review.deleted_at) mine.delete(review.tag);
    else mine.set(review.tag, review);
  }
  if (review.tag === state.current) {
    renderMine(tags.get(review.tag));
    loadDiscussion(review.tag); // and the counts, read again when they changed
    return;
  }
  await refreshTag(review.tag);
  renderQueue();
}

function liveChange(change) {
  const { entity, action } = splitType(change.type);
  const { actor, data } = change;
  if (entity === "review") {
    if (data) reviewChanged(action, data);
    return;
  }
  if (entity !== "tag") return;
  // A change's data is the item as it is now: it may have been deleted (or merged away) since.
  if (action === "deleted" || data?.deleted_at) tagDeleted(change.id, actor);
  else if (!data || data.document !== config.documentId) return;
  else if (action === "decided") tagDecided(data, actor);
  else if (action === "created" || action === "restored") tagAdded(data);
  else tagChanged(data, actor);
}

// --- Start -------------------------------------------------------------------------------------

if (!config.canReview) els.queueFilter.value = "others";
rebuildList();
startLive({
  onChange: liveChange,
  keep: (change) => keepScroll(change, { groups: ["#card", "#done", ".review-panel"] }),
  holds: (entity, id) => (entity === "tag" ? (tags.get(id)?.version ?? null) : null),
});
document.body.dataset.ready = "true";
