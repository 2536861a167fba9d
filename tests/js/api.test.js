// The API client: error sentences, network failures, If-Match on every write, 412 as a
// StaleError carrying the item as it is now. `fetch` and the CSRF meta tag are faked.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import {
  act,
  ApiError,
  create,
  describeError,
  describeNetworkFailure,
  errorLines,
  etag,
  get,
  getAll,
  itemRef,
  remove,
  parseEtag,
  restore,
  StaleError,
  update,
  upload,
  versionOf,
  watchWrites,
  writesInFlight,
} from "../../static/annotator/api.js";

const realFetch = globalThis.fetch;
let calls;

function reply(status, body, headers = {}) {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  return new Response(status === 204 ? null : text, { status, headers });
}

/** Answer requests in turn with `answers` (a Response, or an Error to throw), recording them. */
function fakeFetch(...answers) {
  globalThis.fetch = async (url, init) => {
    calls.push({ url, ...init, headers: { ...init.headers } });
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

beforeEach(() => {
  calls = [];
  globalThis.document = {
    querySelector: (selector) =>
      selector === 'meta[name="csrf-token"]' ? { content: "token-123" } : null,
  };
});

afterEach(() => {
  globalThis.fetch = realFetch;
  delete globalThis.document;
});

const tag = { id: 12, version: 3 };
const ref = itemRef("tag", "/api/tags/", tag);

// --- describeError ---------------------------------------------------------------------------

test("400 with field errors names each field; non-field errors stand alone", () => {
  const body = { start: ["Must be before end."], non_field_errors: ["You already tagged this."] };
  assert.equal(
    describeError(400, body),
    "start: Must be before end. You already tagged this.",
  );
  assert.equal(describeError(400, { quote: "Too long." }), "quote: Too long.");
  assert.equal(describeError(400, { detail: "JSON parse error." }), "JSON parse error.");
});

test("each status reads as a plain sentence", () => {
  assert.equal(
    describeError(403, { detail: "You are not a curator here." }),
    "Not allowed: You are not a curator here.",
  );
  assert.equal(describeError(403, null), "Not allowed: you may not do this.");
  assert.equal(
    describeError(404, { detail: "Not found." }),
    "That no longer exists (it may have been deleted by someone else).",
  );
  assert.equal(describeError(409, { detail: "Restore its tag first." }), "Restore its tag first.");
  assert.match(describeError(409, null), /clashes with the current state/);
  assert.equal(
    describeError(412, { detail: "Changed since you loaded it.", current_version: 4 }),
    "Changed since you loaded it.",
  );
  assert.match(describeError(412, null), /Someone else changed this/);
  assert.equal(describeError(413, { detail: "Bodies are limited." }), "Bodies are limited.");
  assert.match(describeError(413, null), /too large/);
  assert.match(describeError(429, { detail: "Request was throttled." }), /wait a moment/);
  assert.match(describeError(500, null), /^The server ran into a problem \(error 500\)/);
  assert.match(describeError(401, null), /signed out/);
  assert.equal(describeError(418, null), "The server answered 418.");
});

test("a non-JSON error body still reads as a sentence", async () => {
  fakeFetch(reply(500, "<html>Server Error</html>"));
  await assert.rejects(get("/api/tags/"), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 500);
    assert.equal(error.body, null);
    assert.match(error.message, /^The server ran into a problem \(error 500\)/);
    return true;
  });
  fakeFetch(reply(400, "not json"));
  await assert.rejects(create("/api/tags/", {}), { message: "The server answered 400." });
});

test("a network failure reads as a sentence (and says nothing was saved on writes)", async () => {
  fakeFetch(new TypeError("Failed to fetch"));
  await assert.rejects(get("/api/tags/"), (error) => {
    assert.equal(error.status, 0);
    assert.equal(error.message, describeNetworkFailure("GET"));
    assert.match(error.message, /^Could not reach the server\./);
    return true;
  });
  fakeFetch(new TypeError("Failed to fetch"));
  await assert.rejects(create("/api/tags/", { kind: "x" }), {
    message: "Could not reach the server, so nothing was saved. Check the connection and try again.",
  });
});

// --- Requests ---------------------------------------------------------------------------------

