// Code points (the API's offsets) against UTF-16 code units (the DOM's offsets).
import assert from "node:assert/strict";
import { test } from "node:test";

import { sliceCodePoints, toCodePoints, toUtf16, utf16Index } from "../../static/annotator/offsets.js";

const SAMPLES = {
  ascii: "plain text",
  emoji: "ok 👍🏽 then 𝒳 done",
  cjk: "中国和印度的联合训练",
  combining: "cafe\u0301 nai\u0308ve",
  mixed: "a𝒳b👍🏽c中e\u0301",
  empty: "",
};

test("utf16Index maps each code point to its UTF-16 index", () => {
  assert.deepEqual(utf16Index("a𝒳b"), [0, 1, 3, 4]);
  assert.deepEqual(utf16Index("👍🏽"), [0, 2, 4]); // a thumb and a skin tone: two code points
  assert.deepEqual(utf16Index(""), [0]);
});

test("astral characters count once in code points and twice in UTF-16", () => {
  const text = "ok 👍🏽 then 𝒳 done";
  assert.equal(toCodePoints(text, text.indexOf("then")), 6);
  assert.equal(toUtf16(text, 6), text.indexOf("then"));
  assert.equal(toCodePoints(text, text.indexOf("done")), 13);
});

test("CJK characters are one code unit and one code point each", () => {
  const text = SAMPLES.cjk;
  for (let i = 0; i <= text.length; i++) {
    assert.equal(toCodePoints(text, i), i);
    assert.equal(toUtf16(text, i), i);
  }
});

test("combining marks are code points of their own", () => {
  const text = SAMPLES.combining;
  assert.equal(Array.from(text).length, text.length);
  assert.equal(toCodePoints(text, 5), 5); // after the accent of "café"
  assert.equal(sliceCodePoints(text, 0, 5), "cafe\u0301");
});

test("toUtf16 clamps offsets past the end", () => {
  assert.equal(toUtf16("a𝒳", 10), 3);
});

for (const [name, text] of Object.entries(SAMPLES)) {
  test(`round trips on ${name}`, () => {
    const points = Array.from(text);
    const u16 = utf16Index(text);
    assert.equal(u16.length, points.length + 1);
    assert.equal(u16.at(-1), text.length);
    for (let cp = 0; cp <= points.length; cp++) {
      assert.equal(toUtf16(text, cp), u16[cp]);
      assert.equal(toCodePoints(text, toUtf16(text, cp)), cp);
    }
    for (let a = 0; a <= points.length; a++) {
      for (let b = a; b <= points.length; b++) {
        assert.equal(sliceCodePoints(text, a, b), text.slice(u16[a], u16[b]));
      }
    }
  });
}
