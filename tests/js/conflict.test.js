// After a 412 on a tag edit: what each version holds field by field, and what "keep mine" and a
// hand-merged note send. Someone else's change to a field the person left alone is never undone.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  compareEdits,
  editOf,
  keepMineBody,
  mergeBody,
  mergedNote,
  resolveMine,
} from "../../static/annotator/conflict.js";

const base = {
  id: 12,
  version: 3,
  kind: "claim",
  start: 0,
  end: 23,
  quote: "This proposed agreement",
  note: "",
};

function byName(rows) {
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

test("both wrote a note: the notes clash, the untouched fields take the current values", () => {
  const mine = editOf(base, { kind: "claim", note: "Ana's note" });
  const theirs = { ...base, version: 4, kind: "evidence", note: "Ben's note" };
  const rows = byName(compareEdits({ base, mine, theirs }));
  assert.deepEqual(rows.note.mine, { note: "Ana's note" });
  assert.deepEqual(rows.note.theirs, { note: "Ben's note" });
  assert.equal(rows.note.clash, true);
  // Ana left the kind alone: keeping her edit keeps Ben's kind.
  assert.deepEqual(rows.kind.mine, { kind: "evidence" });
  assert.equal(rows.kind.changedByMe, false);
  assert.equal(rows.kind.changedByThem, true);
  assert.equal(rows.kind.differs, false);
  assert.equal(rows.passage.differs, false);
  assert.deepEqual(keepMineBody({ base, mine, theirs }), { note: "Ana's note" });
  assert.deepEqual(resolveMine({ base, mine, theirs }), {
    ...theirs,
    note: "Ana's note",
  });
});

test("changes to different fields do not clash, and keep mine sends only the person's", () => {
  const mine = editOf(base, { kind: "opinion", note: "" });
  const theirs = { ...base, version: 4, note: "Ben's note" };
  const rows = byName(compareEdits({ base, mine, theirs }));
  assert.equal(rows.kind.clash, false);
  assert.equal(rows.kind.differs, true);
  assert.equal(rows.note.differs, false);
  assert.deepEqual(keepMineBody({ base, mine, theirs }), { kind: "opinion" });
});

test("a moved passage is one field: start and end are sent together, never the quote", () => {
  const mine = editOf(base, { start: 5, end: 23, quote: "proposed agreement" });
  const theirs = { ...base, version: 4, start: 0, end: 13, quote: "This proposed" };
  const rows = byName(compareEdits({ base, mine, theirs }));
  assert.equal(rows.passage.clash, true);
  assert.deepEqual(rows.passage.theirs, { start: 0, end: 13, quote: "This proposed" });
  assert.deepEqual(keepMineBody({ base, mine, theirs }), { start: 5, end: 23 });

  // Only they moved it: keeping one's own note leaves their passage alone.
  const noteOnly = editOf(base, { note: "Mine" });
  assert.deepEqual(keepMineBody({ base, mine: noteOnly, theirs }), { note: "Mine" });
});

test("the same edit on both sides leaves nothing to send", () => {
  const mine = editOf(base, { kind: "evidence" });
  const theirs = { ...base, version: 4, kind: "evidence" };
  assert.deepEqual(keepMineBody({ base, mine, theirs }), {});
  assert.equal(
    compareEdits({ base, mine, theirs }).some((row) => row.clash),
    false,
  );
});

test("the hand merge starts from both notes, the person's first", () => {
  assert.equal(mergedNote("Ana's note", "Ben's note"), "Ana's note\n\nBen's note");
  assert.equal(mergedNote("Ana's note\n", "\nBen's note"), "Ana's note\n\nBen's note");
  assert.equal(mergedNote("same", "same"), "same");
  assert.equal(mergedNote("", "Ben's note"), "Ben's note");
  assert.equal(mergedNote("Ana's note", "  "), "Ana's note");
  assert.equal(mergedNote("old", "Ben's note", "old"), "Ben's note"); // Ana did not change it
  assert.equal(mergedNote("Ana's note", "old", "old"), "Ana's note");
  assert.equal(mergedNote("short", "short and longer"), "short and longer");
  assert.equal(mergedNote("short and longer", "short"), "short and longer");
  assert.equal(mergedNote(null, undefined), "");
});

test("saving a merged note sends it with the person's other changes", () => {
  const mine = editOf(base, { kind: "opinion", note: "Ana's note" });
  const theirs = { ...base, version: 4, note: "Ben's note" };
  assert.deepEqual(mergeBody({ base, mine, theirs }, "Both notes"), {
    kind: "opinion",
    note: "Both notes",
  });
  // A merge that ends as the current note sends no note.
  assert.deepEqual(mergeBody({ base, mine, theirs }, "Ben's note"), { kind: "opinion" });
});
