// The live updates client: reconnecting with back-off, catching up from the change feed after
// a reconnect and on a gap, skipping the page's own writes, polling without a socket. The
// socket, the timers and the feed are fakes driven step by step.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import {
  backoffDelay,
  describeStatus,
  LiveFeed,
  namesInWords,
  socketUrl,
  summarizeCues,
  splitType,
} from "../../static/annotator/live.js";

// --- Fakes -----------------------------------------------------------------------------------

/** Timers that run only when the test says so; `due()` lists what is waiting, by delay. */
function fakeTimers() {
  let next = 1;
  const waiting = new Map();
  return {
    setTimeout(fn, delay) {
      const id = next++;
      waiting.set(id, { fn, delay });
      return id;
    },
    clearTimeout(id) {
      waiting.delete(id);
    },
    due() {
      return [...waiting.values()].map((t) => t.delay);
    },
    /** Run every timer waiting now (not those they set). */
    runAll() {
      const now = [...waiting.entries()];
      for (const [id] of now) waiting.delete(id);
      for (const [, t] of now) t.fn();
    },
  };
}

let sockets;

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.closed = false;
    this.sent = [];
    sockets.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** A message from the server. */
  deliver(message) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** What the page sends (pings). */
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
}

/** A change feed: `pages` answer in turn (an Error is thrown); the URLs asked are kept. */
function fakeFeed(...pages) {
  const asked = [];
  const get = async (url) => {
    asked.push(url);
    const page = pages.shift() ?? { results: [], last_seq: null };
    if (page instanceof Error) throw page;
    return page;
  };
  return { get, asked };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function change(seq, { type = "tag.created", id = seq, version = 1, actor = "ben" } = {}) {
  return { seq, type, id, version, actor, data: { id, version } };
}

function feedWith({ since = 10, feed = fakeFeed(), timers = fakeTimers(), ...rest } = {}) {
  const got = [];
  const statuses = [];
  const presence = [];
  const live = new LiveFeed({
    socketUrl: "ws://example.test/ws/documents/7/",
    changesUrl: "/api/documents/7/changes/",
    since,
    user: "ana",
    get: feed.get,
    onChange: (c) => got.push(c),
    onStatus: (s) => statuses.push(s),
    onPresence: (users) => presence.push(users),
    WebSocket: FakeSocket,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    random: () => 0.5,
    ...rest,
  });
  return { live, got, statuses, presence, feed, timers };
}

beforeEach(() => {
  sockets = [];
});

// --- Pure helpers ----------------------------------------------------------------------------

test("back-off doubles from the base, is capped, and is jittered within its upper half", () => {
  const low = (attempt) => backoffDelay(attempt, { base: 1000, cap: 30000, random: () => 0 });
  const high = (attempt) => backoffDelay(attempt, { base: 1000, cap: 30000, random: () => 1 });
  assert.deepEqual([0, 1, 2, 3, 4].map(low), [500, 1000, 2000, 4000, 8000]);
  assert.deepEqual([0, 1, 2, 3, 4].map(high), [1000, 2000, 4000, 8000, 16000]);
  assert.equal(high(5), 30000);
  assert.equal(high(60), 30000); // no overflow however long it fails
  assert.equal(low(60), 15000);
});

test("the status line speaks plainly, in whole seconds", () => {
  assert.equal(
    describeStatus({ state: "paused", retryIn: 7200 }),
    "Live updates paused — retrying in 8 s",
  );
  assert.equal(describeStatus({ state: "paused", retryIn: 200 }), "Live updates paused — retrying in 1 s");
  assert.equal(describeStatus({ state: "polling", every: 5000 }), "Checking for changes every 5 s");
  assert.match(describeStatus({ state: "behind", retryIn: 2000 }), /could not be loaded — retrying in 2 s/);
  assert.equal(describeStatus({ state: "live" }), "");
  assert.equal(describeStatus({ state: "stopped", reason: "Not allowed." }), "Live updates are off: Not allowed.");
});

test("socket URLs follow the page's scheme and host", () => {
  assert.equal(
    socketUrl("/ws/documents/7/", { protocol: "https:", host: "a.test" }),
    "wss://a.test/ws/documents/7/",
  );
  assert.equal(
    socketUrl("/ws/documents/7/", { protocol: "http:", host: "127.0.0.1:8000" }),
    "ws://127.0.0.1:8000/ws/documents/7/",
  );
  assert.equal(socketUrl("", { protocol: "http:", host: "x" }), null);
  assert.deepEqual(splitType("tag.decided"), { entity: "tag", action: "decided" });
});

test("cues that come together read as one sentence", () => {
  const cue = (actor, text) => ({ actor, text });
  assert.equal(summarizeCues([cue("ana", "ana added a claim tag")]), "ana added a claim tag");
  assert.equal(
    summarizeCues([cue("ana", "ana added a claim tag"), cue("ben", "ben deleted a link")]),
    "ana added a claim tag; ben deleted a link",
  );
  const many = ["ana", "ben", "ana", "cy"].map((who) => cue(who, `${who} changed a tag`));
  assert.equal(summarizeCues(many), "4 changes by ana, ben and cy");
  assert.equal(namesInWords(["ana", "ben"]), "ana and ben");
  assert.equal(namesInWords([]), "");
});

// --- The socket --------------------------------------------------------------------------------

test("changes arrive in order; presence is passed on; old seqs are ignored", async () => {
  const { live, got, presence, statuses } = feedWith();
  live.start();
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, "ws://example.test/ws/documents/7/");
  sockets[0].open();
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "live" });
  sockets[0].deliver({ type: "presence", users: ["ana", "ben"] });
  sockets[0].deliver(change(11));
  sockets[0].deliver(change(12));
  sockets[0].deliver(change(12)); // a duplicate
  sockets[0].deliver(change(9)); // older than the page
  assert.deepEqual(presence.at(-1), ["ana", "ben"]);
  assert.deepEqual(
    got.map((c) => c.seq),
    [11, 12],
  );
  assert.equal(live.lastSeq, 12);
});

