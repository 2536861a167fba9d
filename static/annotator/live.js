// Live updates of a document: what others write arrives while the page is open.
//
// A LiveFeed opens the document's socket (/ws/documents/<id>/), remembers the last sequence
// number it has seen, and hands each change to the page in order, once. After a reconnect, and
// whenever a number is skipped, it catches up from the change feed
// (GET /api/documents/<id>/changes/?since=<seq>). A lost socket is tried again after an
// exponential back-off with jitter, capped; a socket that never opens (a server without
// WebSockets, a proxy that drops them), or a page served without one, polls the change feed
// every few seconds instead. Changes this page made itself (its writes are watched through the
// API client) are not handed on, so nothing is painted twice.
//
// No DOM here: the socket, the timers and the requests are handed in, so Node's test runner
// drives it with fakes. The page modules paint; live-bar.js shows the status and presence.

/** The delay before reconnect `attempt` (0, 1, …): doubling from `base`, capped, jittered. */
export function backoffDelay(attempt, { base = 1000, cap = 30000, random = Math.random } = {}) {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  // "Equal jitter": never less than half the step, so retries spread out but still back off.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The entity a change is about ("tag", "link", "review") and what happened to it. */
export function splitType(type) {
  const [entity, action] = String(type).split(".");
  return { entity, action };
}

/** The line that says how live updates stand (empty while they are live). */
export function describeStatus(status) {
  switch (status.state) {
    case "paused":
      return `Live updates paused — retrying in ${Math.max(1, Math.ceil(status.retryIn / 1000))} s`;
    case "polling":
      return `Checking for changes every ${Math.round(status.every / 1000)} s`;
    case "behind":
      return `Some changes could not be loaded — retrying in ${Math.max(1, Math.ceil(status.retryIn / 1000))} s`;
    case "stopped":
      return `Live updates are off: ${status.reason}`;
    default:
      return "";
  }
}

/** Names in a sentence: "ana", "ana and ben", "ana, ben and cy". */
export function namesInWords(names) {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * One sentence for the cues of changes that came in together ({actor, text} each): each one's
 * words for up to `max`, else how many changes by whom.
 */
export function summarizeCues(cues, max = 3) {
  if (cues.length <= max) return cues.map((c) => c.text).join("; ");
  const actors = [...new Set(cues.map((c) => c.actor))];
  return `${cues.length} changes by ${namesInWords(actors)}`;
}

/** A socket URL (ws: or wss:, as the page's own scheme) for a path on the page's host. */
export function socketUrl(path, location) {
  if (!path) return null;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

const SOCKET_OPEN = 1;
/** The close code of a socket the server refuses (signed out, not a member): no retrying. */
export const REFUSED = 4403;

/** Why the feed refuses for good (signed out, or the document is not open to them any more). */
function refusal(error) {
  if (error?.status === 401) return "you are signed out; sign in again and reload the page.";
  if (error?.status === 403 || error?.status === 404) {
    return "this document is no longer open to you (reload the page to check).";
  }
  return null;
}

export class LiveFeed {
  /**
   * @param {object} options
   * @param {string|null} options.socketUrl  the document's socket, or null to poll only
   * @param {string} options.changesUrl  the document's change feed
   * @param {number|null} options.since  the last seq the page's data includes (null: unknown)
   * @param {string} options.user  who is signed in (their changes may be this page's own)
   * @param {(url: string) => Promise<object>} options.get  a JSON GET (the API client's)
   * @param {(change: object) => void} options.onChange  a change by someone else, in order
   * @param {(users: string[]) => void} [options.onPresence]  who has the document open
   * @param {(status: object) => void} [options.onStatus]  {state, retryIn?, every?, reason?}
   * @param {function} [options.WebSocket]  the constructor (none: poll)
   * @param {() => number} [options.writesInFlight]  the page's unanswered writes
   * @param {(entity: string, id: number) => number|null} [options.holds]  the version of an
   *   item the page shows now (a change to it no newer is not handed on)
   */
  constructor({
    socketUrl = null,
    changesUrl,
    since = null,
    user = null,
    get,
    onChange,
    onPresence = () => {},
    onStatus = () => {},
    WebSocket = globalThis.WebSocket,
    writesInFlight = () => 0,
    holds = () => null,
    setTimeout = globalThis.setTimeout.bind(globalThis),
    clearTimeout = globalThis.clearTimeout.bind(globalThis),
    random = Math.random,
    pollEvery = 5000,
    pingEvery = 25000,
    backoff = { base: 1000, cap: 30000 },
    socketTries = 3,
  }) {
    this.socketUrl = socketUrl;
    this.changesUrl = changesUrl;
    this.lastSeq = since;
    this.user = user;
    this.get = get;
    this.onChange = onChange;
    this.onPresence = onPresence;
    this.onStatus = onStatus;
    this.WebSocket = WebSocket;
    this.writesInFlight = writesInFlight;
    this.holds = holds;
    this.timers = { setTimeout, clearTimeout };
    this.random = random;
    this.pollEvery = pollEvery;
    this.pingEvery = pingEvery;
    this.backoff = backoff;
    this.socketTries = socketTries;

    this.known = new Map(); // "tag:12" -> the newest version this page holds
    this.socket = null;
    this.socketOpened = false; // whether any socket of this feed ever opened
    this.socketFailures = 0; // sockets closed in a row without opening
    this.reconnects = 0; // reconnect attempts since the socket was last open
    this.reconnectTimer = null;
    this.pingTimer = null;
    this.awaitingPong = false;
    this.polling = false;
    this.pollTimer = null;
    this.pollFailures = 0;
    this.catching = null; // the catch-up in progress (a promise)
    this.catchAgain = false;
    this.catchUpFailures = 0;
    this.behindTimer = null; // the next try after the feed could not be read
    this.queue = []; // socket messages held while catching up
    this.held = []; // own-looking changes held until the page's writes are answered
    this.stopped = false;
    this.status = { state: "connecting" };
  }

  /** Start: open the socket, or poll when there is none to open. */
  start() {
    if (this.socketUrl && typeof this.WebSocket === "function") this.connect();
    else this.startPolling();
    return this;
  }

  /** Stop for good: close the socket, cancel timers. */
  stop() {
    this.stopped = true;
    this.timers.clearTimeout(this.reconnectTimer);
    this.timers.clearTimeout(this.pollTimer);
    this.timers.clearTimeout(this.behindTimer);
    this.timers.clearTimeout(this.pingTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  /** Try again at once (the "Retry now" button, the browser coming back online). */
  retryNow() {
    if (this.stopped) return;
    if (this.socket) return;
    if (this.reconnectTimer !== null) {
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    } else if (this.polling) {
      this.timers.clearTimeout(this.pollTimer);
      this.poll();
    }
  }

  /** The page holds `version` of an item (loaded, or written by itself): skip older changes. */
  remember(entity, id, version) {
    if (version === null || version === undefined) return;
    const key = `${entity}:${id}`;
    if (!(this.known.get(key) >= version)) this.known.set(key, version);
  }

  /** What the API client reports after each write the page sends (see api.js watchWrites). */
  wrote(written) {
    if (written) this.remember(written.entity, written.id, written.version);
    if (this.writesInFlight() === 0 && this.held.length) {
      const held = this.held;
      this.held = [];
      for (const change of held) this.deliver(change);
    }
  }

  setStatus(status) {
    this.status = status;
    this.onStatus(status);
  }

  // --- The socket ------------------------------------------------------------------------------

  connect() {
    this.reconnectTimer = null;
    if (this.stopped) return;
    let socket;
    try {
      socket = new this.WebSocket(this.socketUrl);
    } catch {
      this.socketClosed(null);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.socketOpened = true;
      this.socketFailures = 0;
      this.reconnects = 0;
      this.stopPolling();
      this.setStatus({ state: "live" });
      this.heartbeat(socket);
      // Whatever happened while there was no socket (or since the page was rendered).
      this.catchUpLive();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.awaitingPong = false; // any message shows the connection is alive
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.receive(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event?.code === REFUSED) {
        this.refused();
        return;
      }
      this.socketClosed(opened);
    };
  }

  /** The server will not let this person follow the document: stop, and say why. */
  refused() {
    this.onPresence([]);
    this.stop();
    this.setStatus({ state: "stopped", reason: refusal({ status: 403 }) });
  }

  /**
   * Ping now and then: a connection that died without a close (a sleeping laptop, a dropped
   * route) answers nothing, and is then closed and opened again.
   */
  heartbeat(socket) {
    this.awaitingPong = false;
    const beat = () => {
      this.pingTimer = null;
      if (this.socket !== socket || this.stopped) return;
      if (this.awaitingPong) {
        this.socket = null;
        socket.close();
        this.socketClosed(true);
        return;
      }
      this.awaitingPong = true;
      try {
        socket.send(JSON.stringify({ type: "ping" }));
      } catch {
        // A socket that cannot send is about to close; its close event reconnects.
      }
      this.pingTimer = this.timers.setTimeout(beat, this.pingEvery);
    };
    this.timers.clearTimeout(this.pingTimer);
    this.pingTimer = this.timers.setTimeout(beat, this.pingEvery);
  }

  socketClosed(opened) {
    if (this.stopped) return;
    this.timers.clearTimeout(this.pingTimer);
    this.pingTimer = null;
    this.onPresence([]);
    if (!opened) this.socketFailures += 1;
    const delay = backoffDelay(this.reconnects, { ...this.backoff, random: this.random });
    this.reconnects += 1;
    this.reconnectTimer = this.timers.setTimeout(() => this.connect(), delay);
    if (this.socketFailures >= this.socketTries) {
      // The socket does not open here: poll meanwhile, and keep trying it now and then.
      if (!this.polling) this.startPolling();
    } else {
      this.setStatus({ state: "paused", retryIn: delay });
    }
  }

  /** A message from the socket: presence, or a change (in order, gaps caught up). */
  receive(message) {
    if (message.type === "presence") {
      this.onPresence(Array.isArray(message.users) ? message.users : []);
      return;
    }
    if (message.type === "pong" || message.type === "error") return;
    if (typeof message.seq !== "number") return;
    if (this.catching || this.behindTimer !== null) {
      this.queue.push(message);
      return;
    }
    if (this.lastSeq === null || message.seq === this.lastSeq + 1) {
      this.accept(message);
    } else if (message.seq > this.lastSeq + 1) {
      // Something was missed (a dropped message, a change this socket was not sent).
      this.queue.push(message);
      this.catchUpLive();
    }
    // seq <= lastSeq: seen already (through the feed).
  }

  // --- The change feed -------------------------------------------------------------------------

  /**
   * Read the feed from the last seq seen, then the socket messages queued meanwhile, in order.
   * Rejects when the feed cannot be read; the queue then waits for the next try.
   */
  catchUp() {
    if (this.catching) {
      this.catchAgain = true;
      return this.catching;
    }
    this.timers.clearTimeout(this.behindTimer);
    this.behindTimer = null;
    this.catching = (async () => {
      try {
        do {
          this.catchAgain = false;
          await this.readFeed();
        } while (this.catchAgain);
      } finally {
        this.catching = null;
      }
      this.catchUpFailures = 0;
      this.drainQueue();
    })();
    return this.catching;
  }

  /** Catch up while the socket is open; if the feed cannot be read, say so and try again. */
  catchUpLive() {
    this.catchUp().then(
      () => {
        if (this.live && this.status.state !== "live") this.setStatus({ state: "live" });
      },
      (error) => {
        if (this.stopped || this.polling || this.behindTimer !== null) return;
        if (!this.live) return; // the reconnect catches up
        if (refusal(error)) {
          this.setStatus({ state: "stopped", reason: refusal(error) });
          return;
        }
        const delay = backoffDelay(this.catchUpFailures, { ...this.backoff, random: this.random });
        this.catchUpFailures += 1;
        this.setStatus({ state: "behind", retryIn: delay });
        this.behindTimer = this.timers.setTimeout(() => {
          this.behindTimer = null;
          this.catchUpLive();
        }, delay);
      },
    );
  }

  async readFeed() {
    if (this.lastSeq === null) return; // nothing to catch up from: the page knows no seq
    let url = `${this.changesUrl}?since=${this.lastSeq}`;
    while (url) {
      const page = await this.get(url);
      for (const change of page.results ?? []) {
        if (change.seq > this.lastSeq) this.accept(change);
      }
      if (typeof page.last_seq === "number" && page.last_seq > this.lastSeq) {
        // Changes this person may not see (blind mode) leave gaps: the feed covers them.
        this.lastSeq = page.last_seq;
      }
      url = page.next ?? null;
    }
  }

  drainQueue() {
    const queue = this.queue.sort((a, b) => a.seq - b.seq);
    this.queue = [];
    // The feed has covered what it could; what is still missing cannot be read now.
    for (const message of queue) {
      if (this.lastSeq === null || message.seq > this.lastSeq) this.accept(message);
    }
  }

  startPolling() {
    this.polling = true;
    this.pollFailures = 0;
    this.poll();
  }

  stopPolling() {
    this.polling = false;
    this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  async poll() {
    this.pollTimer = null;
    if (this.stopped || !this.polling) return;
    try {
      await this.catchUp();
    } catch (error) {
      if (!this.polling || this.stopped) return;
      if (refusal(error)) {
        this.stopPolling();
        this.setStatus({ state: "stopped", reason: refusal(error) });
        return;
      }
      const delay = backoffDelay(this.pollFailures, { ...this.backoff, random: this.random });
      this.pollFailures += 1;
      this.setStatus({ state: "paused", retryIn: delay });
      this.pollTimer = this.timers.setTimeout(() => this.poll(), delay);
      return;
    }
    if (!this.polling || this.stopped) return;
    this.pollFailures = 0;
    this.setStatus({ state: "polling", every: this.pollEvery });
    this.pollTimer = this.timers.setTimeout(() => this.poll(), this.pollEvery);
  }

  // --- Handing changes to the page -------------------------------------------------------------

  /** Take a change in sequence: advance the seq, and deliver it unless the page has it. */
  accept(change) {
    if (this.lastSeq === null || change.seq > this.lastSeq) this.lastSeq = change.seq;
    this.deliver(change);
  }

  deliver(change) {
    const { entity } = splitType(change.type);
    const key = `${entity}:${change.id}`;
    const held = Math.max(this.known.get(key) ?? -1, this.holds(entity, change.id) ?? -1);
    if (held >= change.version) return; // the page holds this version (or a newer one)
    if (change.actor === this.user && this.writesInFlight() > 0) {
      // Maybe this page's own write, announced before its answer came back: decide once the
      // page's writes are answered and their versions known.
      this.held.push(change);
      return;
    }
    this.remember(entity, change.id, change.version);
    this.onChange(change);
  }

  /** Whether the socket is open now. */
  get live() {
    return this.socket?.readyState === SOCKET_OPEN;
  }
}
