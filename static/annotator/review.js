// The review page: one tag at a time, in reading order, shown in its paragraph. Reviewers agree
// or disagree (keys a / d, n to skip), curators accept, reject or reset; everything goes through
// the API. Offsets are Unicode code points, so paragraphs are cut with Array.from, never slice.

const config = JSON.parse(document.getElementById("review-config").textContent);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const KIND_LABELS = Object.fromEntries(config.kinds.map((k) => [k.value, k.label]));
const PARAGRAPHS = new Map(config.paragraphs.map((p) => [p.id, p]));
const VERDICT_WORDS = { agree: "agreed", disagree: "disagreed" };
const DECISION_WORDS = { accepted: "Accepted", rejected: "Rejected", pending: "Reset to pending" };

const tags = new Map(); // id -> tag row (see claims.selectors.review_rows)
const order = []; // ids in reading order
for (const tag of JSON.parse(document.getElementById("review-tags").textContent)) {
  tags.set(tag.id, tag);
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
};

const state = {
  list: [], // ids shown, in reading order
  current: null,
  busy: false,
};

// --- API -------------------------------------------------------------------------------------

class ApiError extends Error {}

/** Turn an API error body into one sentence a person can act on. */
function describeError(status, body) {
  if (status === 401) return "You are signed out; sign in again and reload the page.";
  if (status === 403) return body?.detail ?? "You may not do this.";
  if (status === 404) return "That tag no longer exists (someone may have deleted or merged it).";
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
    throw new ApiError("Could not reach the server. Check the connection and try again.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(describeError(response.status, data));
  return data;
}

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
  return mode === "others" || !tag.mine;
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
  const wanted = (id) => els.queueFilter.value !== "todo" || !tags.get(id).mine;
  for (let step = 1; step <= list.length; step++) {
    const id = list[(here + step) % list.length];
    if (wanted(id)) return id;
  }
  return null;
}

// --- Progress and the queue panel ------------------------------------------------------------

function renderProgress() {
  if (!els.progress) return;
  const others = order.filter((id) => !isOwn(tags.get(id)));
  const reviewed = others.filter((id) => tags.get(id).mine).length;
  els.progress.textContent = `${reviewed} of ${others.length} reviewed`;
  els.progressBar.max = Math.max(1, others.length);
  els.progressBar.value = reviewed;
}

