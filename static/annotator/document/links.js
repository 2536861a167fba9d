// The links of the document: loading them, describing them in words, listing a tag's links
// (outgoing, incoming and the undercuts of each) in its details card, and deleting a link
// (with Undo).

import { getAll, remove, restore } from "../api.js";
import { curlyQuote } from "../format.js";
import { historyDisclosure } from "../history.js";
import { refreshDeleted } from "./deleted.js";
import { details, detailsBody, showDetails } from "./details.js";
import { startLinking } from "./linking.js";
import { focusTag } from "./panel.js";
import { showChangedMeanwhile, SINCE_DELETED } from "./stale.js";
import { canChange, config, kinds, linkRef, state, urls } from "./state.js";
import { toast } from "./toasts.js";

const INCOMING = { supports: "supported by", attacks: "attacked by", undercuts: "undercut by" };

/** A tag's quote, shortened, in curly quotes (or what to say when it is not on the page). */
export function quoteOf(tagId) {
  const tag = state.tags.get(tagId);
  return tag ? curlyQuote(tag.quote, 70) : "(a tag you cannot see here)";
}

/** Describe what a link bears on: a tag's quote, or the link it undercuts. */
function describeTarget(link, depth = 0) {
  if (link.target !== null) return quoteOf(link.target);
  const attacked = state.links.get(link.target_link);
  if (!attacked || depth > 3) return "a link";
  return `the link ${quoteOf(attacked.source)} ${attacked.relation} ${describeTarget(attacked, depth + 1)}`;
}

export function describeLink(link) {
  return `${quoteOf(link.source)} ${link.relation} ${describeTarget(link)}`;
}

/** The History disclosure of a link. */
export function linkHistory(linkId, name) {
  return historyDisclosure({ url: `${urls.links}${linkId}/history/`, kindLabels: kinds.labels, name });
}

function linksOf(tagId) {
  const all = [...state.links.values()].sort((a, b) => a.id - b.id);
  return {
    outgoing: all.filter((l) => l.source === tagId),
    incoming: all.filter((l) => l.target === tagId),
    undercutsOf: (linkId) => all.filter((l) => l.target_link === linkId),
  };
}

function goToTagButton(tagId, text) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button quote-link";
  button.textContent = text;
  button.addEventListener("click", () => {
    if (!state.tags.has(tagId)) return;
    focusTag(tagId);
    showDetails([tagId]);
  });
  return button;
}

function linkItem(link, label, otherTag, otherText, undercutsOf, depth = 0) {
  const li = document.createElement("li");
  li.className = `link-item r-${link.relation}`;
  li.dataset.link = link.id;
  const text = document.createElement("span");
  text.className = "link-label";
  text.textContent = `${label}: `;
  li.append(text, otherTag === null ? otherText : goToTagButton(otherTag, otherText));
  if (link.group) {
    const group = document.createElement("span");
    group.className = "muted";
    group.textContent = " (a linked premise)";
    li.append(group);
  }
  const by = document.createElement("span");
  by.className = "author";
  by.textContent = ` · ${link.author}`;
  li.append(by);
  const buttons = document.createElement("span");
  buttons.className = "link-actions";
  if (config.canContribute) {
    const undercut = document.createElement("button");
    undercut.type = "button";
    undercut.className = "small";
    undercut.textContent = "Undercut this link";
    undercut.addEventListener("click", () => startLinking({ targetLink: link.id }));
    buttons.append(undercut);
  }
  if (canChange(link)) {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small danger";
    remove.textContent = "Delete link";
    remove.addEventListener("click", () => deleteLink(link));
    buttons.append(remove);
  }
  li.append(buttons);
  li.append(linkHistory(link.id, `History of the link: ${label}`));
  const undercuts = depth < 3 ? undercutsOf(link.id) : [];
  if (undercuts.length) {
    const nested = document.createElement("ul");
    for (const u of undercuts) {
      nested.append(linkItem(u, "undercut by", u.source, quoteOf(u.source), undercutsOf, depth + 1));
    }
    li.append(nested);
  }
  return li;
}

/** Fill a card's Links section with the links of `tag`. */
export function renderCardLinks(section, tag) {
  const heading = document.createElement("h3");
  heading.textContent = "Links";
  if (!state.linksLoaded) {
    const wait = document.createElement("p");
    wait.className = "muted";
    wait.textContent = "Loading links…";
    section.replaceChildren(heading, wait);
    return;
  }
  const { outgoing, incoming, undercutsOf } = linksOf(tag.id);
  if (outgoing.length === 0 && incoming.length === 0) {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = "No links yet.";
    section.replaceChildren(heading, none);
    return;
  }
  const ul = document.createElement("ul");
  ul.className = "link-list";
  for (const link of outgoing) {
    const other = link.target;
    ul.append(linkItem(link, link.relation, other, describeTarget(link), undercutsOf));
  }
  for (const link of incoming) {
    ul.append(
      linkItem(link, INCOMING[link.relation], link.source, quoteOf(link.source), undercutsOf),
    );
  }
  section.replaceChildren(heading, ul);
}

/** Redraw the link lists of the open details (after links change), keeping focus nearby. */
export function refreshCardLinks() {
  if (details.hidden) return;
  for (const card of detailsBody.querySelectorAll(".tag-card")) {
    const tag = state.tags.get(Number(card.dataset.tag));
    const section = card.querySelector(".card-links");
    if (tag && section) renderCardLinks(section, tag);
  }
}

/** Load the document's links (again) and redraw the open details with them. */
export async function loadLinks() {
  try {
    const rows = await getAll(`${urls.links}?document=${config.documentId}&page_size=1000`);
    state.links = new Map(rows.map((l) => [l.id, l]));
    state.linksLoaded = true;
  } catch (error) {
    toast(`The links could not be loaded. ${error.message}`, { kind: "error" });
    return;
  }
  refreshCardLinks();
  document.body.dataset.linksReady = "true";
}

/** Forget a deleted link and the undercuts the server deleted with it (and theirs). */
export function dropLink(id) {
  const gone = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const l of state.links.values()) {
      if (l.target_link !== null && gone.has(l.target_link) && !gone.has(l.id)) {
        gone.add(l.id);
        grew = true;
      }
    }
  }
  for (const linkId of gone) state.links.delete(linkId);
}

/** Keep the API's answer for a link the page wrote. */
export function keepLink(link) {
  state.links.set(link.id, link);
}

async function deleteLink(link) {
  let deleted;
  try {
    deleted = await remove(linkRef(link));
  } catch (error) {
    if (error.status === 412) await showChangedMeanwhile(error, { entity: "link", what: "your delete" });
    else toast(`The link was not deleted. ${error.message}`, { kind: "error" });
    return;
  }
  dropLink(link.id);
  refreshCardLinks();
  refreshDeleted();
  toast(`Link deleted: ${describeLink(link)}.`, {
    action: { label: "Undo", run: () => restoreLink({ ...link, version: deleted.version }) },
    timeout: 15000,
  });
}

async function restoreLink(link) {
  try {
    await restore(linkRef(link));
  } catch (error) {
    if (error.status === 412) {
      await showChangedMeanwhile(error, { entity: "link", what: "the restore", since: SINCE_DELETED });
      refreshDeleted();
    } else {
      toast(`The link could not be restored. ${error.message}`, { kind: "error" });
    }
    return;
  }
  await loadLinks(); // its undercuts came back with it
  refreshDeleted();
  toast("Link restored.");
}
