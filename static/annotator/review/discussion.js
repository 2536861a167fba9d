// A tag's discussion on the review page: its reviews and its decisions (and merges) in one
// list, oldest first.

import { timeElement } from "../format.js";

/** The entries of a discussion (GET /api/tags/<id>/discussion/) as list items, and how many. */
export function discussionEntries(body) {
  const entries = [
    ...body.reviews.map((r) => ({ at: r.created_at, kind: "review", item: r })),
    ...body.decisions.map((d) => ({ at: d.at, kind: "decision", item: d })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const frag = document.createDocumentFragment();
  for (const { kind, item } of entries) {
    const li = document.createElement("li");
    li.className = `discussion-entry ${kind}`;
    const head = document.createElement("p");
    head.className = "discussion-head";
    const who = document.createElement("strong");
    if (kind === "review") {
      who.textContent = item.reviewer;
      head.append(who, ` ${item.verdict === "agree" ? "agrees" : "disagrees"} · `);
      head.append(timeElement(item.created_at));
    } else {
      who.textContent = item.actor ?? "someone";
      const what =
        item.action === "merge"
          ? ` merged tags (${item.status})`
          : item.status === "pending"
            ? " withdrew the decision"
            : ` ${item.status} the tag`;
      head.append(who, `${what} · `, timeElement(item.at));
    }
    li.append(head);
    if (item.comment) {
      const comment = document.createElement("div");
      comment.className = "discussion-comment";
      // Review comments are sanitised by the server (bleach); decision comments are plain.
      if (kind === "review") comment.innerHTML = item.comment;
      else comment.textContent = item.comment;
      li.append(comment);
    }
    frag.append(li);
  }
  return { frag, count: entries.length };
}
