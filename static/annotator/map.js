// The map page: pan and zoom the server-drawn SVG by rewriting its viewBox (mouse drag, wheel,
// one- or two-finger touch, the +/−/Fit buttons, arrow keys and + − 0), keep the statement that
// has keyboard focus in view, and centre on ?tag=<id>. Without this script the map scrolls.
// Others' changes to the document are counted, not drawn under the reader: "3 changes: redraw"
// is a button that loads the map again.

import { splitType } from "./live.js";
import { startLive } from "./live-bar.js";
import { keepScroll } from "./scroll.js";

const viewport = document.getElementById("map-viewport");
const svg = viewport.querySelector("svg.argmap");
const controls = document.querySelector(".map-controls");
const focusNote = document.getElementById("map-focus-note");

const [, , WIDTH, HEIGHT] = svg.getAttribute("viewBox").split(/[\s,]+/).map(Number);
const MIN_SCALE = 0.02;
const MAX_SCALE = 4;
const READABLE = 1; // the scale at which a focused statement is shown
const STEP = 1.25; // one zoom step

// scale: screen pixels per map unit; x, y: the map point at the viewport's top-left corner.
const view = { x: 0, y: 0, scale: 1 };

function size() {
  return { w: viewport.clientWidth || 1, h: viewport.clientHeight || 1 };
}

function clampScale(scale) {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

function apply() {
  const { w, h } = size();
  // Keep some of the map in view whatever the pan.
  const margin = 40 / view.scale;
  view.x = Math.min(WIDTH - margin, Math.max(margin - w / view.scale, view.x));
  view.y = Math.min(HEIGHT - margin, Math.max(margin - h / view.scale, view.y));
  svg.setAttribute("viewBox", `${view.x} ${view.y} ${w / view.scale} ${h / view.scale}`);
  viewport.dataset.scale = view.scale.toFixed(3);
}

function fitScale() {
  const { w, h } = size();
  return clampScale(Math.min(w / WIDTH, h / HEIGHT));
}

function fit() {
  const { w } = size();
  view.scale = Math.min(fitScale(), 1.25);
  view.x = (WIDTH - w / view.scale) / 2;
  view.y = 0; // top-aligned: conclusions first
  apply();
}

/** Zoom by `factor` keeping the map point under viewport pixel (px, py) where it is. */
function zoomAt(factor, px, py) {
  const mx = view.x + px / view.scale;
  const my = view.y + py / view.scale;
  view.scale = clampScale(view.scale * factor);
  view.x = mx - px / view.scale;
  view.y = my - py / view.scale;
  apply();
}

function zoomCentre(factor) {
  const { w, h } = size();
  zoomAt(factor, w / 2, h / 2);
}

function panBy(dx, dy) {
  view.x += dx / view.scale;
  view.y += dy / view.scale;
  apply();
}

function centreOn(node, scale = view.scale) {
  const box = node.getBBox();
  const { w, h } = size();
  view.scale = clampScale(scale);
  view.x = box.x + box.width / 2 - w / (2 * view.scale);
  view.y = box.y + box.height / 2 - h / (2 * view.scale);
  apply();
}

function inView(node) {
  const box = node.getBBox();
  const { w, h } = size();
  return (
    box.x >= view.x &&
    box.y >= view.y &&
    box.x + box.width <= view.x + w / view.scale &&
    box.y + box.height <= view.y + h / view.scale
  );
}

// --- Mouse, touch and pen ---------------------------------------------------------------------

const pointers = new Map(); // pointerId -> {x, y}
let drag = null; // {x, y, moved}
let pinch = null; // {distance}
let suppressClick = false;

function local(event) {
  const rect = viewport.getBoundingClientRect();
  return { x: event.clientX - rect.left, y: event.clientY - rect.top };
}

viewport.addEventListener("pointerdown", (event) => {
  if (event.pointerType === "mouse" && event.button !== 0) return;
  pointers.set(event.pointerId, local(event));
  if (pointers.size === 1) {
    drag = { ...local(event), moved: false };
  } else if (pointers.size === 2) {
    const [a, b] = [...pointers.values()];
    pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1 };
    drag = null;
  }
});

viewport.addEventListener("pointermove", (event) => {
  if (!pointers.has(event.pointerId)) return;
  const point = local(event);
  pointers.set(event.pointerId, point);
  if (pinch && pointers.size === 2) {
    const [a, b] = [...pointers.values()];
    const distance = Math.hypot(a.x - b.x, a.y - b.y) || 1;
    zoomAt(distance / pinch.distance, (a.x + b.x) / 2, (a.y + b.y) / 2);
    pinch.distance = distance;
    suppressClick = true;
    return;
  }
  if (!drag) return;
  const dx = point.x - drag.x;
  const dy = point.y - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  if (!drag.moved) {
    drag.moved = true;
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add("dragging");
  }
  panBy(-dx, -dy);
  drag.x = point.x;
  drag.y = point.y;
});

