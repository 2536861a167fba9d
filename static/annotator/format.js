// Pure text and time formatting shared by the pages (no DOM): shortening quotes, reading order
// and dates in the reader's locale.

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function shorten(text, max = 90) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A quote in curly quotes, shortened to `max` characters. */
export function curlyQuote(text, max = 90) {
  return `“${shorten(text, max)}”`;
}

/**
 * Reading order of tags: passages by paragraph (`order`: paragraph id -> position) and offset,
 * then implicit statements (no paragraph) by id.
 */
export function readingOrder(a, b, order) {
  const pa = a.paragraph === null ? Infinity : order.get(a.paragraph);
  const pb = b.paragraph === null ? Infinity : order.get(b.paragraph);
  if (pa !== pb) return pa - pb;
  return (a.start ?? 0) - (b.start ?? 0) || (a.end ?? 0) - (b.end ?? 0) || a.id - b.id;
}

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** An ISO timestamp in the reader's locale (the text itself if it is not a date). */
export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_FORMAT.format(date);
}

/** A <time> element for an ISO timestamp, in the reader's locale. */
export function timeElement(iso) {
  const time = document.createElement("time");
  time.dateTime = iso;
  time.textContent = formatTime(iso);
  return time;
}
