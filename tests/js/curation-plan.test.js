// The curation page's rules: which tag decisions each action writes, moving through the queue.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  counterText,
  keptTags,
  planMerge,
  planPick,
  planRejectAll,
  planReset,
  step,
} from "../../static/annotator/curation/plan.js";

const tag = (id, annotator, start, end, kind = "claim", decision = "") => ({
  id,
  annotator,
  start,
  end,
  kind,
  decision,
  version: 1,
});

const TAGS = Object.fromEntries(
  [
    tag(1, "alice", 0, 15),
    tag(2, "bob", 0, 9),
    tag(3, "bob", 3, 5, "evidence"),
    tag(4, "alice", 20, 30, "evidence"),
    tag(5, "bob", 20, 28, "evidence"),
    tag(6, "bob", 0, 3),
  ].map((t) => [t.id, t]),
);

const span = {
  type: "span",
  annotators: {
    alice: { tag: 1, kind: "claim", tags: [1] },
    bob: { tag: 2, kind: "claim", tags: [2, 3] },
    carol: { tag: null, kind: null, tags: [] },
  },
  settled: false,
};

test("picking a version accepts it and rejects every other tag, with the reason", () => {
  const plan = planPick(span, "bob", TAGS);
  assert.deepEqual(
    plan.map((w) => [w.id, w.status]),
    [
      [1, "rejected"],
      [2, "accepted"],
      [3, "rejected"],
    ],
  );
  assert.match(plan[0].comment, /bob's version kept \(tag 2\)/);
  assert.equal(plan[0].version, 1);
});

test("someone with no tag has no version to pick", () => {
  assert.equal(planPick(span, "carol", TAGS), null);
});

test("writes already made are not repeated", () => {
  const decided = { ...TAGS, 1: { ...TAGS[1], decision: "rejected" } };
  assert.deepEqual(
    planPick(span, "bob", decided).map((w) => w.id),
    [2, 3],
  );
  assert.deepEqual(
    planReset(span, decided).map((w) => [w.id, w.status]),
    [[1, "pending"]],
  );
});

test("reject all rejects every tag of a span, and is no action for links", () => {
  assert.deepEqual(
    planRejectAll(span, TAGS).map((w) => w.status),
    ["rejected", "rejected", "rejected"],
  );
  assert.equal(planRejectAll({ type: "link" }, TAGS), null);
});

const link = {
  type: "link",
  annotators: {
    alice: { link: 9, relation: "supports", links: [{ id: 9, relation: "supports", source: 4, target: 1 }] },
    bob: { link: null, relation: null, links: [] },
    carol: { link: null, relation: null, links: [] },
  },
  source_cluster: { tags: [4, 5] },
  target_cluster: { tags: [1, 2, 6] },
};

test("a link unit keeps the ends of the annotator's link, or their longest tags", () => {
  assert.deepEqual(
    keptTags(link, "alice", TAGS).map((t) => t.id),
    [4, 1],
  );
  assert.deepEqual(
    keptTags(link, "bob", TAGS).map((t) => t.id),
    [5, 2],
  );
  assert.equal(keptTags(link, "carol", TAGS), null);
  const plan = planPick(link, "bob", TAGS);
  assert.deepEqual(
    plan.filter((w) => w.status === "accepted").map((w) => w.id),
    [5, 2],
  );
  assert.deepEqual(
    plan
      .filter((w) => w.status === "rejected")
      .map((w) => w.id)
      .sort(),
    [1, 4, 6],
  );
});

test("moving through the queue, and the counter", () => {
  const items = [{ settled: false }, { settled: true }, { settled: false }];
  assert.equal(step(items, 0, 1), 1);
  assert.equal(step(items, 0, 1, true), 2);
  assert.equal(step(items, 2, -1, true), 0);
  assert.equal(step(items, 2, 1), 2);
  assert.equal(counterText(items), "2 disagreements left");
  assert.equal(counterText([{ settled: false }]), "1 disagreement left");
  assert.equal(counterText([]), "0 disagreements left");
});

test("a merged boundary edits the kept tag, then accepts it and rejects the others", () => {
  const item = { ...span, start: 0, end: 15 };
  const union = planMerge(item, "union", TAGS);
  // alice's tag 1 already spans 0-15: no edit, just the decisions.
  assert.deepEqual(
    union.map((w) => [w.id, w.status ?? "edit"]),
    [
      [1, "accepted"],
      [2, "rejected"],
      [3, "rejected"],
    ],
  );
  const core = planMerge(item, "core", TAGS);
  // Versions 1 (0-15) and 2 (0-9) share 0-9, bob's tag 2 exactly: no edit either.
  assert.deepEqual(core.filter((w) => w.status === "accepted").map((w) => w.id), [2]);
  const partial = {
    type: "span",
    start: 0,
    end: 30,
    annotators: { alice: { tag: 4, tags: [4] }, bob: { tag: 7, tags: [7] } },
  };
  const tags = { 4: TAGS[4], 7: tag(7, "bob", 0, 25) };
  const widened = planMerge(partial, "union", tags);
  assert.deepEqual(widened[0], { id: 7, version: 1, edit: { start: 0, end: 30 } });
  assert.deepEqual(
    widened.slice(1).map((w) => [w.id, w.status]),
    [
      [4, "rejected"],
      [7, "accepted"],
    ],
  );
  const narrowed = planMerge(partial, "core", tags);
  assert.deepEqual(narrowed[0], { id: 4, version: 1, edit: { start: 20, end: 25 } });
  assert.equal(planMerge({ type: "link" }, "union", TAGS), null);
  const apart = { ...partial, annotators: { alice: { tag: 1, tags: [1] }, bob: { tag: 4, tags: [4] } } };
  assert.equal(planMerge(apart, "core", TAGS), null);
});
