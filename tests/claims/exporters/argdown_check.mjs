// Parse Argdown files with the official parser (@argdown/core) and print, as a JSON list with
// one entry per file, what it understood: errors, statements (text and tags), arguments with
// their premise-conclusion structures, and relations.
// Usage: node tests/claims/argdown_check.mjs FILE...
import { readFileSync } from "node:fs";
import { ArgdownApplication, ModelPlugin, ParserPlugin } from "@argdown/core";

const app = new ArgdownApplication();
app.addPlugin(new ParserPlugin(), "parse-input");
app.addPlugin(new ModelPlugin(), "build-model");

// A relation end: a statement (equivalence class), an argument, or an argument's inference.
const end = (member) => {
  if (!member) return null;
  if (member.type === "inference") return { type: "inference", title: member.argumentTitle };
  const type = member.type === "equivalence-class" ? "statement" : member.type;
  return { type, title: member.title };
};

const check = (file) => {
  const response = app.run({
    input: readFileSync(file, "utf8"),
    process: ["parse-input", "build-model"],
    logLevel: "error",
    throwExceptions: false,
  });
  const statements = {};
  for (const [title, ec] of Object.entries(response.statements || {})) {
    const defined = ec.members.find((s) => s.text) || ec.members[0];
    statements[title] = { text: (defined && defined.text) || "", tags: ec.tags || [] };
  }
  const argumentsFound = {};
  for (const [title, argument] of Object.entries(response.arguments || {})) {
    argumentsFound[title] = {
      pcs: (argument.pcs || []).map((s) => ({ title: s.title, role: s.role })),
    };
  }
  return {
    file,
    lexerErrors: (response.lexerErrors || []).map((e) => e.message),
    parserErrors: (response.parserErrors || []).map((e) => e.message),
    exceptions: (response.exceptions || []).map((e) => String(e)),
    statements,
    arguments: argumentsFound,
    relations: (response.relations || []).map((r) => ({
      from: end(r.from),
      to: end(r.to),
      type: r.relationType,
    })),
  };
};

process.stdout.write(JSON.stringify(process.argv.slice(2).map(check)));