test("the first open catches up from the seq the page was rendered at", async () => {
  const feed = fakeFeed({ results: [change(11), change(12)], last_seq: 12 });
  const { live, got } = feedWith({ since: 10, feed });
  live.start();
  sockets[0].open();
  await settle();
  assert.deepEqual(feed.asked, ["/api/documents/7/changes/?since=10"]);
  assert.deepEqual(
    got.map((c) => c.seq),
    [11, 12],
  );
});

test("a lost socket reconnects with growing, capped delays, then catches up from the last seq", async () => {
  const feed = fakeFeed(
    { results: [], last_seq: 10 }, // first open
    {
      results: [change(12), change(13)],
      last_seq: 13,
      next: "/api/documents/7/changes/?since=13",
    },
    { results: [change(14)], last_seq: 14 },
  );
  const timers = fakeTimers();
  const { live, got, statuses, presence } = feedWith({
    feed,
    timers,
    socketTries: 99, // keep to the socket here; polling is tested below
    backoff: { base: 1000, cap: 4000 },
  });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].deliver(change(11));
  sockets[0].drop();
  assert.deepEqual(presence.at(-1), []);
  // random() is 0.5: three quarters of each step.
  assert.deepEqual(timers.due(), [750]);
  assert.deepEqual(statuses.at(-1), { state: "paused", retryIn: 750 });
  assert.equal(describeStatus(statuses.at(-1)), "Live updates paused — retrying in 1 s");

  const delays = [];
  for (let i = 0; i < 4; i++) {
    timers.runAll(); // connect
    sockets.at(-1).drop(); // and fail
    delays.push(...timers.due());
  }
  assert.deepEqual(delays, [1500, 3000, 3000, 3000]); // 2 s, 4 s, then capped at 4 s
  assert.deepEqual(statuses.at(-1), { state: "paused", retryIn: 3000 });

  timers.runAll();
  sockets.at(-1).open();
  await settle();
  assert.deepEqual(feed.asked.slice(1), [
    "/api/documents/7/changes/?since=11",
    "/api/documents/7/changes/?since=13",
  ]);
  assert.deepEqual(
    got.map((c) => c.seq),
    [11, 12, 13, 14],
  );
  assert.deepEqual(statuses.at(-1), { state: "live" });

  // Open again: the next loss starts from the shortest delay.
  sockets.at(-1).drop();
  assert.deepEqual(timers.due(), [750]);
});

test("a gap in the seqs is filled from the feed, then the held messages follow once", async () => {
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  const asked = [];
  const get = async (url) => {
    asked.push(url);
    if (asked.length === 1) return { results: [], last_seq: 10 };
    await gate;
    return { results: [change(12), change(13)], last_seq: 13 };
  };
  const { live, got } = feedWith({ feed: { get, asked } });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].deliver(change(11));
  sockets[0].deliver(change(13)); // 12 is missing
  sockets[0].deliver(change(14)); // arrives while catching up
  assert.deepEqual(
    got.map((c) => c.seq),
    [11],
  );
  assert.deepEqual(asked.slice(1), ["/api/documents/7/changes/?since=11"]);
  release();
  await settle();
  assert.deepEqual(
    got.map((c) => c.seq),
    [11, 12, 13, 14],
  );
});