test("requests send the CSRF token and JSON", async () => {
  fakeFetch(reply(201, { id: 1, version: 1 }));
  assert.deepEqual(await create("/api/tags/", { kind: "x" }), { id: 1, version: 1 });
  const [call] = calls;
  assert.equal(call.method, "POST");
  assert.equal(call.credentials, "same-origin");
  assert.equal(call.headers["X-CSRFToken"], "token-123");
  assert.equal(call.headers["Content-Type"], "application/json");
  assert.equal(call.body, JSON.stringify({ kind: "x" }));
  assert.equal(call.headers["If-Match"], undefined); // a new item has no version yet
});

test("getAll follows the pages", async () => {
  fakeFetch(
    reply(200, { results: [{ id: 1 }], next: "/api/tags/?page=2" }),
    reply(200, { results: [{ id: 2 }], next: null }),
  );
  assert.deepEqual(await getAll("/api/tags/"), [{ id: 1 }, { id: 2 }]);
  assert.deepEqual(
    calls.map((c) => c.url),
    ["/api/tags/", "/api/tags/?page=2"],
  );
});

test("the ETag is the server's: entity, id and version", () => {
  assert.equal(etag("link", 7, 2), '"link-7-v2"');
  assert.deepEqual(ref, { entity: "tag", id: 12, url: "/api/tags/12/", etag: '"tag-12-v3"' });
  assert.equal(versionOf('"tag-12-v4"'), 4);
  assert.equal(versionOf(null), null);
  assert.deepEqual(parseEtag('"review-5-v2"'), { entity: "review", id: 5, version: 2 });
  assert.equal(parseEtag('"garbled"'), null);
});

test("watchers learn the item and version each write made, after it is answered", async () => {
  const seen = [];
  const stop = watchWrites((written) => seen.push([written, writesInFlight()]));
  fakeFetch(
    reply(201, { id: 40, version: 1 }, { ETag: '"tag-40-v1"' }),
    reply(204, undefined, { ETag: '"tag-12-v4"' }),
    reply(412, { detail: "Changed meanwhile." }),
    reply(200, { id: 12, version: 5 }),
    new TypeError("offline"),
  );
  const pending = create("/api/tags/", { kind: "claim" });
  assert.equal(writesInFlight(), 1);
  await pending;
  await remove(ref);
  await assert.rejects(update(ref, { note: "n" }), StaleError);
  await assert.rejects(update(ref, { note: "n" }), ApiError);
  await get("/api/tags/12/").catch(() => null); // reads are not reported
  stop();
  assert.deepEqual(seen, [
    [{ entity: "tag", id: 40, version: 1 }, 0],
    [{ entity: "tag", id: 12, version: 4 }, 0],
    [null, 0], // the 412: nothing was written
    [null, 0], // no answer
  ]);
  assert.equal(writesInFlight(), 0);
});

const WRITES = [
  ["PATCH", () => update(ref, { note: "n" }), "/api/tags/12/", reply(200, { ...tag, version: 4 })],
  ["DELETE", () => remove(ref), "/api/tags/12/", reply(204, undefined, { ETag: '"tag-12-v4"' })],
  ["POST restore", () => restore(ref), "/api/tags/12/restore/", reply(200, tag)],
  ["POST decision", () => act(ref, "decision", { status: "accepted" }), "/api/tags/12/decision/", reply(200, tag)],
];

for (const [name, run, url, answer] of WRITES) {
  test(`${name} sends If-Match with the version held`, async () => {
    fakeFetch(answer);
    await run();
    assert.equal(calls[0].url, url);
    assert.equal(calls[0].headers["If-Match"], '"tag-12-v3"');
    assert.equal(calls[0].headers["X-CSRFToken"], "token-123");
  });
}

test("DELETE answers the deleted item's new version, for its Undo", async () => {
  fakeFetch(reply(204, undefined, { ETag: '"tag-12-v4"' }));
  assert.deepEqual(await remove(ref), { version: 4 });
});

test("a write without a known version is refused before it is sent", async () => {
  fakeFetch();
  await assert.rejects(update(itemRef("review", "/api/reviews/", { id: 3 }), {}), /If-Match/);
  assert.equal(calls.length, 0);
});

test("412 throws a StaleError with the item as it is now, read once", async () => {
  const now = { id: 12, version: 5, note: "theirs" };
  fakeFetch(
    reply(412, { detail: "Changed meanwhile.", current_version: 5 }),
    reply(200, now),
  );
  await assert.rejects(update(ref, { note: "mine" }), (error) => {
    assert.ok(error instanceof StaleError);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 412);
    assert.equal(error.message, "Changed meanwhile.");
    assert.deepEqual(error.current, now);
    assert.equal(error.currentVersion, 5);
    return true;
  });
  assert.deepEqual(
    calls.map((c) => [c.method, c.url]),
    [
      ["PATCH", "/api/tags/12/"],
      ["GET", "/api/tags/12/"],
    ],
  );
});

