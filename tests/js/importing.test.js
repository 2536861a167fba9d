// The import page's plain decisions: each file's format, which .txt goes with which map, the
// default titles, the state line and the report in words. The config is the shape the server
// embeds (claims/pages/imports.py), trimmed to what these functions read.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  extensionOf,
  guessFormat,
  planImports,
  reportLines,
  stateText,
  stemOf,
} from "../../static/annotator/importing/plan.js";

const config = {
  formats: [
    { name: "json", extensions: [".json"], sourceText: false, mapping: false },
    { name: "aif", extensions: [".json", ".aif"], sourceText: true, mapping: false },
    { name: "brat", extensions: [".ann"], sourceText: true, mapping: true },
    { name: "text", extensions: [".txt", ".text"], sourceText: false, mapping: false },
    { name: "markdown", extensions: [".md", ".markdown"], sourceText: false, mapping: false },
    { name: "html", extensions: [".html", ".htm", ".xhtml"], sourceText: false, mapping: false },
  ],
  // As Python's re.escape writes it, which a JavaScript RegExp reads the same.
  jsonExportMark: '"format"\\s*:\\s*"claim\\-annotator',
  sniffChars: 4096,
};

test("names split into stem and extension as Python's PurePath does", () => {
  assert.equal(extensionOf("Op-Ed.TXT"), ".txt");
  assert.equal(stemOf("Op-Ed.TXT"), "Op-Ed");
  assert.equal(extensionOf("archive.tar.gz"), ".gz");
  assert.equal(stemOf("archive.tar.gz"), "archive.tar");
  assert.equal(extensionOf(".hidden"), "");
  assert.equal(stemOf(".hidden"), ".hidden");
  assert.equal(extensionOf("README"), "");
});

test("the format comes from the extension, and for .json from the file's start", () => {
  assert.equal(guessFormat("a.txt", "", config), "text");
  assert.equal(guessFormat("a.MD", "", config), "markdown");
  assert.equal(guessFormat("a.htm", "", config), "html");
  assert.equal(guessFormat("a.ann", "", config), "brat");
  assert.equal(guessFormat("a.aif", "", config), "aif");
  assert.equal(guessFormat("a.json", '{"nodes": [], "edges": []}', config), "aif");
  assert.equal(guessFormat("a.json", '{\n  "format": "claim-annotator",\n  "version": 1', config), "json");
  assert.equal(guessFormat("a.json", " ".repeat(5000) + '"format": "claim-annotator"', config), "aif");
  assert.equal(guessFormat("a.png", "", config), null);
});

const files = (...pairs) => pairs.map(([name, format]) => ({ name, format }));

test("a .txt named like a map is its source text; articles get their file's name as title", () => {
  const plan = planImports(
    files(["essay.ann", "brat"], ["notes.md", "markdown"], ["essay.txt", "text"], ["export.json", "json"]),
    config,
  );
  assert.deepEqual(plan.texts, [2]);
  assert.deepEqual(plan.imports, [
    { file: 0, name: "essay.ann", format: "brat", title: "essay", text: 2 },
    { file: 1, name: "notes.md", format: "markdown", title: "notes", text: null },
    { file: 3, name: "export.json", format: "json", title: "", text: null },
  ]);
});

test("a map without a partner takes the one other .txt, which is still a document too", () => {
  const plan = planImports(files(["oped.txt", "text"], ["oped-map.json", "aif"]), config);
  assert.deepEqual(plan.imports, [
    { file: 0, name: "oped.txt", format: "text", title: "oped", text: null },
    { file: 1, name: "oped-map.json", format: "aif", title: "oped-map", text: 0 },
  ]);
  const two = planImports(files(["a.txt", "text"], ["b.txt", "text"], ["m.json", "aif"]), config);
  assert.equal(two.imports[2].text, null);
  assert.deepEqual(two.texts, [0, 1]);
});

test("each map takes its own partner, and an unknown file stays for the person to name", () => {
  const plan = planImports(
    files(["a.ann", "brat"], ["b.ann", "brat"], ["b.txt", "text"], ["a.txt", "text"], ["x.bin", null]),
    config,
  );
  assert.deepEqual(
    plan.imports.map((i) => [i.name, i.text]),
    [
      ["a.ann", 3],
      ["b.ann", 2],
      ["x.bin", null],
    ],
  );
  assert.equal(plan.imports[2].format, null);
});

test("the state line says where a file is", () => {
  assert.equal(stateText("waiting"), "waiting");
  assert.equal(stateText("uploading", 0.426), "uploading… 43%");
  assert.equal(stateText("uploading"), "uploading…");
  assert.equal(stateText("importing"), "importing…");
  assert.equal(stateText("done"), "done");
  assert.equal(stateText("duplicate"), "already in this project");
  assert.equal(stateText("failed"), "failed");
});

test("the report reads as the import command prints it", () => {
  const report = {
    paragraphs: 3,
    tags: 5,
    implicit: 1,
    links: 4,
    reviews: 0,
    members_added: [],
    skipped: [
      {
        what: "L nodes",
        count: 12,
        why: "locutions belong to the dialogue",
        ids: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
      },
    ],
    adjusted: [{ what: "I-nodes", count: 1, why: "implicit", ids: ["16"] }],
  };
  assert.deepEqual(reportLines(report), [
    "3 paragraphs, 5 tags (1 implicit), 4 links.",
    "Skipped 12 L nodes (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...): locutions belong to the dialogue.",
    "Adjusted 1 I-nodes (16): implicit.",
  ]);
  const json = { ...report, reviews: 2, skipped: [], adjusted: [], members_added: ["alice", "bob"] };
  assert.deepEqual(reportLines(json), [
    "3 paragraphs, 5 tags (1 implicit), 4 links, 2 reviews.",
    "Added as annotators: alice, bob.",
  ]);
});
