// The curation page: every disagreement of a document with each annotator's version on its own
// line, paragraph by paragraph. Keys: j/k next and previous, n/p next and previous still open,
// 1..9 keep that annotator's version, r reject all, u withdraw the decisions. Every write is a
// tag decision through the API client (api.js, with If-Match); the list is then read again.

import { act, get, itemRef, update } from "./api.js";
import { counterText, keptTags, planMerge, planPick, planRejectAll, planReset, step } from "./curation/plan.js";
import { kindRegistry } from "./kinds.js";
import { sliceCodePoints } from "./offsets.js";

const config = JSON.parse(document.getElementById("curate-config").textContent);
const kinds = kindRegistry(config.kinds);
const PARAGRAPHS = new Map(config.paragraphs.map((p) => [p.position, p]));
const CATEGORY_WORDS = {
  "kind-differs": "Kinds differ",
  "boundary-differs": "Boundaries differ",
  missing: "Someone did not tag it",
  "relation-differs": "Relations differ",
};

const $ = (id) => document.getElementById(id);
const els = {
  units: $("units"),
  counter: $("counter"),
  error: $("error"),
  empty: $("empty"),
  announce: $("announce"),
};

const state = { items: [], annotators: [], tags: {}, current: 0, busy: false };

const tagsByIds = (ids) => ids.map((id) => state.tags[id]).filter(Boolean);

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = false;
}