function endPointer(event) {
  pointers.delete(event.pointerId);
  if (drag?.moved) suppressClick = true;
  if (pointers.size < 2) pinch = null;
  if (pointers.size === 0) drag = null;
  viewport.classList.remove("dragging");
}
viewport.addEventListener("pointerup", endPointer);
viewport.addEventListener("pointercancel", endPointer);

// A drag that ends over a statement must not follow its link.
viewport.addEventListener(
  "click",
  (event) => {
    if (suppressClick) {
      event.preventDefault();
      event.stopPropagation();
      suppressClick = false;
    }
  },
  true,
);

viewport.addEventListener(
  "wheel",
  (event) => {
    event.preventDefault();
    const { x, y } = local(event);
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomAt(Math.exp(-delta * 0.0015), x, y);
  },
  { passive: false },
);

// --- Buttons and keys --------------------------------------------------------------------------

controls.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-zoom]");
  if (!button) return;
  if (button.dataset.zoom === "in") zoomCentre(STEP);
  else if (button.dataset.zoom === "out") zoomCentre(1 / STEP);
  else fit();
});

viewport.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const { w, h } = size();
  const step = event.shiftKey ? 0.4 : 0.1;
  const moves = {
    ArrowLeft: [-w * step, 0],
    ArrowRight: [w * step, 0],
    ArrowUp: [0, -h * step],
    ArrowDown: [0, h * step],
  };
  if (moves[event.key]) {
    panBy(...moves[event.key]);
  } else if (event.key === "+" || event.key === "=") {
    zoomCentre(STEP);
  } else if (event.key === "-" || event.key === "_") {
    zoomCentre(1 / STEP);
  } else if (event.key === "0") {
    fit();
  } else {
    return;
  }
  event.preventDefault();
});

// Tab moves through the statements (each is a link); bring the focused one into view.
viewport.addEventListener("focusin", (event) => {
  const node = event.target.closest?.("a")?.querySelector(".node");
  if (node && !inView(node)) centreOn(node, Math.max(view.scale, READABLE * 0.6));
});

// --- Centring on a tag --------------------------------------------------------------------------

function focusTag(id, { announce = true } = {}) {
  for (const old of svg.querySelectorAll(".node.focused")) old.classList.remove("focused");
  const node = document.getElementById(`node-${id}`);
  if (!node || !svg.contains(node)) {
    focusNote.textContent =
      "That tag is not in this view of the map (it may be filtered out or deleted).";
    focusNote.hidden = false;
    return false;
  }
  node.classList.add("focused");
  // A map readable whole stays as it is; otherwise zoom to a readable size around the node.
  if (!inView(node) || view.scale < READABLE * 0.8) {
    centreOn(node, Math.max(view.scale, READABLE));
  }
  node.closest("a")?.focus({ preventScroll: true });
  if (announce) {
    focusNote.textContent = `Centred on ${node.getAttribute("aria-label")}`;
    focusNote.hidden = false;
  }
  return true;
}

for (const link of document.querySelectorAll("[data-focus-tag]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const id = link.dataset.focusTag;
    if (focusTag(id)) {
      const url = new URL(window.location.href);
      url.searchParams.set("tag", id);
      history.replaceState(null, "", url);
      viewport.scrollIntoView({ block: "nearest" });
    }
  });
}

// --- Start --------------------------------------------------------------------------------------

svg.setAttribute("width", "100%");
svg.setAttribute("height", "100%");
svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
viewport.classList.add("panning");
controls.hidden = false;
// A wide, flat map gets a lower viewport instead of a tall empty box (but keeps room to zoom).
const fitted = HEIGHT * Math.min(fitScale(), 1.25);
if (fitted + 32 < size().h) {
  viewport.style.height = `${Math.round(Math.max(fitted + 32, size().h * 0.6))}px`;
}
fit();
if (viewport.dataset.focus) focusTag(viewport.dataset.focus);

// --- Others' changes ----------------------------------------------------------------------------

const redraw = document.getElementById("map-redraw");
const filters = new URL(window.location.href).searchParams;
let changes = 0;

/** Whether a change can alter this view of the map (its author filter, its status filter). */
function affectsView(change) {
  const { entity } = splitType(change.type);
  if (entity === "review") return filters.has("status"); // reviews move statuses
  if (entity !== "tag" && entity !== "link") return false;
  const author = filters.get("author");
  return !author || entity !== "tag" || change.data?.author === author;
}

redraw.addEventListener("click", () => window.location.reload());
startLive({
  keep: (change) => keepScroll(change, { groups: ["#map-viewport"] }),
  onChange(change) {
    if (!affectsView(change)) return;
    changes += 1;
    keepScroll(
      () => {
        redraw.textContent = `${changes} ${changes === 1 ? "change" : "changes"}: redraw`;
        redraw.hidden = false;
      },
      { groups: ["#map-viewport"] },
    );
    if (changes === 1) {
      document.getElementById("live-cue").textContent =
        `${change.actor} changed this document; the button “${redraw.textContent}” draws the map again.`;
    }
  },
});

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(apply, 100);
});
document.body.dataset.ready = "true";
