// The live line of a document's pages (templates/claims/_live.html): who is reading the
// document now, how live updates stand ("Live updates paused — retrying in 8 s", with Retry
// now), and a polite announcement for screen readers. It starts the page's LiveFeed with the
// socket and change feed the server named, and tells it about the page's own writes. The line
// is there from the start; when filling it takes a second line, `keep` holds the reader's
// place.

import { get, watchWrites, writesInFlight } from "./api.js";
import { describeStatus, LiveFeed, socketUrl, summarizeCues } from "./live.js";

const COALESCE_MS = 400; // cues this close together are read out as one sentence

/**
 * Start live updates if the page has a live line. `onChange(change)` gets each change someone
 * else made, in order; `holds(entity, id)` the version the page shows; `keep(change)` makes a
 * change to the page keeping the reader's place (see scroll.js). Answers the feed, or null on a
 * page without a live line.
 */
export function startLive({ onChange, holds, keep = (change) => change() }) {
  const bar = document.getElementById("live");
  if (!bar) return null;
  const presence = document.getElementById("presence");
  const presenceList = document.getElementById("presence-list");
  const statusLine = document.getElementById("live-status");
  const statusText = document.getElementById("live-status-text");
  const retry = document.getElementById("live-retry");
  const cueLine = document.getElementById("live-cue");
  const user = bar.dataset.user;
  const say = (text) => (cueLine.textContent = text);

  function renderPresence(users) {
    keep(() => drawPresence(users));
  }

  function drawPresence(users) {
    const others = [...new Set(users)].filter((name) => name !== user).sort();
    const everyone = users.includes(user) ? [user, ...others] : others;
    presenceList.replaceChildren(
      ...everyone.map((name) => {
        const li = document.createElement("li");
        li.textContent = name === user ? `${name} (you)` : name;
        li.title = li.textContent; // a long name is cut short on screen
        li.dataset.user = name;
        return li;
      }),
    );
    presence.hidden = everyone.length === 0;
  }

  let lastState = "connecting";
  function renderStatus(status) {
    const text = describeStatus(status);
    keep(() => {
      statusText.textContent = text;
      statusLine.hidden = text === "";
      retry.hidden = !["paused", "behind"].includes(status.state);
    });
    bar.dataset.state = status.state;
    // Read out when the state changes, not at every retry.
    if (status.state !== lastState) {
      if (status.state === "paused") say("Live updates paused; retrying.");
      else if (status.state === "live" && lastState !== "connecting") say("Live updates are back.");
      else if (status.state === "stopped") say(text);
    }
    lastState = status.state;
  }

  const feed = new LiveFeed({
    socketUrl: socketUrl(bar.dataset.socket, window.location),
    changesUrl: bar.dataset.changes,
    since: bar.dataset.seq === "" || bar.dataset.seq === undefined ? null : Number(bar.dataset.seq),
    user,
    get,
    onChange,
    holds,
    onPresence: renderPresence,
    onStatus: renderStatus,
    writesInFlight,
  });
  watchWrites((written) => feed.wrote(written));
  retry.addEventListener("click", () => feed.retryNow());
  window.addEventListener("online", () => feed.retryNow());
  feed.start();
  return feed;
}

/**
 * A cue teller: call it with {actor, text} for each change; the cues that come within a moment
 * of each other are read out (and shown) as one sentence by `show(text)`.
 */
export function cueTeller(show) {
  let pending = [];
  let timer = null;
  return (cue) => {
    pending.push(cue);
    if (timer !== null) return;
    timer = setTimeout(() => {
      const cues = pending;
      pending = [];
      timer = null;
      show(summarizeCues(cues));
    }, COALESCE_MS);
  };
}
