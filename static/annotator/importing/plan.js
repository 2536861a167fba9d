// The import page's decisions about the chosen files, as plain functions (no DOM, no network):
// each file's likely format, which .txt goes with which map, the default titles, and an
// import's report in words. The formats, their extensions and the mark of our json export come
// from the page config, which the server makes from its import registry.

/** The file name's extension, lower case with its dot (".txt"), or "" when it has none. */
export function extensionOf(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

/** The file name without its extension ("oped" for "oped.txt"). */
export function stemOf(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * The format a file is most likely in, or null: by its extension and, for .json (our export
 * and AIF alike), by whether its start says it is our export. The server's guess_format does
 * the same for a form sent without the page's script.
 */
export function guessFormat(name, head, config) {
  const extension = extensionOf(name);
  if (extension === ".json") {
    const mark = new RegExp(config.jsonExportMark);
    return mark.test(head.slice(0, config.sniffChars)) ? "json" : "aif";
  }
  return config.formats.find((f) => f.extensions.includes(extension))?.name ?? null;
}

/** The config's description of a format ({name, label, sourceText, mapping}), or null. */
export function formatOf(name, config) {
  return config.formats.find((f) => f.name === name) ?? null;
}

/**
 * Turn the chosen files ([{name, format}], format as guessed) into imports, in the order
 * chosen: [{file, name, format, title, text}], where `file` and `text` index the files.
 *
 * A plain text with the same name as a map (essay.ann and essay.txt, map.json and map.txt) is
 * that map's source text, not a document of its own. A map without such a partner takes the
 * one plain text chosen besides, if there is exactly one, and none otherwise. `texts` lists
 * every plain text chosen: any of them can be picked as a map's source text.
 */
export function planImports(files, config) {
  const takesText = (format) => formatOf(format, config)?.sourceText ?? false;
  const texts = files.flatMap((f, i) => (f.format === "text" ? [i] : []));
  const partner = new Map(); // map index -> text index
  const used = new Set();
  files.forEach((f, i) => {
    if (!takesText(f.format)) return;
    const mate = texts.find((t) => !used.has(t) && stemOf(files[t].name) === stemOf(f.name));
    if (mate !== undefined) {
      partner.set(i, mate);
      used.add(mate);
    }
  });
  const loose = texts.filter((t) => !used.has(t));
  const imports = [];
  files.forEach((f, i) => {
    if (used.has(i)) return;
    let text = null;
    if (takesText(f.format)) text = partner.get(i) ?? (loose.length === 1 ? loose[0] : null);
    imports.push({
      file: i,
      name: f.name,
      format: f.format,
      // A json export carries its title; the server keeps it when none is sent.
      title: f.format === "json" ? "" : stemOf(f.name),
      text,
    });
  });
  return { imports, texts };
}

/** The line that says where one file's import is: "uploading… 40%", "importing…", "done". */
export function stateText(state, fraction = null) {
  if (state === "uploading") {
    return fraction === null ? "uploading…" : `uploading… ${Math.round(fraction * 100)}%`;
  }
  const words = {
    waiting: "waiting",
    importing: "importing…",
    done: "done",
    duplicate: "already in this project",
    failed: "failed",
  };
  return words[state] ?? state;
}

/**
 * An import's report (the API's `report`) in sentences: what was created, then each thing
 * skipped or adjusted, then the people added as annotators.
 */
export function reportLines(report) {
  let counts =
    `${report.paragraphs} paragraphs, ${report.tags} tags (${report.implicit} implicit), ` +
    `${report.links} links`;
  if (report.reviews) counts += `, ${report.reviews} reviews`;
  const lines = [`${counts}.`];
  for (const [heading, notices] of [
    ["Skipped", report.skipped ?? []],
    ["Adjusted", report.adjusted ?? []],
  ]) {
    for (const notice of notices) {
      const more = notice.count > notice.ids.length ? ", ..." : "";
      lines.push(
        `${heading} ${notice.count} ${notice.what} (${notice.ids.join(", ")}${more}): ${notice.why}.`,
      );
    }
  }
  if (report.members_added?.length) {
    lines.push(`Added as annotators: ${report.members_added.join(", ")}.`);
  }
  return lines;
}