function clearError() {
  els.error.hidden = true;
  els.error.textContent = "";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** The passage `[start, end)` of a paragraph with `tags` marked (one kind per piece). */
function marked(position, start, end, tags) {
  const text = PARAGRAPHS.get(position)?.text ?? "";
  const cuts = new Set([start, end]);
  for (const t of tags) {
    cuts.add(Math.max(start, t.start));
    cuts.add(Math.min(end, t.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = el("span", { className: "passage" });
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = sliceCodePoints(text, a, b);
    const cover = tags.find((t) => t.start <= a && b <= t.end);
    out.append(cover ? el("mark", { className: `hl k-${cover.kind}`, text: piece }) : piece);
  }
  return out;
}

function decisionWord(tags) {
  const words = [...new Set(tags.map((t) => t.decision || "pending"))];
  return words.join(", ");
}

function spanLanes(item) {
  const lanes = el("ol", { className: "lanes" });
  const versions = state.annotators.map((name) => {
    const tags = tagsByIds(item.annotators[name]?.tags ?? []);
    return tags.map((t) => `${t.kind}:${t.start}-${t.end}`).join(" ");
  });
  state.annotators.forEach((name, i) => {
    const tags = tagsByIds(item.annotators[name]?.tags ?? []);
    const differs = versions.some((v) => v !== versions[i]);
    const kept = tags.some((t) => t.decision === "accepted");
    const lane = el("li", {
      className: `lane${differs ? " differs" : ""}${kept ? " kept" : ""}`,
      "data-annotator": name,
    });
    lane.append(el("span", { className: "who", text: `${i + 1} ${name}` }));
    if (tags.length) {
      const label = tags.map((t) => kinds.label(t.kind)).join(", ");
      lane.append(
        el("span", { className: `kind-label k-${tags[0].kind}`, text: label }),
        el("span", { className: "version" }, marked(item.position, item.start, item.end, tags)),
        el("span", { className: "decision muted", text: decisionWord(tags) }),
      );
    } else {
      lane.append(el("span", { className: "version muted", text: "no tag here" }));
    }
    lanes.append(lane);
  });
  return lanes;
}

function linkLanes(item) {
  const lanes = el("ol", { className: "lanes" });
  const versions = state.annotators.map((name) =>
    (item.annotators[name]?.links ?? []).map((l) => l.relation).sort().join(" "),
  );
  state.annotators.forEach((name, i) => {
    const links = item.annotators[name]?.links ?? [];
    const ends = tagsByIds([...item.source_cluster.tags, ...item.target_cluster.tags]).filter(
      (t) => t.annotator === name,
    );
    const kept = ends.some((t) => t.decision === "accepted");
    const lane = el("li", {
      className: `lane${versions.some((v) => v !== versions[i]) ? " differs" : ""}${kept ? " kept" : ""}`,
      "data-annotator": name,
    });
    lane.append(el("span", { className: "who", text: `${i + 1} ${name}` }));
    const words = links.length ? links.map((l) => l.relation).join(", ") : "no link";
    lane.append(el("span", { className: "version", text: words }));
    lane.append(el("span", { className: "decision muted", text: ends.length ? decisionWord(ends) : "no tag at one end" }));
    lanes.append(lane);
  });
  return lanes;
}

function actionButtons(item, index) {
  const box = el("div", { className: "unit-actions" });
  state.annotators.forEach((name, i) => {
    const button = el("button", {
      type: "button",
      "data-action": "pick",
      "data-annotator": name,
      text: `${i + 1} Keep ${name}'s`,
    });
    if (!keptTags(item, name, state.tags)) button.disabled = true;
    button.addEventListener("click", () => run(index, planPick(item, name, state.tags), `Kept ${name}'s version.`));
    box.append(button);
  });
  if (item.type === "span") {
    for (const [key, mode, words] of [
      ["m", "union", "m Merge: widest"],
      ["c", "core", "c Merge: shared core"],
    ]) {
      const merge = el("button", { type: "button", "data-action": `merge-${mode}`, "aria-keyshortcuts": key, text: words });
      if (!planMerge(item, mode, state.tags)) merge.disabled = true;
      merge.addEventListener("click", () => run(index, planMerge(item, mode, state.tags), "Merged boundary kept."));
      box.append(merge);
    }
    const reject = el("button", { type: "button", "data-action": "reject", text: "r Reject all" });
    reject.addEventListener("click", () => run(index, planRejectAll(item, state.tags), "Rejected every version."));
    box.append(reject);
  }
  const reset = el("button", { type: "button", "data-action": "reset", text: "u Undo decisions" });
  reset.addEventListener("click", () => run(index, planReset(item, state.tags), "Decisions withdrawn."));
  box.append(reset);
  return box;
}

function positionOf(item) {
  if (item.type === "span") return item.position;
  return Math.max(item.source_cluster.position, item.target_cluster.position);
}

function render() {
  els.units.replaceChildren();
  els.counter.textContent = counterText(state.items);
  els.empty.hidden = state.items.length > 0;
  let block = null;
  let blockPosition = null;
  state.items.forEach((item, index) => {
    const position = positionOf(item);
    if (block === null || position !== blockPosition) {
      blockPosition = position;
      const paragraph = PARAGRAPHS.get(position);
      block = el(
        "section",
        { className: "para-block", "aria-label": `Paragraph ${position + 1}` },
        el("p", { className: "para-text", text: paragraph?.text ?? "" }),
      );
      els.units.append(block);
    }
    const title =
      item.type === "span"
        ? `“${item.quote}”`
        : `Link from “${item.source_cluster.quote}” to “${item.target_cluster.quote}”`;
    const unit = el(
      "article",
      {
        className: `unit${item.settled ? " settled" : ""}${index === state.current ? " current" : ""}`,
        "data-unit": item.id,
        "data-category": item.category,
        "data-settled": String(item.settled),
        tabindex: "-1",
      },
      el(
        "p",
        { className: "unit-head" },
        el("span", { className: "category", text: CATEGORY_WORDS[item.category] ?? item.category }),
        el("span", { className: "muted", text: item.settled ? "settled" : "open" }),
        el("span", { className: "quote", text: title }),
      ),
      item.type === "span" ? spanLanes(item) : linkLanes(item),
      actionButtons(item, index),
    );
    unit.addEventListener("click", () => focus(index));
    block.append(unit);
  });
}

function focus(index, scroll = true) {
  if (!state.items.length) return;
  state.current = Math.max(0, Math.min(index, state.items.length - 1));
  for (const unit of els.units.querySelectorAll(".unit")) unit.classList.remove("current");
  const unit = els.units.querySelectorAll(".unit")[state.current];
  unit?.classList.add("current");
  if (scroll) unit?.scrollIntoView({ block: "nearest" });
}

async function load() {
  const body = await get(`${config.api.disagreements}?settled=true`);
  state.annotators = body.annotators;
  state.tags = body.tags;
  state.items = body.results;
  render();
  focus(state.current, false);
}

async function run(index, plan, done) {
  if (state.busy) return;
  if (!plan) {
    showError("That action does not apply here.");
    return;
  }
  state.busy = true;
  document.body.dataset.busy = "true";
  clearError();
  const id = state.items[index]?.id;
  try {
    const versions = new Map(); // tag id -> its version after an edit in this plan
    for (const write of plan) {
      const version = versions.get(write.id) ?? write.version;
      const ref = itemRef("tag", config.api.tags, { id: write.id, version });
      if (write.edit) {
        versions.set(write.id, (await update(ref, write.edit)).version);
      } else {
        await act(ref, "decision", { status: write.status, comment: write.comment });
      }
    }
    await load();
    els.announce.textContent = `${done} ${counterText(state.items)}.`;
    const at = state.items.findIndex((item) => item.id === id);
    const here = at >= 0 ? at : Math.min(index, state.items.length - 1);
    // After settling, go on to the next open one; after an undo, stay.
    const settledNow = state.items[here]?.settled;
    focus(settledNow ? step(state.items, here, 1, true) : here);
  } catch (error) {
    showError(error.message);
    await load().catch(() => {});
  } finally {
    state.busy = false;
    document.body.dataset.busy = "false";
  }
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest?.("textarea, input, select")) return;
  if (!state.items.length) return;
  const key = event.key.toLowerCase();
  const item = state.items[state.current];
  if (key === "j" || key === "k") {
    event.preventDefault();
    focus(step(state.items, state.current, key === "j" ? 1 : -1));
  } else if (key === "n" || key === "p") {
    event.preventDefault();
    focus(step(state.items, state.current, key === "n" ? 1 : -1, true));
  } else if (/^[1-9]$/.test(key)) {
    const name = state.annotators[Number(key) - 1];
    if (!name) return;
    event.preventDefault();
    run(state.current, planPick(item, name, state.tags), `Kept ${name}'s version.`);
  } else if (key === "m" || key === "c") {
    event.preventDefault();
    run(state.current, planMerge(item, key === "m" ? "union" : "core", state.tags), "Merged boundary kept.");
  } else if (key === "r") {
    event.preventDefault();
    run(state.current, planRejectAll(item, state.tags), "Rejected every version.");
  } else if (key === "u") {
    event.preventDefault();
    run(state.current, planReset(item, state.tags), "Decisions withdrawn.");
  }
});

/** The unit a link from the agreement page names (#unit=<id>), or -1. */
function linkedUnit() {
  const match = /^#unit=(.+)$/.exec(globalThis.location.hash);
  if (!match) return -1;
  const id = decodeURIComponent(match[1]);
  return state.items.findIndex((item) => item.id === id);
}

load()
  .then(() => {
    const linked = linkedUnit();
    if (linked >= 0) focus(linked);
    else focus(step(state.items, -1, 1, true), false);
    document.body.dataset.ready = "true";
  })
  .catch((error) => {
    showError(error.message);
    document.body.dataset.ready = "true";
  });
