// The kinds of tag as the page config lists them (`kinds: [{value, label, plural, symbol, key}]`):
// labels, keyboard letters and empty counts are all built from that list, never named here.

/** A registry of the configured kinds; `key` falls back to the value's first letter. */
export function kindRegistry(kinds) {
  const list = kinds.map((k) => ({
    ...k,
    key: (k.key || k.value.charAt(0)).toLowerCase(),
  }));
  const labels = Object.fromEntries(list.map((k) => [k.value, k.label]));
  const byKey = Object.fromEntries(list.map((k) => [k.key, k.value]));
  return {
    list,
    values: list.map((k) => k.value),
    labels,
    /** The label of a kind (the value itself for a kind the config does not know). */
    label: (value) => labels[value] ?? value,
    /** The kind a key stands for (case-insensitive), or undefined. */
    forKey: (key) => byKey[String(key).toLowerCase()],
    /** A count of zero for every kind. */
    emptyCounts: () => Object.fromEntries(list.map((k) => [k.value, 0])),
  };
}