test("a gap the feed cannot fill (changes hidden from this person) moves on to the feed's last seq", async () => {
  const feed = fakeFeed({ results: [], last_seq: 10 }, { results: [], last_seq: 12 });
  const { live, got } = feedWith({ feed });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].deliver(change(13));
  await settle();
  assert.deepEqual(
    got.map((c) => c.seq),
    [13],
  );
  sockets[0].deliver(change(14));
  assert.deepEqual(
    got.map((c) => c.seq),
    [13, 14],
  );
  assert.equal(feed.asked.length, 2);
});

test("when the feed cannot be read the page is told, and the gap is tried again later", async () => {
  const timers = fakeTimers();
  const feed = fakeFeed(
    { results: [], last_seq: 10 },
    new Error("Could not reach the server."),
    { results: [change(11), change(12)], last_seq: 12 },
  );
  const { live, got, statuses } = feedWith({ feed, timers, backoff: { base: 2000, cap: 30000 } });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].deliver(change(12));
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "behind", retryIn: 1500 });
  sockets[0].deliver(change(13)); // held: the gap is still open
  assert.deepEqual(got, []);
  timers.runAll();
  await settle();
  assert.deepEqual(
    got.map((c) => c.seq),
    [11, 12, 13],
  );
  assert.deepEqual(statuses.at(-1), { state: "live" });
});

// --- The page's own writes -----------------------------------------------------------------

test("a change this page wrote itself is not handed on; the same user's other tab's is", async () => {
  const { live, got } = feedWith();
  live.start();
  sockets[0].open();
  await settle();
  live.remember("tag", 5, 1); // loaded with the page
  live.wrote({ entity: "tag", id: 5, version: 2 }); // this page's edit
  sockets[0].deliver(change(11, { type: "tag.updated", id: 5, version: 2, actor: "ana" }));
  sockets[0].deliver(change(12, { type: "tag.updated", id: 5, version: 3, actor: "ana" })); // another tab
  sockets[0].deliver(change(13, { type: "tag.deleted", id: 5, version: 3, actor: "ben" })); // seen
  assert.deepEqual(
    got.map((c) => c.seq),
    [12],
  );
});

test("a change to a version the page already shows is not handed on", async () => {
  const shown = new Map([["link:7", 2]]);
  const { live, got } = feedWith({ holds: (entity, id) => shown.get(`${entity}:${id}`) ?? null });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].deliver(change(11, { type: "link.updated", id: 7, version: 2, actor: "ben" }));
  sockets[0].deliver(change(12, { type: "link.updated", id: 7, version: 3, actor: "ben" }));
  sockets[0].deliver(change(13, { type: "tag.updated", id: 7, version: 2, actor: "ben" }));
  assert.deepEqual(
    got.map((c) => c.seq),
    [12, 13],
  );
});

test("an own change that arrives before its write is answered waits for the answer", async () => {
  let inFlight = 1;
  const { live, got } = feedWith({ writesInFlight: () => inFlight });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].deliver(change(11, { type: "tag.created", id: 40, version: 1, actor: "ana" }));
  sockets[0].deliver(change(12, { type: "tag.created", id: 41, version: 1, actor: "ben" }));
  assert.deepEqual(
    got.map((c) => c.seq),
    [12],
  ); // others' changes are not held
  inFlight = 0;
  live.wrote({ entity: "tag", id: 40, version: 1 });
  assert.deepEqual(
    got.map((c) => c.seq),
    [12],
  );
  assert.equal(live.lastSeq, 12);

  // A write that failed: the held change was someone else's (the same user elsewhere).
  inFlight = 1;
  sockets[0].deliver(change(13, { type: "link.created", id: 7, version: 1, actor: "ana" }));
  inFlight = 0;
  live.wrote(null);
  assert.deepEqual(
    got.map((c) => c.seq),
    [12, 13],
  );
});

// --- Polling ---------------------------------------------------------------------------------

