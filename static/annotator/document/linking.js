// Linking two tags: "Link from this tag" (or "Undercut this link") starts link mode, the
// person picks the other tag in the text or the side panel, then says how in the link dialog:
// supports or attacks (alone or as a linked premise with another link), or undercuts.

import { create, update } from "../api.js";
import { closeDetails, showDetails } from "./details.js";
import { describeLink, keepLink, quoteOf } from "./links.js";
import { focusTag } from "./panel.js";
import { showChangedMeanwhile } from "./stale.js";
import { kinds, linkRef, state, urls } from "./state.js";
import { toast } from "./toasts.js";

const banner = document.getElementById("link-banner");
const bannerText = document.getElementById("link-banner-text");
export const linkDialog = document.getElementById("link-dialog");
const linkForm = document.getElementById("link-form");

export function startLinking(linking) {
  state.linking = linking;
  closeDetails();
  if (linking.targetLink !== undefined) {
    const attacked = state.links.get(linking.targetLink);
    bannerText.textContent = `Pick the tag that undercuts the link ${describeLink(attacked)} (Esc cancels)`;
  } else {
    bannerText.textContent = "Pick the tag this one supports or attacks (Esc cancels)";
  }
  banner.hidden = false;
  document.body.classList.add("linking");
  bannerText.focus();
}

function endLinking() {
  state.linking = null;
  banner.hidden = true;
  document.body.classList.remove("linking");
}

/** Whether link mode or the link dialog is open. */
export function isLinking() {
  return !linkDialog.hidden || state.linking !== null;
}

export function cancelLinking() {
  const source = state.linking?.source;
  linkDialog.hidden = true;
  endLinking();
  toast("Linking cancelled.", { timeout: 3000 });
  if (source !== undefined && state.tags.has(source)) {
    focusTag(source);
    showDetails([source]);
  }
}

/** The tags `ids` were picked (at one place in the text, or in the panel) as the other end. */
export function pickForLink(ids) {
  const linking = state.linking;
  if (linking.targetLink !== undefined) {
    const attacked = state.links.get(linking.targetLink);
    const candidates = ids.filter((id) => id !== attacked?.source);
    if (!attacked || candidates.length === 0) {
      toast("A tag cannot undercut a link it starts; pick another tag.", { kind: "warning" });
      return;
    }
    openUndercutForm(attacked, candidates);
    return;
  }
  const candidates = ids.filter((id) => id !== linking.source);
  if (candidates.length === 0) {
    toast("A tag cannot support or attack itself; pick another tag.", { kind: "warning" });
    return;
  }
  openLinkForm(linking.source, candidates);
}

function optionFor(tagId) {
  const tag = state.tags.get(tagId);
  return new Option(`${kinds.label(tag.kind)} ${quoteOf(tagId)}`, String(tagId));
}

function showLinkDialog(title) {
  document.getElementById("link-dialog-title").textContent = title;
  banner.hidden = true;
  linkDialog.hidden = false;
  linkForm.querySelector("select, input, textarea")?.focus();
}

function openLinkForm(sourceId, candidates) {
  linkForm.innerHTML = `
    <p class="link-from"></p>
    <label for="link-target">To</label>
    <select id="link-target" name="target"></select>
    <fieldset class="relation">
      <legend>This tag</legend>
      <label><input type="radio" name="relation" value="supports" checked> supports</label>
      <label><input type="radio" name="relation" value="attacks"> attacks</label>
      <span class="muted">the target</span>
    </fieldset>
    <label for="link-group">Linked premise (optional)</label>
    <select id="link-group" name="group"></select>
    <label for="link-note">Note (optional)</label>
    <textarea id="link-note" name="note" rows="2"></textarea>
    <div class="row">
      <button type="submit" class="primary">Save link</button>
      <button type="button" data-action="cancel">Cancel</button>
    </div>`;
  linkForm.querySelector(".link-from").textContent = `From ${quoteOf(sourceId)}`;
  const target = linkForm.querySelector("#link-target");
  for (const id of candidates) target.append(optionFor(id));
  const group = linkForm.querySelector("#link-group");
  const radios = [...linkForm.querySelectorAll('input[name="relation"]')];

  function fillGroups() {
    const targetId = Number(target.value);
    const others = [...state.links.values()].filter(
      (l) => l.target === targetId && l.source !== sourceId,
    );
    group.replaceChildren(new Option("no: an argument of its own", ""));
    for (const other of others) {
      group.append(
        new Option(
          `together with ${quoteOf(other.source)} (which ${other.relation} it)`,
          String(other.id),
        ),
      );
    }
    group.disabled = others.length === 0;
    syncRelation();
  }
  function syncRelation() {
    const other = state.links.get(Number(group.value));
    for (const radio of radios) {
      if (other) radio.checked = radio.value === other.relation;
      radio.disabled = Boolean(other);
    }
  }
  target.addEventListener("change", fillGroups);
  group.addEventListener("change", syncRelation);
  fillGroups();

  linkForm.onsubmit = async (event) => {
    event.preventDefault();
    const partner = state.links.get(Number(group.value));
    const relation = partner
      ? partner.relation
      : linkForm.querySelector('input[name="relation"]:checked').value;
    const body = {
      source: sourceId,
      target: Number(target.value),
      relation,
      note: linkForm.querySelector("#link-note").value,
    };
    await saveLink(body, partner);
  };
  linkForm.querySelector('[data-action="cancel"]').addEventListener("click", cancelLinking);
  showLinkDialog("Link two tags");
}

function openUndercutForm(attacked, candidates) {
  linkForm.innerHTML = `
    <label for="link-source">Tag that undercuts</label>
    <select id="link-source" name="source"></select>
    <p class="link-what"></p>
    <label for="link-note">Note (optional)</label>
    <textarea id="link-note" name="note" rows="2"></textarea>
    <div class="row">
      <button type="submit" class="primary">Save undercut</button>
      <button type="button" data-action="cancel">Cancel</button>
    </div>`;
  const source = linkForm.querySelector("#link-source");
  for (const id of candidates) source.append(optionFor(id));
  linkForm.querySelector(".link-what").textContent =
    `It undercuts the link ${describeLink(attacked)}: it says that inference does not hold.`;
  linkForm.onsubmit = async (event) => {
    event.preventDefault();
    await saveLink({
      source: Number(source.value),
      target_link: attacked.id,
      relation: "undercuts",
      note: linkForm.querySelector("#link-note").value,
    });
  };
  linkForm.querySelector('[data-action="cancel"]').addEventListener("click", cancelLinking);
  showLinkDialog("Undercut a link");
}

/** Save a link; joining ``partner`` makes both premises of one linked argument. */
async function saveLink(body, partner = null) {
  const buttons = linkForm.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  try {
    if (partner) {
      let name = partner.group;
      if (!name) {
        name = `arg-${partner.id}`;
        keepLink(await update(linkRef(partner), { group: name }));
      }
      body.group = name;
    }
    const link = await create(urls.links, body);
    keepLink(link);
    linkDialog.hidden = true;
    endLinking();
    toast(`Link saved: ${describeLink(link)}.`);
    focusTag(link.source);
    showDetails([link.source]);
  } catch (error) {
    if (error.status === 412) {
      await showChangedMeanwhile(error, { entity: "link", what: "the new link" });
    } else {
      toast(`The link was not saved. ${error.message}`, { kind: "error" });
    }
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

export function initLinking() {
  document.getElementById("link-banner-cancel").addEventListener("click", cancelLinking);
  document.getElementById("link-dialog-close").addEventListener("click", cancelLinking);
}