test("412 on an item that is gone carries no current item", async () => {
  fakeFetch(reply(412, { detail: "Changed.", current_version: 6 }), reply(404, { detail: "Not found." }));
  await assert.rejects(restore(ref), (error) => {
    assert.ok(error instanceof StaleError);
    assert.equal(error.current, null);
    assert.equal(error.currentVersion, 6);
    return true;
  });
});

// --- Uploads (XMLHttpRequest, for their progress) ----------------------------------------------

/** A fake XMLHttpRequest that answers `status` and `body` once sent, after two progress events. */
function fakeXhr(status, body, { fail = false } = {}) {
  const sent = [];
  class FakeXhr {
    constructor() {
      this.headers = {};
      this.listeners = {};
      this.upload = {
        listeners: {},
        addEventListener: (name, fn) => (this.upload.listeners[name] = fn),
      };
      sent.push(this);
    }
    open(method, url) {
      Object.assign(this, { method, url });
    }
    setRequestHeader(name, value) {
      this.headers[name] = value;
    }
    addEventListener(name, fn) {
      this.listeners[name] = fn;
    }
    send(form) {
      this.form = form;
      queueMicrotask(() => {
        this.upload.listeners.progress?.({ lengthComputable: true, loaded: 50, total: 200 });
        this.upload.listeners.progress?.({ lengthComputable: false, loaded: 0, total: 0 });
        this.upload.listeners.load?.();
        if (fail) {
          this.listeners.error?.();
          return;
        }
        this.status = status;
        this.responseText = typeof body === "string" ? body : JSON.stringify(body);
        this.listeners.load?.();
      });
    }
  }
  globalThis.XMLHttpRequest = FakeXhr;
  return sent;
}

test("upload posts the form with the CSRF token and reports its progress", async (t) => {
  t.after(() => delete globalThis.XMLHttpRequest);
  const sent = fakeXhr(201, { document: 7 });
  const heard = [];
  const form = { files: 1 };
  const answer = await upload("/api/projects/1/import/", form, {
    onProgress: (fraction) => heard.push(fraction),
    onSent: () => heard.push("sent"),
  });
  assert.deepEqual(answer, { document: 7 });
  assert.deepEqual(heard, [0.25, null, "sent"]);
  const [xhr] = sent;
  assert.equal(xhr.method, "POST");
  assert.equal(xhr.url, "/api/projects/1/import/");
  assert.equal(xhr.headers["X-CSRFToken"], "token-123");
  assert.equal(xhr.headers.Accept, "application/json");
  assert.equal(xhr.form, form);
});

test("an upload's error answer is an ApiError with its body; no answer reads as a sentence", async (t) => {
  t.after(() => delete globalThis.XMLHttpRequest);
  const duplicate = { detail: "Already here (document 3).", existing: { document: 3 } };
  fakeXhr(409, duplicate);
  await assert.rejects(upload("/u/", {}), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 409);
    assert.equal(error.message, "Already here (document 3).");
    assert.deepEqual(error.body, duplicate);
    return true;
  });
  fakeXhr(500, "<html>oops</html>");
  await assert.rejects(upload("/u/", {}), /The server ran into a problem \(error 500\)/);
  fakeXhr(0, null, { fail: true });
  await assert.rejects(upload("/u/", {}), (error) => {
    assert.equal(error.status, 0);
    assert.equal(error.message, describeNetworkFailure("POST"));
    return true;
  });
});

test("errorLines gives each place of a 400 its own line, anything else one sentence", () => {
  assert.deepEqual(
    errorLines(400, { "node 12": ["No text."], "edge 3": ["No such node.", "Twice."], non_field_errors: ["Bad."] }),
    ["node 12: No text.", "edge 3: No such node. Twice.", "Bad."],
  );
  assert.deepEqual(errorLines(400, { detail: "Malformed." }), ["Malformed."]);
  assert.deepEqual(errorLines(403, { detail: "Curators only." }), ["Not allowed: Curators only."]);
  assert.deepEqual(errorLines(0, null), [describeError(0, null)]);
});
