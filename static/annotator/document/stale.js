// The one way the document page answers a 412 (a StaleError from the API client): keep the
// item as it is now (the client read it once), repaint with it, and say in plain words that
// someone changed it meanwhile, so nothing was saved.

import { StaleError } from "../api.js";
import { repaintParagraph } from "./highlights.js";
import { loadLinks } from "./links.js";
import { kinds, state } from "./state.js";
import { toast } from "./toasts.js";

/** Where a stale restore came from: the deleted list (shown again as it is) or an Undo. */
export const SINCE_LISTED = "since the list was loaded";
export const SINCE_DELETED = "since you deleted it";
const LISTED_TAIL =
  " The list now shows it as it is: look again, then restore it if you still want it back.";

function nowText(entity, current) {
  if (!current) return " It may have been deleted.";
  if (entity !== "tag") return " It is there as it is now.";
  return (
    ` It is now a ${kinds.label(current.kind).toLowerCase()} by ${current.author}` +
    (current.note ? " with a changed note." : ".")
  );
}

/**
 * Show a stale write: `entity` "tag" or "link"; `what` the write ("your change", "your
 * delete", "the restore"); `since` when the page loaded the version it sent. A restore that someone else already made is good news; any other
 * stale write is an error. Answers the item as it is now (null when gone).
 */
export async function showChangedMeanwhile(error, { entity, what, since = "while you had it open" }) {
  if (!(error instanceof StaleError)) throw error;
  const current = error.current;
  if (current && entity === "tag") {
    state.tags.set(current.id, current);
    repaintParagraph(current.paragraph);
  }
  if (entity === "link" || (current && what === "the restore")) await loadLinks();
  if (what === "the restore") {
    if (current) {
      const noun = entity === "tag" ? kinds.label(current.kind).toLowerCase() : entity;
      toast(`Someone else restored this ${noun} meanwhile; it is back.`, { kind: "warning" });
    } else {
      toast(
        `Someone else changed this ${entity} ${since} (it may have been restored and deleted ` +
          `again), so it was not restored.${since === SINCE_LISTED ? LISTED_TAIL : ""}`,
        { kind: "error" },
      );
    }
    return current;
  }
  const tail =
    entity === "tag"
      ? " Your edits are still in the form: look at the new version, then save again to apply them."
      : "";
  toast(
    `Someone else changed this ${entity} ${since}, so ${what} was not saved.` +
      `${nowText(entity, current)}${tail}`,
    { kind: "error" },
  );
  return current;
}
