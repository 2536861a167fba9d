// Changing a tag from its details card: its kind and note, or deleting it (with Undo). Every
// write names the version the page holds. A 412 on an edit opens the conflict dialog (the
// current version beside the person's edit); a 412 on a delete or restore shows the tag as it
// is now.

import { get, remove, restore, update } from "../api.js";
import { editOf } from "../conflict.js";
import { closeConflict, showConflict } from "./conflict.js";
import { refreshDeleted } from "./deleted.js";
import { closeDetails, showDetails, updateCard } from "./details.js";
import { repaintParagraph } from "./highlights.js";
import { loadLinks } from "./links.js";
import { showChangedMeanwhile, SINCE_DELETED } from "./stale.js";
import { kinds, state, tagRef, urls } from "./state.js";
import { toast } from "./toasts.js";

// form -> {loaded: the version the person is editing, conflict: whether its dialog is open}
const edits = new WeakMap();

function fields(form) {
  return { select: form.querySelector("select"), note: form.querySelector("textarea") };
}

function valuesOf(form) {
  const { select, note } = fields(form);
  return { kind: select.value, note: note.value };
}

function fill(form, tag) {
  const { select, note } = fields(form);
  select.value = tag.kind;
  note.value = tag.note;
}

/** Whether the person has changed the form from the version they loaded. */
function isDirty(form) {
  const { loaded } = edits.get(form);
  const { kind, note } = valuesOf(form);
  return kind !== loaded.kind || note !== loaded.note;
}

function setEditable(form, editable) {
  for (const control of form.querySelectorAll("select, textarea, button[type=submit]")) {
    control.disabled = !editable;
  }
}

export function editForm(tag) {
  const form = document.createElement("form");
  form.className = "edit-form";
  const kindId = `edit-kind-${tag.id}`;
  const noteId = `edit-note-${tag.id}`;
  form.innerHTML = `
    <label for="${kindId}">Kind</label>
    <select id="${kindId}" name="kind"></select>
    <label for="${noteId}">Note</label>
    <textarea id="${noteId}" name="note" rows="2"></textarea>
    <div class="row">
      <button type="submit" class="primary">Save changes</button>
      <button type="button" class="danger" data-action="delete">Delete tag</button>
    </div>`;
  const select = form.querySelector("select");
  for (const k of kinds.list) select.append(new Option(k.label, k.value, false, k.value === tag.kind));
  form.querySelector("textarea").value = tag.note;
  edits.set(form, { loaded: tag, conflict: false });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveEdit(form);
  });
  form
    .querySelector('[data-action="delete"]')
    .addEventListener("click", () => deleteTag(state.tags.get(tag.id) ?? edits.get(form).loaded));
  return form;
}

/**
 * Someone else changed the tag of an open edit form: a form the person has not touched takes
 * the new version (answers "updated"); an edit in progress is kept, and saving it will show
 * both versions ("kept"); an open conflict dialog is drawn again against the new version.
 */
export function syncEditForm(form, current) {
  const edit = edits.get(form);
  if (!edit) return "none";
  if (edit.conflict) {
    openConflict(form, edit.conflict.base, edit.conflict.values, current);
    return "kept";
  }
  if (isDirty(form)) return "kept";
  fill(form, current);
  edit.loaded = current;
  return "updated";
}

/** Keep a saved tag and show it. */
function saved(tag, message) {
  state.tags.set(tag.id, tag);
  repaintParagraph(tag.paragraph);
  showDetails([tag.id]);
  toast(message);
}

async function saveEdit(form) {
  const edit = edits.get(form);
  const values = valuesOf(form);
  try {
    saved(await update(tagRef(edit.loaded), values), "Changes saved.");
  } catch (error) {
    if (error.status === 412) await conflicted(form, edit.loaded, values, error);
    else toast(`Your changes were not saved. ${error.message}`, { kind: "error" });
  }
}

/** Who made the current version of a tag: as the live updates said, else its history. */
async function whoChanged(tag) {
  const seen = state.changedBy.get(tag.id);
  if (seen && seen.version === tag.version) return seen.actor;
  try {
    const entries = await get(`${urls.tags}${tag.id}/history/`);
    return entries.at(-1)?.actor ?? null;
  } catch {
    return null;
  }
}

/** A 412 on an edit: show the tag as it is now, and the conflict dialog beside the edit. */
async function conflicted(form, base, values, error) {
  const current = error.current;
  if (!current) {
    // Gone (deleted meanwhile): nothing to compare with; say so.
    await showChangedMeanwhile(error, { entity: "tag", what: "your change" });
    return;
  }
  state.tags.set(current.id, current);
  repaintParagraph(current.paragraph);
  updateCard(current);
  const actor = await whoChanged(current);
  if (actor) state.changedBy.set(current.id, { actor, version: current.version });
  openConflict(form, base, values, current);
}

function openConflict(form, base, values, current) {
  const edit = edits.get(form);
  const card = form.closest(".tag-card");
  if (!card) return;
  const seen = state.changedBy.get(current.id);
  const actor = seen && seen.version === current.version ? seen.actor : null;
  edit.conflict = { base, values };
  setEditable(form, false);
  const versions = { base, mine: editOf(base, values), theirs: current };
  showConflict(card, form, versions, actor, {
    async save(body, message) {
      if (Object.keys(body).length === 0) {
        settle(form, card, current);
        toast("Your edit is already the current version; nothing more to save.");
        return;
      }
      try {
        const tag = await update(tagRef(current), body);
        edit.conflict = null;
        saved(tag, message);
      } catch (error) {
        if (error.status === 412) await conflicted(form, base, values, error);
        else toast(`Your changes were not saved. ${error.message}`, { kind: "error" });
      }
    },
    takeTheirs() {
      settle(form, card, current);
      toast(actor ? `Kept ${actor}'s version; your edit was dropped.` : "Kept the current version; your edit was dropped.");
      form.querySelector("select").focus();
    },
  });
}

/** End a conflict on the current version: the form shows it and edits it from now on. */
function settle(form, card, current) {
  const edit = edits.get(form);
  edit.conflict = null;
  edit.loaded = current;
  fill(form, current);
  closeConflict(card);
  setEditable(form, true);
}

async function deleteTag(tag) {
  let deleted;
  try {
    deleted = await remove(tagRef(tag));
  } catch (error) {
    if (error.status === 412) await showChangedMeanwhile(error, { entity: "tag", what: "your delete" });
    else toast(`The tag was not deleted. ${error.message}`, { kind: "error" });
    return;
  }
  state.tags.delete(tag.id);
  closeDetails();
  repaintParagraph(tag.paragraph);
  loadLinks(); // deleting a tag deleted its links
  refreshDeleted();
  toast(`${kinds.label(tag.kind)} deleted.`, {
    action: { label: "Undo", run: () => restoreTag({ ...tag, version: deleted.version }) },
    timeout: 15000,
  });
}

async function restoreTag(tag) {
  try {
    const restored = await restore(tagRef(tag));
    state.tags.set(restored.id, restored);
    repaintParagraph(restored.paragraph);
    loadLinks(); // and its links came back with it
    refreshDeleted();
    toast(`${kinds.label(restored.kind)} restored.`);
  } catch (error) {
    if (error.status === 412) {
      await showChangedMeanwhile(error, { entity: "tag", what: "the restore", since: SINCE_DELETED });
      refreshDeleted();
    } else {
      toast(`The tag could not be restored. ${error.message}`, { kind: "error" });
    }
  }
}