test("without WebSocket the feed is polled every few seconds", async () => {
  const timers = fakeTimers();
  const feed = fakeFeed(
    { results: [change(11)], last_seq: 11 },
    { results: [], last_seq: 11 },
    { results: [change(12, { actor: "ana", id: 3, version: 2 })], last_seq: 12 },
  );
  const { live, got, statuses } = feedWith({ feed, timers, WebSocket: undefined, pollEvery: 4000 });
  live.remember("tag", 3, 2);
  live.start();
  await settle();
  assert.equal(sockets.length, 0);
  assert.deepEqual(statuses.at(-1), { state: "polling", every: 4000 });
  assert.deepEqual(timers.due(), [4000]);
  timers.runAll();
  await settle();
  timers.runAll();
  await settle();
  assert.deepEqual(feed.asked, [
    "/api/documents/7/changes/?since=10",
    "/api/documents/7/changes/?since=11",
    "/api/documents/7/changes/?since=11",
  ]);
  assert.deepEqual(
    got.map((c) => c.seq),
    [11],
  ); // 12 was this page's own
});

test("a page served without a socket polls; a failing poll backs off and says so", async () => {
  const timers = fakeTimers();
  const down = () => Object.assign(new Error("Could not reach the server."), { status: 0 });
  const feed = fakeFeed(down(), down(), { results: [change(11)], last_seq: 11 });
  const { live, got, statuses } = feedWith({ feed, timers, socketUrl: null });
  live.start();
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "paused", retryIn: 750 });
  timers.runAll();
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "paused", retryIn: 1500 });
  timers.runAll();
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "polling", every: 5000 });
  assert.deepEqual(
    got.map((c) => c.seq),
    [11],
  );
});

test("a socket that never opens falls back to polling, and a later open stops the polling", async () => {
  const timers = fakeTimers();
  const feed = fakeFeed(
    { results: [change(11)], last_seq: 11 },
    { results: [], last_seq: 11 }, // on open
  );
  const { live, got, statuses } = feedWith({ feed, timers, socketTries: 2 });
  live.start();
  sockets[0].drop();
  assert.equal(statuses.at(-1).state, "paused");
  timers.runAll();
  sockets[1].drop();
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "polling", every: 5000 });
  assert.deepEqual(
    got.map((c) => c.seq),
    [11],
  );
  // Both wait: the next poll and the next socket try.
  assert.equal(timers.due().length, 2);
  timers.runAll();
  sockets[2].open();
  await settle();
  assert.deepEqual(statuses.at(-1), { state: "live" });
  assert.equal(live.polling, false);
  assert.deepEqual(timers.due(), [25000]); // only the socket's ping is left waiting
});

test("a feed that refuses this person stops the polling with the reason", async () => {
  const refused = Object.assign(new Error("Not allowed: you may not do this."), { status: 403 });
  const timers = fakeTimers();
  const { live, statuses } = feedWith({ feed: fakeFeed(refused), timers, socketUrl: null });
  live.start();
  await settle();
  assert.deepEqual(statuses.at(-1), {
    state: "stopped",
    reason: "this document is no longer open to you (reload the page to check).",
  });
  assert.deepEqual(timers.due(), []);
});

test("a refused socket (4403) stops for good and says why", async () => {
  const timers = fakeTimers();
  const { live, statuses } = feedWith({ timers, pingEvery: 1e9 });
  live.start();
  sockets[0].open();
  await settle();
  sockets[0].drop(4403);
  assert.deepEqual(statuses.at(-1), {
    state: "stopped",
    reason: "this document is no longer open to you (reload the page to check).",
  });
  assert.deepEqual(timers.due(), []);
  assert.equal(sockets.length, 1);
});

test("a socket that stops answering pings is closed and opened again", async () => {
  const timers = fakeTimers();
  const { live, statuses } = feedWith({ timers, pingEvery: 20000 });
  live.start();
  sockets[0].open();
  await settle();
  assert.deepEqual(timers.due(), [20000]);
  timers.runAll();
  assert.deepEqual(sockets[0].sent, [{ type: "ping" }]);
  sockets[0].deliver({ type: "pong" }); // alive
  timers.runAll();
  assert.equal(sockets[0].sent.length, 2);
  assert.equal(sockets[0].closed, false);
  timers.runAll(); // no answer to the second ping
  assert.equal(sockets[0].closed, true);
  assert.deepEqual(statuses.at(-1), { state: "paused", retryIn: 750 });
  timers.runAll();
  assert.equal(sockets.length, 2);
});

test("retry now skips the wait; stop closes the socket and cancels every timer", async () => {
  const timers = fakeTimers();
  const { live } = feedWith({ timers });
  live.start();
  sockets[0].drop();
  assert.equal(timers.due().length, 1);
  live.retryNow();
  assert.equal(sockets.length, 2);
  assert.deepEqual(timers.due(), []);
  live.stop();
  assert.equal(sockets[1].closed, true);
  sockets[1].drop(); // a late close event does nothing
  assert.deepEqual(timers.due(), []);
});
