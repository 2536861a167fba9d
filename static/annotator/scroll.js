// Changing the page under a reader without moving what they are reading: note where an anchor
// near the top of the view is, make the change, then scroll by however far the anchor moved.
// Browsers with scroll anchoring do some of this already; measuring after the change makes the
// result the same either way (and right where anchoring gives up, such as replaced nodes).

/** Whether an element is laid out (not hidden) and reaches into the view below its top. */
function below(el, top) {
  const rect = el.getBoundingClientRect();
  return rect.height > 0 && rect.bottom > top;
}

/**
 * The first of `elements` (in document order, laid out top to bottom) whose bottom is below
 * `top` (px from the top of the scrolling box): a binary search, for pages with thousands.
 */
function firstBelow(elements, top) {
  let lo = 0;
  let hi = elements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (below(elements[mid], top)) hi = mid;
    else lo = mid + 1;
  }
  // Skip hidden ones (no height) after the search point.
  for (let i = lo; i < elements.length; i++) {
    if (elements[i].getBoundingClientRect().height > 0) return elements[i];
  }
  return null;
}

/**
 * Where the reader is in a scrolling box: `box` null for the window. `groups` are selectors
 * tried in turn (the text first, then the side panel's list). Answers a function that, after
 * the change, scrolls the box back so the anchor sits where it was.
 */
function anchorIn(box, groups, refind) {
  const top = box ? box.getBoundingClientRect().top : 0;
  for (const selector of groups) {
    const within = box ?? document;
    const elements = [...within.querySelectorAll(selector)];
    const anchor = firstBelow(elements, top);
    if (!anchor) continue;
    const before = anchor.getBoundingClientRect().top;
    const key = refind.keyOf(anchor);
    return () => {
      const now = anchor.isConnected ? anchor : refind.find(key);
      if (!now) return;
      const delta = now.getBoundingClientRect().top - before;
      if (Math.abs(delta) < 0.5) return;
      if (box) box.scrollTop += delta;
      else window.scrollBy({ top: delta, left: 0, behavior: "instant" });
    };
  }
  return () => {};
}

// Anchors are found again after a redraw by id, or by data-tag inside an element with an id.
const byIdOrTag = {
  keyOf(el) {
    if (el.id) return { id: el.id };
    return { tag: el.dataset.tag, within: el.parentElement?.closest("[id]")?.id };
  },
  find(key) {
    if (key.id) return document.getElementById(key.id);
    if (!key.within || key.tag === undefined) return null;
    return document.getElementById(key.within)?.querySelector(`[data-tag="${CSS.escape(key.tag)}"]`);
  },
};

/**
 * Run `change` keeping the reader's place: in the window (anchored on `groups`, tried in turn)
 * and in each box of `boxes` that scrolls on its own (anchored on `boxGroups`). Answers what
 * `change` answers.
 */
export function keepScroll(change, { groups = [], boxes = [], boxGroups = [] } = {}) {
  const restore = [anchorIn(null, groups, byIdOrTag)];
  for (const box of boxes) {
    if (box && box.scrollTop > 0 && box.scrollHeight > box.clientHeight) {
      restore.push(anchorIn(box, boxGroups, byIdOrTag));
    }
  }
  const result = change();
  for (const back of restore) back();
  return result;
}
