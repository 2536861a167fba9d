// What each curation action writes: a list of tag decisions for one disagreement, as the API
// takes them (POST /api/tags/{id}/decision/ with the version the page holds). Pure, so that the
// rules are tested without a browser.

/**
 * Every tag of a disagreement, from `tags` (the response's id -> tag): a span's tags, or the
 * tags of both passages a link unit joins.
 */
export function tagsOf(item, tags) {
  const ids =
    item.type === "span"
      ? Object.values(item.annotators).flatMap((entry) => entry.tags)
      : [...item.source_cluster.tags, ...item.target_cluster.tags];
  return [...new Set(ids)].map((id) => tags[id]).filter(Boolean);
}

/** The longest tag, then the first: the one that stands for an annotator's version. */
function main(tags) {
  return [...tags].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.id - b.id)[0];
}

/** The tags kept when `name`'s version is picked, or null when they have none to keep. */
export function keptTags(item, name, tags) {
  if (item.type === "span") {
    const entry = item.annotators[name];
    if (!entry || entry.tags.length === 0) return null;
    return [tags[entry.tag] ?? main(entry.tags.map((id) => tags[id]))];
  }
  const own = (cluster) => cluster.tags.map((id) => tags[id]).filter((t) => t?.annotator === name);
  const source = own(item.source_cluster);
  const target = own(item.target_cluster);
  if (source.length === 0 || target.length === 0) return null;
  const link = item.annotators[name]?.links?.[0];
  if (link && tags[link.source] && tags[link.target]) return [tags[link.source], tags[link.target]];
  return [main(source), main(target)];
}

function writes(pairs) {
  return pairs
    .filter(([tag, status]) => (tag.decision || "pending") !== status)
    .map(([tag, status, comment]) => ({ id: tag.id, version: tag.version, status, comment }));
}

/** Keep `name`'s version: their tag(s) accepted, every other tag of the unit rejected. */
export function planPick(item, name, tags) {
  const kept = keptTags(item, name, tags);
  if (!kept) return null;
  const keptIds = new Set(kept.map((t) => t.id));
  const reason = `Curation: ${name}'s version kept (tag ${kept.map((t) => t.id).join(" and ")}).`;
  return writes(
    tagsOf(item, tags).map((tag) => (keptIds.has(tag.id) ? [tag, "accepted", reason] : [tag, "rejected", reason])),
  );
}

/**
 * Keep a merged boundary of a span disagreement: "union" widens the longest tag to every
 * version's extent, "core" narrows the shortest annotator's version to the stretch everyone's
 * versions share. The kept tag's span is changed first (an edit, recorded in its history), then
 * it is accepted and every other tag rejected. Null when there is nothing to merge (links, or
 * no shared stretch).
 */
export function planMerge(item, mode, tags) {
  if (item.type !== "span") return null;
  const versions = Object.values(item.annotators)
    .filter((entry) => entry.tag !== null)
    .map((entry) => tags[entry.tag])
    .filter(Boolean);
  if (versions.length === 0) return null;
  let kept;
  let start;
  let end;
  if (mode === "union") {
    kept = main(tagsOf(item, tags));
    [start, end] = [item.start, item.end];
  } else {
    kept = [...versions].sort((a, b) => a.end - a.start - (b.end - b.start) || a.start - b.start)[0];
    start = Math.max(...versions.map((t) => t.start));
    end = Math.min(...versions.map((t) => t.end));
    if (start >= end) return null;
  }
  const reason = `Curation: merged boundary (${mode === "union" ? "every version's extent" : "the shared core"}) kept on tag ${kept.id}.`;
  const steps = [];
  if (kept.start !== start || kept.end !== end) steps.push({ id: kept.id, version: kept.version, edit: { start, end } });
  return [
    ...steps,
    ...writes(tagsOf(item, tags).map((tag) => [tag, tag.id === kept.id ? "accepted" : "rejected", reason])),
  ];
}

/** Reject every version of a span disagreement (links have no such action: null). */
export function planRejectAll(item, tags) {
  if (item.type !== "span") return null;
  return writes(tagsOf(item, tags).map((tag) => [tag, "rejected", "Curation: every version rejected."]));
}

/** Withdraw every decision on the unit's tags, so it is open again. */
export function planReset(item, tags) {
  return writes(tagsOf(item, tags).map((tag) => [tag, "pending", "Curation: decision withdrawn."]));
}

/** The index of the next (step 1) or previous (step -1) item from `from`, optionally open only. */
export function step(items, from, direction, openOnly = false) {
  for (let i = from + direction; i >= 0 && i < items.length; i += direction) {
    if (!openOnly || !items[i].settled) return i;
  }
  return from;
}

/** "3 disagreements left", "1 disagreement left". */
export function counterText(items) {
  const left = items.filter((item) => !item.settled).length;
  return `${left} disagreement${left === 1 ? "" : "s"} left`;
}