function shorten(text, max = 70) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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
    kind.textContent = KIND_LABELS[tag.kind];
    const quote = document.createElement("span");
    quote.className = "quote";
    quote.textContent = tag.implicit ? `[implicit] ${shorten(tag.quote)}` : shorten(tag.quote);
    const by = document.createElement("span");
    by.className = "author";
    by.textContent = tag.author;
    button.append(kind, " ", quote, " ", by, " ", statusBadge(tag.status));
    if (tag.mine) {
      const mark = document.createElement("span");
      mark.className = `mine-mark v-${tag.mine.verdict}`;
      mark.textContent = tag.mine.verdict === "agree" ? "✓ you agreed" : "✗ you disagreed";
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
  const points = Array.from(paragraph.text);
  const mark = document.createElement("mark");
  mark.className = `hl k-${tag.kind}`;
  mark.textContent = points.slice(tag.start, tag.end).join("");
  text.append(points.slice(0, tag.start).join(""), mark, points.slice(tag.end).join(""));
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
  els.kind.textContent = KIND_LABELS[tag.kind];
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
  for (const button of [els.agree, els.disagree]) {
    if (!button) continue;
    button.disabled = own || state.busy;
    button.setAttribute("aria-pressed", String(tag.mine?.verdict === button.id));
  }
  if (own && config.canReview) {
    els.mine.textContent = "This is your own tag: others review it.";
    els.mine.hidden = false;
  } else if (tag.mine) {
    els.mine.textContent = `You ${VERDICT_WORDS[tag.mine.verdict]}. Press the other button to change your verdict.`;
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

function when(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

async function loadDiscussion(id) {
  discussionFor = id;
  let body;
  try {
    body = await api("GET", `${config.api.tags}${id}/discussion/`);
  } catch (error) {
    if (discussionFor === id) els.discussion.replaceChildren();
    showError(`The discussion could not be loaded. ${error.message}`);
    return;
  }
  if (discussionFor !== id) return; // the reader moved on meanwhile
  const entries = [
    ...body.reviews.map((r) => ({ at: r.created_at, kind: "review", item: r })),
    ...body.decisions.map((d) => ({ at: d.at, kind: "decision", item: d })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const frag = document.createDocumentFragment();
  for (const { kind, item } of entries) {
    const li = document.createElement("li");
    li.className = `discussion-entry ${kind}`;
    const head = document.createElement("p");
    head.className = "discussion-head";
    const who = document.createElement("strong");
    const time = document.createElement("time");
    if (kind === "review") {
      who.textContent = item.reviewer;
      head.append(who, ` ${item.verdict === "agree" ? "agrees" : "disagrees"} · `);
      time.dateTime = item.created_at;
      time.textContent = when(item.created_at);
    } else {
      who.textContent = item.actor ?? "someone";
      const what =
        item.action === "merge"
          ? ` merged tags (${item.status})`
          : item.status === "pending"
            ? " withdrew the decision"
            : ` ${item.status} the tag`;
      head.append(who, `${what} · `);
      time.dateTime = item.at;
      time.textContent = when(item.at);
    }
    head.append(time);
    li.append(head);
    if (item.comment) {
      const comment = document.createElement("div");
      comment.className = "discussion-comment";
      // Review comments are sanitised by the server (bleach); decision comments are plain.
      if (kind === "review") comment.innerHTML = item.comment;
      else comment.textContent = item.comment;
      li.append(comment);
    }
    frag.append(li);
  }
  els.discussion.replaceChildren(frag);
  els.discussionEmpty.hidden = entries.length > 0;
  const tag = tags.get(id);
  const changed = ["status", "agree", "disagree"].some((key) => tag?.[key] !== body[key]);
  if (changed) {
    // Someone else reviewed or decided since the page loaded.
    Object.assign(tag, { status: body.status, agree: body.agree, disagree: body.disagree });
    renderBadges(tag);
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

async function refreshTag(id) {
  const fresh = await api("GET", `${config.api.tags}${id}/`);
  const tag = tags.get(id);
  Object.assign(tag, {
    status: fresh.status,
    agree: fresh.agree,
    disagree: fresh.disagree,
    decision: fresh.decision,
  });
  return tag;
}

async function review(verdict) {
  const tag = tags.get(state.current);
  if (!tag || state.busy || !reviewable(tag)) return;
  if (tag.mine?.verdict === verdict && !els.comment.value.trim()) {
    announce(`You already ${VERDICT_WORDS[verdict]} with this tag.`);
    goNext();
    return;
  }
  clearError();
  setBusy(true);
  const comment = els.comment.value;
  try {
    const saved = tag.mine
      ? await api("PATCH", `${config.api.reviews}${tag.mine.id}/`, { verdict, comment })
      : await api("POST", config.api.reviews, { tag: tag.id, verdict, comment });
    tag.mine = { id: saved.id, verdict: saved.verdict, comment: saved.comment };
    els.comment.value = "";
    await refreshTag(tag.id).catch(() => {}); // the counts catch up on the next load anyway
  } catch (error) {
    showError(`Your review was not saved. ${error.message}`);
    setBusy(false);
    return;
  }
  setBusy(false);
  renderQueue();
  const others = order.filter((id) => !isOwn(tags.get(id)));
  const reviewed = others.filter((id) => tags.get(id).mine).length;
  announce(`You ${VERDICT_WORDS[verdict]}. ${reviewed} of ${others.length} reviewed.`);
  goNext();
}

async function decide(status) {
  const tag = tags.get(state.current);
  if (!tag || state.busy || !config.canCurate) return;
  clearError();
  setBusy(true);
  try {
    const fresh = await api("POST", `${config.api.tags}${tag.id}/decision/`, {
      status,
      comment: els.comment.value,
    });
    Object.assign(tag, {
      status: fresh.status,
      agree: fresh.agree,
      disagree: fresh.disagree,
      decision: fresh.decision,
      decided_by: fresh.decision ? config.user : null,
    });
    els.comment.value = "";
  } catch (error) {
    showError(`The decision was not saved. ${error.message}`);
    setBusy(false);
    return;
  }
  setBusy(false);
  renderQueue();
  show(tag.id);
  announce(`${DECISION_WORDS[status]}: the tag is now ${tag.status}.`);
}

function goNext() {
  const id = nextId();
  if (id === null || (id === state.current && els.queueFilter.value === "todo" && tags.get(id).mine)) {
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

// --- Start -------------------------------------------------------------------------------------

if (!config.canReview) els.queueFilter.value = "others";
rebuildList();
document.body.dataset.ready = "true";
