// The dialog after a 412 on a tag edit: the other person's current version beside the
// person's own edit (kind, passage, note), and three ways on: keep mine (saved with If-Match of
// the current version), take theirs, or merge the notes by hand. Nothing is saved until the
// person chooses; the rules of what each choice sends are in ../conflict.js.

import { compareEdits, keepMineBody, mergeBody, mergedNote } from "../conflict.js";
import { curlyQuote } from "../format.js";
import { kinds } from "./state.js";

let ids = 0;

function shown(row, side) {
  const value = row[side];
  if (row.name === "kind") return document.createTextNode(kinds.label(value.kind));
  if (row.name === "passage") return document.createTextNode(curlyQuote(value.quote ?? "", 160));
  // Both notes as their text, exactly as the note field holds it (never as markup).
  const note = document.createElement("span");
  note.className = "conflict-note";
  if (value.note) {
    note.textContent = value.note;
  } else {
    note.classList.add("muted");
    note.textContent = "(no note)";
  }
  return note;
}

function rowOf(row, theirName) {
  const tr = document.createElement("tr");
  tr.dataset.field = row.name;
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = row.label;
  tr.append(th);
  if (!row.differs) {
    // The same whichever is kept: shown once, saying whose change it is.
    const td = document.createElement("td");
    td.colSpan = 2;
    const why = document.createElement("span");
    why.className = "muted";
    why.textContent =
      row.changedByThem && !row.changedByMe
        ? ` — ${theirName}'s change, kept either way`
        : row.changedByMe
          ? " — the same change on both sides"
          : " — unchanged";
    td.append(shown(row, "theirs"), why);
    tr.append(td);
    return tr;
  }
  tr.classList.add("differs");
  const badge = document.createElement("span");
  badge.className = "conflict-badge";
  badge.textContent = row.clash ? "both changed" : "differs";
  th.append(" ", badge);
  for (const side of ["mine", "theirs"]) {
    const td = document.createElement("td");
    td.append(shown(row, side));
    tr.append(td);
  }
  return tr;
}

/** Close the conflict dialog of a card (if one is open). */
export function closeConflict(card) {
  card.querySelector(".conflict")?.remove();
}

/**
 * Open the conflict dialog in `card`, before `form`. `versions` is {base, mine, theirs};
 * `actor` who made the current version (null: unknown). `save(body, message)` writes a choice
 * with If-Match of `theirs`; `takeTheirs()` drops the person's edit.
 */
export function showConflict(card, form, versions, actor, { save, takeTheirs }) {
  closeConflict(card);
  card.querySelector(".card-notice")?.remove(); // the dialog says it all now
  const n = ++ids;
  const theirName = actor ?? "the other person";
  const section = document.createElement("section");
  section.className = "conflict";
  section.setAttribute("aria-labelledby", `conflict-title-${n}`);
  const title = document.createElement("h3");
  title.id = `conflict-title-${n}`;
  title.tabIndex = -1;
  title.textContent = actor
    ? `${actor} changed this tag while you were editing it`
    : "Someone else changed this tag while you were editing it";
  const intro = document.createElement("p");
  intro.className = "conflict-intro";
  intro.textContent =
    "Nothing was saved. Above is the tag as it is now; here is your edit beside it. Choose what to keep.";

  const table = document.createElement("table");
  table.className = "conflict-table";
  const caption = document.createElement("caption");
  caption.className = "visually-hidden";
  caption.textContent = `Your edit beside ${theirName}'s version`;
  const head = document.createElement("thead");
  const headRow = document.createElement("tr");
  for (const text of ["", "Your edit", actor ? `${actor}'s version (now)` : "Now"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement("tbody");
  const rows = compareEdits(versions);
  for (const row of rows) body.append(rowOf(row, theirName));
  table.append(caption, head, body);

  const buttons = document.createElement("div");
  buttons.className = "row conflict-actions";
  const keep = document.createElement("button");
  keep.type = "button";
  keep.className = "primary";
  keep.dataset.action = "keep-mine";
  keep.textContent = "Keep mine";
  const take = document.createElement("button");
  take.type = "button";
  take.dataset.action = "take-theirs";
  take.textContent = actor ? `Take ${actor}'s` : "Take theirs";
  buttons.append(keep, take);

  const noteRow = rows.find((row) => row.name === "note");
  const merge = document.createElement("div");
  merge.className = "conflict-merge";
  merge.hidden = true;
  if (noteRow.differs) {
    const open = document.createElement("button");
    open.type = "button";
    open.dataset.action = "merge";
    open.textContent = "Merge the notes…";
    open.setAttribute("aria-expanded", "false");
    buttons.append(open);
    const label = document.createElement("label");
    label.htmlFor = `conflict-merge-${n}`;
    label.textContent = `Merged note (yours first, then ${theirName}'s; edit it into one)`;
    const area = document.createElement("textarea");
    area.id = `conflict-merge-${n}`;
    area.rows = 5;
    area.value = mergedNote(
      versions.mine.note,
      versions.theirs.note,
      versions.base.note ?? "",
    );
    const saveMerged = document.createElement("button");
    saveMerged.type = "button";
    saveMerged.className = "primary";
    saveMerged.dataset.action = "save-merged";
    saveMerged.textContent = "Save merged note";
    merge.append(label, area, saveMerged);
    open.setAttribute("aria-controls", merge.id = `conflict-merge-box-${n}`);
    open.addEventListener("click", () => {
      merge.hidden = !merge.hidden;
      open.setAttribute("aria-expanded", String(!merge.hidden));
      if (!merge.hidden) area.focus();
    });
    saveMerged.addEventListener("click", () =>
      run(() => save(mergeBody(versions, area.value), "Merged note saved.")),
    );
  }

  const all = () => section.querySelectorAll("button, textarea");
  async function run(choice) {
    for (const control of all()) control.disabled = true;
    try {
      await choice();
    } finally {
      for (const control of all()) control.disabled = false;
    }
  }
  keep.addEventListener("click", () => run(() => save(keepMineBody(versions), "Your version saved.")));
  take.addEventListener("click", () => takeTheirs());

  section.append(title, intro, table, buttons, merge);
  form.before(section);
  title.focus();
  return section;
}
