// The import page: choose one or several files, give each a title (and, for a map, its source
// text and brat's type mappings), then each file goes to the import endpoint in turn through
// the API client, with a line and a progress bar saying where it is, and its result after it:
// a link to the new document with the import's report, the problems in plain words, or, when
// the project already holds that document, a question and an "Import anyway" button.
// Without this script the form posts one file to the page itself.

import { ApiError, errorLines, upload } from "./api.js";
import {
  extensionOf,
  formatOf,
  guessFormat,
  planImports,
  reportLines,
  stateText,
} from "./importing/plan.js";

const config = JSON.parse(document.getElementById("import-config").textContent);
const $ = (id) => document.getElementById(id);
const form = $("import-form");
const fileInput = form.elements.file;
const fileList = $("import-files");
const submit = $("import-submit");
const progress = $("import-progress");
const results = $("import-results");
const resultsTitle = $("import-results-title");
const announcer = $("import-announce");

let chosen = []; // the File objects, in the order chosen
let plan = { imports: [], texts: [] };
let planned = 0; // numbers each choice, so a slower earlier one cannot overwrite a later one
let busy = false;
let queue = Promise.resolve(); // one upload at a time, batches and "Import anyway" alike

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && !key.includes("-")) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function announce(text) {
  announcer.textContent = text;
}

function enqueue(task) {
  queue = queue.then(task, task);
  return queue;
}

// --- Choosing files ------------------------------------------------------------------------

function field(id, label, control, help = null) {
  if (help) control.setAttribute("aria-describedby", `${id}-help`);
  return el(
    "div",
    { className: "field" },
    el("label", { htmlFor: id }, label),
    control,
    help && el("p", { className: "help muted", id: `${id}-help` }, help),
  );
}

function formatSelect(id, current) {
  const select = el("select", { id });
  if (current === null) select.append(el("option", { value: "" }, "Choose the format"));
  for (const f of config.formats) {
    select.append(el("option", { value: f.name, selected: f.name === current }, f.label));
  }
  return select;
}

function textSelect(id, item) {
  const select = el("select", { id });
  select.append(el("option", { value: "" }, "None (an OVA file may carry its own)"));
  for (const index of plan.texts) {
    const option = { value: String(index), selected: index === item.text };
    select.append(el("option", option, chosen[index].name));
  }
  return select;
}

/** One fieldset per file to import; the map fields show for the formats that take them. */
function itemFields(item, n) {
  const id = (what) => `import-${n}-${what}`;
  const format = formatSelect(id("format"), item.format);
  const title = el("input", { type: "text", id: id("title"), value: item.title, maxLength: 500 });
  const text = textSelect(id("text"), item);
  const mapping = el("input", { type: "text", id: id("mapping") });
  const relations = el("input", { type: "text", id: id("relations") });
  const textField = field(id("text"), "Source text", text, "The plain text the map annotates.");
  const mapFields = [
    field(id("mapping"), "Entity types (brat)", mapping, `As ${config.mappingExample}.`),
    field(
      id("relations"),
      "Relation types (brat)",
      relations,
      `Left empty: ${config.relationMappingDefault}.`,
    ),
  ];
  const fieldset = el(
    "fieldset",
    { className: "import-item", dataset: { file: item.name } },
    el("legend", {}, item.name),
    field(id("format"), "Format", format),
    field(id("title"), "Title", title),
    textField,
    ...mapFields,
  );
  const showFormatFields = () => {
    const described = formatOf(format.value, config);
    textField.hidden = !described?.sourceText;
    for (const f of mapFields) f.hidden = !described?.mapping;
    title.placeholder = format.value === "json" ? "The file's own title" : "";
  };
  format.addEventListener("change", showFormatFields);
  showFormatFields();
  // What the upload reads when the form is sent.
  item.read = () => ({
    format: format.value,
    title: title.value.trim(),
    text: text.value === "" ? null : chosen[Number(text.value)],
    mapping: mapping.value.trim(),
    relations: relations.value.trim(),
  });
  return fieldset;
}

function showPlan() {
  fileList.replaceChildren(...plan.imports.map(itemFields));
  fileList.hidden = plan.imports.length === 0;
  const n = plan.imports.length;
  submit.textContent = n > 1 ? `Import ${n} files` : "Import";
}

async function choose() {
  const mine = ++planned;
  const files = [...fileInput.files];
  const heads = await Promise.all(
    files.map((f) =>
      extensionOf(f.name) === ".json" ? f.slice(0, config.sniffChars).text() : Promise.resolve(""),
    ),
  );
  if (mine !== planned) return;
  chosen = files;
  plan = planImports(
    files.map((f, i) => ({ name: f.name, format: guessFormat(f.name, heads[i], config) })),
    config,
  );
  showPlan();
}

// --- Sending them --------------------------------------------------------------------------

function entryFor(name) {
  const state = el("span", { className: "import-state" }, stateText("waiting"));
  const bar = el("progress", { max: 100, value: 0, "aria-label": `${name}: progress` });
  const outcome = el("div", { className: "import-outcome" });
  const head = el(
    "p",
    { className: "import-entry-head", tabIndex: -1 },
    el("span", { className: "import-name" }, name),
    " ",
    state,
  );
  const entry = el(
    "li",
    { className: "import-entry", dataset: { file: name, state: "waiting" } },
    head,
    bar,
    outcome,
  );
  return { entry, head, state, bar, outcome };
}

