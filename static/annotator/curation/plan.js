// What each curation action writes: a list of tag decisions for one disagreement, as the API
// takes them (POST /api/tags/{id}/decision/ with the version the page holds). Pure, so that the
// rules are tested without a browser.

/** Every tag of a disagreement: a span's tags, or the tags at both ends of a link unit. */
export function tagsOf(item) {
  const seen = new Map();
  if (item.type === "span") {
    for (const entry of Object.values(item.annotators)) {
      for (const tag of entry.tags) seen.set(tag.id, tag);
    }
  } else {
    for (const ends of Object.values(item.end_tags)) {
      for (const tag of [...ends.source, ...ends.target]) seen.set(tag.id, tag);
    }
  }
  return [...seen.values()];
}

/** The longest tag, then the first: the one that stands for an annotator's version. */
function main(tags) {
  return [...tags].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.id - b.id)[0];
}

/** The tags kept when `name`'s version is picked, or null when they have none to keep. */
export function keptTags(item, name) {
  if (item.type === "span") {
    const entry = item.annotators[name];
    if (!entry || entry.tags.length === 0) return null;
    return [entry.tags.find((t) => t.id === entry.tag) ?? main(entry.tags)];
  }
  const ends = item.end_tags[name];
  if (!ends || ends.source.length === 0 || ends.target.length === 0) return null;
  const link = item.annotators[name]?.links?.[0];
  const byId = new Map([...ends.source, ...ends.target].map((t) => [t.id, t]));
  if (link && byId.has(link.source) && byId.has(link.target)) {
    return [byId.get(link.source), byId.get(link.target)];
  }
  return [main(ends.source), main(ends.target)];
}

function writes(pairs) {
  return pairs
    .filter(([tag, status]) => (tag.decision || "pending") !== status)
    .map(([tag, status, comment]) => ({ id: tag.id, version: tag.version, status, comment }));
}

/** Keep `name`'s version: their tag(s) accepted, every other tag of the unit rejected. */
export function planPick(item, name) {
  const kept = keptTags(item, name);
  if (!kept) return null;
  const keptIds = new Set(kept.map((t) => t.id));
  const reason = `Curation: ${name}'s version kept (tag ${kept.map((t) => t.id).join(" and ")}).`;
  return writes(
    tagsOf(item).map((tag) => (keptIds.has(tag.id) ? [tag, "accepted", reason] : [tag, "rejected", reason])),
  );
}

/** Reject every version of a span disagreement (links have no such action: null). */
export function planRejectAll(item) {
  if (item.type !== "span") return null;
  return writes(tagsOf(item).map((tag) => [tag, "rejected", "Curation: every version rejected."]));
}

/** Withdraw every decision on the unit's tags, so it is open again. */
export function planReset(item) {
  return writes(tagsOf(item).map((tag) => [tag, "pending", "Curation: decision withdrawn."]));
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
