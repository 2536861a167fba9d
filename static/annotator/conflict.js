// Two people edited one tag: the rules for showing both versions and saving the person's choice
// after a 412 (no DOM; document/conflict.js draws the dialog).
//
// Three versions take part: `base`, the tag as the person loaded it; `mine`, their edit (the
// form's values on top of base); `theirs`, the tag as it is now. A field counts as the person's
// change only if they changed it from base; a field they left alone takes the current value,
// so keeping one's own edit never undoes someone else's change to another field. Nothing is
// decided here without the person: these functions only say what each choice would send.

/** The fields of a tag that an edit can change; a passage is its start, end and text together. */
export const FIELDS = [
  { name: "kind", label: "Kind", keys: ["kind"] },
  { name: "passage", label: "Passage", keys: ["start", "end", "quote"] },
  { name: "note", label: "Note", keys: ["note"] },
];

// The keys a write sends for each field (the server derives the quote from the span).
const SENT = { kind: ["kind"], passage: ["start", "end"], note: ["note"] };

function valueOf(tag, field) {
  return Object.fromEntries(field.keys.map((key) => [key, tag?.[key] ?? null]));
}

function same(a, b, field) {
  return field.keys.every((key) => (a?.[key] ?? null) === (b?.[key] ?? null));
}

/** The person's edit as a whole tag: the form's values over the version they loaded. */
export function editOf(base, values) {
  return { ...base, ...values };
}

/**
 * Compare the versions field by field: {name, label, base, mine, theirs, changedByMe,
 * changedByThem, differs, clash}. `mine` is what keeping one's own edit saves (the person's
 * value where they changed the field, the current value elsewhere); `differs` says whether that
 * is not what is stored now; `clash` whether both changed the field, differently.
 */
export function compareEdits({ base, mine, theirs }) {
  return FIELDS.map((field) => {
    const changedByMe = !same(mine, base, field);
    const changedByThem = !same(theirs, base, field);
    const kept = changedByMe ? mine : theirs;
    const differs = !same(kept, theirs, field);
    return {
      name: field.name,
      label: field.label,
      base: valueOf(base, field),
      mine: valueOf(kept, field),
      theirs: valueOf(theirs, field),
      changedByMe,
      changedByThem,
      differs,
      clash: changedByMe && changedByThem && differs,
    };
  });
}

/** The tag as "keep mine" would leave it. */
export function resolveMine(versions) {
  const resolved = { ...versions.theirs };
  for (const row of compareEdits(versions)) Object.assign(resolved, row.mine);
  return resolved;
}

/**
 * What "keep mine" sends (with If-Match of the current version): the person's value of every
 * field they changed that differs from what is stored now. Empty when both made the same edit.
 */
export function keepMineBody(versions) {
  const body = {};
  for (const row of compareEdits(versions)) {
    if (!row.differs) continue;
    for (const key of SENT[row.name]) body[key] = row.mine[key];
  }
  return body;
}

/**
 * The text a hand merge of two notes starts from: both notes, the person's first, a blank
 * line between; one of them alone when the other adds nothing (empty, unchanged from the
 * loaded version, the same, or contained in it).
 */
export function mergedNote(mine, theirs, base = "") {
  const a = mine ?? "";
  const b = theirs ?? "";
  if (a === b) return a;
  if (!a.trim() || a === base) return b;
  if (!b.trim() || b === base) return a;
  if (b.includes(a)) return b;
  if (a.includes(b)) return a;
  return `${a.trimEnd()}\n\n${b.trimStart()}`;
}

/** What saving a hand-merged note sends: "keep mine" for the other fields, and that note. */
export function mergeBody(versions, note) {
  const body = keepMineBody(versions);
  delete body.note;
  if (note !== (versions.theirs.note ?? "")) body.note = note;
  return body;
}
