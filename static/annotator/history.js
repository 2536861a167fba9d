// The recorded changes of a tag or a link, as the document page shows them: a "History"
// disclosure that loads GET /api/<tags|links>/<id>/history/ and lists each entry oldest first
// (when, who, what, and what changed: before → after). Everything people wrote is set as text:
// notes arrive as the server's bleached HTML and are reduced to their words in an inert
// document, comments are shown exactly as typed; nothing here goes through innerHTML.

import { get } from "./api.js";
import { curlyQuote, timeElement } from "./format.js";

const ACTIONS = {
  create: "created it",
  update: "changed it",
  delete: "deleted it",
  restore: "restored it",
  decide: "decided its status",
  merge: "merged it",
};

/** The words of a bleached HTML note, parsed in a document that runs and loads nothing. */
export function plainText(html) {
  if (!html) return "";
  const inert = new DOMParser().parseFromString(String(html), "text/html");
  return (inert.body.textContent ?? "").replace(/\s+/g, " ").trim();
}

function quoted(text) {
  return text ? curlyQuote(text, 140) : "(empty)";
}

/**
 * The fields each kind of entry is compared on: a label and how a value reads.
 * `keys` lists the stored fields a row stands for (a span is start and end together).
 */
function fieldsFor(entity, kindLabels) {
  const kind = (state) => kindLabels[state.kind] ?? state.kind;
  const decision = (state) => state.decision || "none";
  const note = (state) => quoted(plainText(state.note));
  const tagRef = (key) => (state) => (state[key] === null ? "none" : `tag ${state[key]}`);
  if (entity === "link") {
    return [
      { label: "relation", keys: ["relation"], read: (s) => s.relation },
      { label: "linked premise group", keys: ["group"], read: (s) => s.group || "none" },
      { label: "from", keys: ["source_id"], read: tagRef("source_id") },
      { label: "to", keys: ["target_id"], read: tagRef("target_id") },
      {
        label: "undercuts",
        keys: ["target_link_id"],
        read: (s) => (s.target_link_id === null ? "none" : `link ${s.target_link_id}`),
      },
      { label: "note", keys: ["note"], read: note },
    ];
  }
  if (entity === "review") {
    return [
      { label: "verdict", keys: ["verdict"], read: (s) => s.verdict },
      { label: "comment", keys: ["comment"], read: (s) => quoted(plainText(s.comment)) },
    ];
  }
  return [
    { label: "kind", keys: ["kind"], read: kind },
    {
      label: "span",
      keys: ["start", "end"],
      read: (s) => (s.start === null ? "no passage" : `characters ${s.start}–${s.end}`),
    },
    { label: "text", keys: ["quote"], read: (s) => quoted(s.quote) },
    { label: "note", keys: ["note"], read: note },
    { label: "status decision", keys: ["decision"], read: decision },
  ];
}

function differs(before, after, keys) {
  return keys.some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** What one entry changed, as [label, before or null, after] rows. */
export function changesOf(entry, kindLabels) {
  const fields = fieldsFor(entry.entity, kindLabels);
  const { before, after } = entry;
  if (!after) return []; // a delete: nothing but the deletion itself changed
  if (!before) {
    // Created: what it started as (empty fields left out).
    return fields
      .filter((f) => f.keys.some((key) => after[key] !== null && after[key] !== ""))
      .filter((f) => f.label !== "status decision" && f.label !== "span") // the text says it
      .map((f) => [f.label, null, f.read(after)]);
  }
  const rows = fields
    .filter((f) => differs(before, after, f.keys))
    .map((f) => [f.label, f.read(before), f.read(after)]);
  if (!before.deleted_at && after.deleted_at) rows.push(["deleted", null, "yes"]);
  return rows;
}

/** An ordered list of history entries, oldest first (the API's order). */
export function historyList(entries, kindLabels) {
  const ol = document.createElement("ol");
  ol.className = "history-list";
  for (const entry of entries) {
    const li = document.createElement("li");
    li.className = `history-entry a-${entry.action}`;
    li.dataset.action = entry.action;
    const head = document.createElement("p");
    head.className = "history-head";
    const who = document.createElement("strong");
    who.textContent = entry.actor ?? "a removed user";
    head.append(timeElement(entry.at), " · ", who, ` ${ACTIONS[entry.action] ?? entry.action}`);
    li.append(head);
    const rows = changesOf(entry, kindLabels);
    if (rows.length) {
      const ul = document.createElement("ul");
      ul.className = "history-changes";
      for (const [label, was, now] of rows) {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.className = "history-field";
        name.textContent = `${label}: `;
        item.append(name);
        if (was === null) {
          item.append(now);
        } else {
          const old = document.createElement("del");
          old.textContent = was;
          const fresh = document.createElement("ins");
          fresh.textContent = now;
          item.append(old, " → ", fresh);
        }
        ul.append(item);
      }
      li.append(ul);
    }
    if (entry.comment) {
      const comment = document.createElement("p");
      comment.className = "history-comment";
      comment.textContent = `Comment: ${entry.comment}`;
      li.append(comment);
    }
    ol.append(li);
  }
  return ol;
}

let counter = 0;

/**
 * A "History" button and the panel it opens; the entries load when it first opens (and again
 * on every later opening, so they are current). `load(url)` returns the entries or throws an
 * Error whose message a person can read (the API client's GET unless given).
 */
export function historyDisclosure({ url, load = get, kindLabels, name }) {
  counter += 1;
  const wrap = document.createElement("div");
  wrap.className = "history";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "small history-toggle";
  button.textContent = "History";
  button.setAttribute("aria-label", name);
  button.setAttribute("aria-expanded", "false");
  const panel = document.createElement("div");
  panel.className = "history-panel";
  panel.id = `history-${counter}`;
  panel.hidden = true;
  button.setAttribute("aria-controls", panel.id);
  wrap.append(button, panel);

  async function open() {
    button.setAttribute("aria-expanded", "true");
    panel.hidden = false;
    const wait = document.createElement("p");
    wait.className = "muted";
    wait.textContent = "Loading the history…";
    panel.replaceChildren(wait);
    let entries;
    try {
      entries = await load(url);
    } catch (error) {
      wait.className = "error";
      wait.textContent = `The history could not be loaded. ${error.message}`;
      return;
    }
    if (panel.hidden) return;
    if (entries.length === 0) {
      wait.textContent = "No changes recorded.";
      return;
    }
    panel.replaceChildren(historyList(entries, kindLabels));
  }

  button.addEventListener("click", () => {
    if (panel.hidden) open();
    else close();
  });

  function close() {
    button.setAttribute("aria-expanded", "false");
    panel.hidden = true;
  }

  wrap.closeHistory = () => {
    close();
    button.focus();
  };
  return wrap;
}

/** Close the open history panel around `element`, if any; true if one was closed. */
export function closeHistoryAround(element) {
  const wrap = element?.closest?.(".history");
  if (!wrap || wrap.querySelector(".history-panel").hidden) return false;
  wrap.closeHistory();
  return true;
}