function setState(line, state, fraction = null) {
  line.entry.dataset.state = state;
  line.state.textContent = stateText(state, fraction);
  line.bar.hidden = state === "failed" || state === "duplicate";
  if (state === "importing" || (state === "uploading" && fraction === null)) {
    line.bar.removeAttribute("value"); // indeterminate: the server is at work
  } else if (state === "done") {
    line.bar.value = 100;
  } else if (state === "uploading") {
    line.bar.value = Math.round(fraction * 100);
  }
}

function formData(job, allowDuplicate) {
  const data = new FormData();
  const described = formatOf(job.format, config);
  if (job.format) data.append("format", job.format);
  data.append("file", job.file);
  if (job.title) data.append("title", job.title);
  if (described?.sourceText && job.text) data.append("text_file", job.text);
  if (described?.mapping) {
    if (job.mapping) data.append("mapping", job.mapping);
    if (job.relations) data.append("relation_mapping", job.relations);
  }
  if (allowDuplicate) data.append("allow_duplicate", "true");
  return data;
}

function showDone(line, job, answer) {
  const [counts, ...notes] = reportLines(answer.report);
  line.outcome.replaceChildren(
    el(
      "p",
      {},
      el("a", { href: answer.url }, `Open “${answer.title}”`),
      ` (document ${answer.document}): ${counts}`,
    ),
  );
  if (notes.length) {
    line.outcome.append(
      el("ul", { className: "import-notices" }, ...notes.map((n) => el("li", {}, n))),
    );
  }
  announce(`${job.file.name}: imported as “${answer.title}”.`);
}

function showDuplicate(line, job, error) {
  const existing = error.body.existing;
  const again = el("button", { type: "button", className: "primary" }, "Import anyway");
  again.addEventListener("click", () => {
    again.disabled = true;
    line.head.focus();
    enqueue(() => send(job, line, true));
  });
  line.outcome.replaceChildren(
    el("p", {}, `${error.message} `, el("a", { href: existing.url }, `Open “${existing.title}”`)),
    el("p", { className: "import-question" }, "Import it as another document all the same? ", again),
  );
  announce(`${job.file.name}: ${error.message} Import it anyway?`);
}

function showFailure(line, job, error) {
  const lines = error instanceof ApiError ? errorLines(error.status, error.body) : [String(error)];
  line.outcome.replaceChildren(
    el("p", { className: "error" }, "Not imported; nothing was created:"),
    el("ul", { className: "error import-errors" }, ...lines.map((l) => el("li", {}, l))),
  );
  announce(`${job.file.name}: not imported. ${lines.join(" ")}`);
}

/** Send one file; answer its outcome: "done", "duplicate" or "failed". */
async function send(job, line, allowDuplicate = false) {
  setState(line, "uploading", 0);
  line.outcome.replaceChildren();
  try {
    const answer = await upload(config.api.import, formData(job, allowDuplicate), {
      onProgress: (fraction) => setState(line, "uploading", fraction),
      onSent: () => setState(line, "importing"),
    });
    setState(line, "done");
    showDone(line, job, answer);
    return "done";
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.body?.existing) {
      setState(line, "duplicate");
      showDuplicate(line, job, error);
      return "duplicate";
    }
    setState(line, "failed");
    showFailure(line, job, error);
    return "failed";
  }
}

function summary(outcomes) {
  const count = (what) => outcomes.filter((o) => o === what).length;
  const parts = [`${count("done")} imported`];
  if (count("duplicate")) parts.push(`${count("duplicate")} already in this project`);
  if (count("failed")) parts.push(`${count("failed")} not imported`);
  return `Finished: ${parts.join(", ")}.`;
}

async function importAll(jobs) {
  const choice = planned;
  busy = true;
  submit.disabled = true;
  const lines = jobs.map((job) => entryFor(job.file.name));
  results.replaceChildren(...lines.map((l) => l.entry));
  progress.hidden = false;
  resultsTitle.focus();
  announce(jobs.length > 1 ? `Importing ${jobs.length} files, one after another.` : "Importing.");
  const outcomes = [];
  for (const [i, job] of jobs.entries()) {
    outcomes.push(await enqueue(() => send(job, lines[i])));
  }
  // Ready for the next files (unless some were chosen meanwhile); the results stay.
  if (planned === choice) {
    form.reset();
    chosen = [];
    plan = { imports: [], texts: [] };
    showPlan();
  }
  busy = false;
  submit.disabled = false;
  if (jobs.length > 1) announce(summary(outcomes));
}

// --- Wiring --------------------------------------------------------------------------------

fileInput.multiple = true;
const fileLabel = document.querySelector(`label[for="${fileInput.id}"]`);
if (fileLabel) fileLabel.textContent = "Files (one or several)";
// The single-file form's own fields give way to one set of fields per file.
const single = $("single-file-fields");
single.hidden = true;
for (const control of single.querySelectorAll("input, select, textarea")) control.disabled = true;

fileInput.addEventListener("change", () => {
  choose();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (busy) return;
  if (!plan.imports.length) {
    fileInput.focus();
    announce("Choose a file to import first.");
    return;
  }
  const jobs = plan.imports.map((item) => ({ file: chosen[item.file], ...item.read() }));
  importAll(jobs);
});
