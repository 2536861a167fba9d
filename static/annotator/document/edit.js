// Changing a tag from its details card: its kind and note, or deleting it (with Undo). Every
// write names the version the page holds; a 412 shows the tag as it is now.

import { remove, restore, update } from "../api.js";
import { refreshDeleted } from "./deleted.js";
import { closeDetails, showDetails } from "./details.js";
import { repaintParagraph } from "./highlights.js";
import { loadLinks } from "./links.js";
import { showChangedMeanwhile, SINCE_DELETED } from "./stale.js";
import { kinds, state, tagRef } from "./state.js";
import { toast } from "./toasts.js";

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
  let loaded = tag; // the version the person is editing
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const body = { kind: select.value, note: form.querySelector("textarea").value };
      const updated = await update(tagRef(loaded), body);
      state.tags.set(updated.id, updated);
      repaintParagraph(updated.paragraph);
      showDetails([updated.id]);
      toast("Changes saved.");
    } catch (error) {
      if (error.status === 412) {
        const current = await showChangedMeanwhile(error, { entity: "tag", what: "your change" });
        if (current) {
          // Fields the person did not touch take the new version's values, so saving again
          // applies only their own edits.
          const note = form.querySelector("textarea");
          if (select.value === loaded.kind) select.value = current.kind;
          if (note.value === loaded.note) note.value = current.note;
          loaded = current;
        }
      } else {
        toast(`Your changes were not saved. ${error.message}`, { kind: "error" });
      }
    }
  });
  form
    .querySelector('[data-action="delete"]')
    .addEventListener("click", () => deleteTag(state.tags.get(tag.id) ?? loaded));
  return form;
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
