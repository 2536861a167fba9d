// The shared pure helpers: shortening, reading order and the kind registry.
import assert from "node:assert/strict";
import { test } from "node:test";

import { curlyQuote, readingOrder, shorten } from "../../static/annotator/format.js";
import { kindRegistry } from "../../static/annotator/kinds.js";

test("shorten keeps short text and cuts long text with an ellipsis", () => {
  assert.equal(shorten("short", 10), "short");
  assert.equal(shorten("abcdefghijk", 5), "abcd…");
  assert.equal(shorten("x".repeat(90)), "x".repeat(90));
  assert.equal(shorten("x".repeat(91)).length, 90);
  assert.equal(curlyQuote("abcdefghijk", 5), "“abcd…”");
});

test("reading order: by paragraph, offsets, then implicit statements by id", () => {
  const order = new Map([
    [10, 0],
    [7, 1],
  ]);
  const tags = [
    { id: 5, paragraph: null },
    { id: 4, paragraph: 7, start: 0, end: 3 },
    { id: 3, paragraph: 10, start: 4, end: 9 },
    { id: 2, paragraph: 10, start: 4, end: 6 },
    { id: 1, paragraph: null },
  ];
  const ids = tags.sort((a, b) => readingOrder(a, b, order)).map((t) => t.id);
  assert.deepEqual(ids, [2, 3, 4, 1, 5]);
});

test("the kind registry takes keys from the config, else the first letter", () => {
  const kinds = kindRegistry([
    { value: "claim", label: "Claim", key: "c" },
    { value: "evidence", label: "Evidence" },
    { value: "opinion", label: "Opinion", key: "P" },
  ]);
  assert.equal(kinds.forKey("c"), "claim");
  assert.equal(kinds.forKey("E"), "evidence");
  assert.equal(kinds.forKey("p"), "opinion");
  assert.equal(kinds.forKey("o"), undefined);
  assert.deepEqual(kinds.emptyCounts(), { claim: 0, evidence: 0, opinion: 0 });
  assert.deepEqual(kinds.values, ["claim", "evidence", "opinion"]);
  assert.equal(kinds.label("evidence"), "Evidence");
  assert.equal(kinds.label("unknown"), "unknown");
});
