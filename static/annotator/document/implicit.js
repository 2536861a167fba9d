// Implicit statements: a premise or conclusion the author left unstated, added from the side
// panel as a tag with no passage.

import { create } from "../api.js";
import { focusTag, list, renderCounts, renderList } from "./panel.js";
import { config, kinds, state, urls } from "./state.js";
import { toast } from "./toasts.js";

const implicitOpen = document.getElementById("implicit-open");
const implicitForm = document.getElementById("implicit-form");

function closeImplicitForm() {
  implicitForm.hidden = true;
  implicitOpen.setAttribute("aria-expanded", "false");
  implicitForm.reset();
}

async function addStatement(event) {
  event.preventDefault();
  const body = {
    document: config.documentId,
    kind: implicitForm.elements.kind.value,
    quote: implicitForm.elements.quote.value,
  };
  try {
    const tag = await create(urls.tags, body);
    state.tags.set(tag.id, tag);
    closeImplicitForm();
    renderList();
    renderCounts();
    toast(`Implicit ${kinds.label(tag.kind).toLowerCase()} added.`);
    focusTag(tag.id);
    list.querySelector(`button[data-tag="${tag.id}"]`)?.focus();
  } catch (error) {
    toast(`The statement was not added. ${error.message}`, { kind: "error" });
  }
}

/** Wire the form (it is there only for those who may contribute). */
export function initImplicit() {
  if (!implicitOpen) return;
  implicitOpen.addEventListener("click", () => {
    const opening = implicitForm.hidden;
    implicitForm.hidden = !opening;
    implicitOpen.setAttribute("aria-expanded", String(opening));
    if (opening) implicitForm.querySelector("textarea").focus();
  });
  document.getElementById("implicit-cancel").addEventListener("click", () => {
    closeImplicitForm();
    implicitOpen.focus();
  });
  implicitForm.addEventListener("submit", addStatement);
}
