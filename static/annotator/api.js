// The one API client of the pages: nothing else in static/ calls fetch or XMLHttpRequest. It
// sends the CSRF token from <meta name="csrf-token">, JSON bodies, and If-Match on every write
// to an item that exists (edit, delete, restore, a decision), naming the version the page
// holds, so a write never silently overwrites someone else's change. Errors come back as an
// ApiError whose message is one plain sentence; a 412 comes back as a StaleError carrying the
// item as it is now (read once, null when it is gone), which each page shows in one way. File
// uploads go through XMLHttpRequest, the one way to hear how far an upload has got. Whoever
// watches the writes (the live updates) is told the entity, id and version each one produced,
// so events the page caused itself are not painted twice.

/** An answer other than 2xx, or no answer: `message` is a sentence a person can act on. */
export class ApiError extends Error {
  constructor(message, status = 0, body = null) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0: the server could not be reached
    this.body = body;
  }
}

/** 412: someone changed the item since this page loaded it; `current` is it as it is now. */
export class StaleError extends ApiError {
  constructor(message, { body = null, current = null } = {}) {
    super(message, 412, body);
    this.name = "StaleError";
    this.current = current; // the item now, or null when it is gone (deleted) or unreadable
    this.currentVersion = current?.version ?? body?.current_version ?? null;
  }
}

const NOT_REACHED_READ = "Could not reach the server. Check the connection and try again.";
const NOT_REACHED_WRITE =
  "Could not reach the server, so nothing was saved. Check the connection and try again.";

/** The sentence for a request that got no answer at all (offline, DNS, a dropped connection). */
export function describeNetworkFailure(method = "GET") {
  return method === "GET" ? NOT_REACHED_READ : NOT_REACHED_WRITE;
}

function fieldErrorLines(body) {
  return Object.entries(body).map(([field, messages]) => {
    const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
    return field === "non_field_errors" ? text : `${field}: ${text}`;
  });
}

function fieldErrors(body) {
  return fieldErrorLines(body).join(" ");
}

/** Turn an API error answer (its status and JSON body, or null) into one plain sentence. */
export function describeError(status, body) {
  const json = body !== null && typeof body === "object" && !Array.isArray(body) ? body : null;
  const detail = typeof json?.detail === "string" && json.detail ? json.detail : null;
  if (status === 0) return NOT_REACHED_WRITE;
  if (status === 401) return "You are signed out; sign in again and reload the page.";
  if (status === 403) return `Not allowed: ${detail ?? "you may not do this."}`;
  if (status === 404) return "That no longer exists (it may have been deleted by someone else).";
  if (status === 412) {
    return detail ?? "Someone else changed this since you loaded it; reload it and try again.";
  }
  if (status === 413) return detail ?? "This is too large for the server to accept.";
  if (status === 429) {
    return "The server has had too many requests from you just now; wait a moment and try again.";
  }
  if (status >= 500) {
    return `The server ran into a problem (error ${status}), so this did not work. Try again later.`;
  }
  if (detail) return detail;
  if (json && Object.keys(json).length) return fieldErrors(json);
  if (status === 409) return "This clashes with the current state of the data; reload and try again.";
  return `The server answered ${status}.`;
}

/**
 * The same as describeError, a line per problem: a 400 naming several fields or places (an
 * imported file's "node 12", "line 3") gets one line for each.
 */
export function errorLines(status, body) {
  const json = body !== null && typeof body === "object" && !Array.isArray(body) ? body : null;
  if (status === 400 && json && typeof json.detail !== "string" && Object.keys(json).length) {
    return fieldErrorLines(json);
  }
  return [describeError(status, body)];
}

/** The ETag of one version of an item, as the server writes it: "tag-12-v3". */
export function etag(entity, id, version) {
  return `"${entity}-${id}-v${version}"`;
}

/** The item an ETag header names, as {entity, id, version}, or null. */
export function parseEtag(header) {
  const match = /^(?:W\/)?"([a-z]+)-(\d+)-v(\d+)"$/.exec(header ?? "");
  return match ? { entity: match[1], id: Number(match[2]), version: Number(match[3]) } : null;
}

/** The version an ETag header names, or null. */
export function versionOf(header) {
  return parseEtag(header)?.version ?? null;
}

// --- Watching the page's own writes ------------------------------------------------------------

const writeWatchers = new Set();
let writesPending = 0;

/**
 * Call `watcher` after each write this page sends settles: with {entity, id, version} (from the
 * answer's ETag) when it succeeded, with null otherwise. Answers a function that stops watching.
 */
export function watchWrites(watcher) {
  writeWatchers.add(watcher);
  return () => writeWatchers.delete(watcher);
}

/** How many writes this page has sent that have not been answered yet. */
export function writesInFlight() {
  return writesPending;
}

function wrote(written) {
  for (const watcher of writeWatchers) {
    try {
      watcher(written);
    } catch (error) {
      // A watcher's bug must not turn a saved write into an error for the person.
      globalThis.console?.error?.(error);
    }
  }
}

/**
 * What a write to an existing item needs: its detail URL (`base` + id) and the ETag of the
 * version the page holds. `item` is the API's representation (id and version).
 */
export function itemRef(entity, base, item) {
  return {
    entity,
    id: item.id,
    url: `${base}${item.id}/`,
    etag: item.version === undefined || item.version === null ? null : etag(entity, item.id, item.version),
  };
}

function csrfToken() {
  return globalThis.document?.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

async function send(method, url, body, ifMatch) {
  if (method === "GET") return exchange(method, url, body, ifMatch);
  writesPending += 1;
  let written = null;
  try {
    const answer = await exchange(method, url, body, ifMatch);
    if (answer.response.ok) written = parseEtag(answer.response.headers?.get?.("ETag"));
    return answer;
  } finally {
    writesPending -= 1;
    wrote(written);
  }
}

async function exchange(method, url, body, ifMatch) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  let response;
  try {
    response = await globalThis.fetch(url, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(describeNetworkFailure(method));
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { response, data };
}

async function request(method, url, body) {
  const { response, data } = await send(method, url, body);
  if (!response.ok) throw new ApiError(describeError(response.status, data), response.status, data);
  return data;
}

/** A write to an existing item, sent with If-Match; a 412 reads the item once as it is now. */
async function write(method, ref, url, body) {
  if (!ref?.etag) {
    throw new Error(`A write to ${ref?.url ?? url} needs the version it changes (for If-Match).`);
  }
  const { response, data } = await send(method, url, body, ref.etag);
  if (response.status === 412) {
    throw new StaleError(describeError(412, data), { body: data, current: await readNow(ref.url) });
  }
  if (!response.ok) throw new ApiError(describeError(response.status, data), response.status, data);
  return { response, data };
}

/** GET a JSON resource. */
export function get(url) {
  return request("GET", url);
}

/** GET every page of a paginated list. */
export async function getAll(url) {
  const rows = [];
  let next = url;
  while (next) {
    const page = await get(next);
    rows.push(...page.results);
    next = page.next;
  }
  return rows;
}

/** The item at `url` as it is now, or null when it is gone (deleted) or unreachable. */
export async function readNow(url) {
  try {
    return await get(url);
  } catch {
    return null;
  }
}

/** POST a new item to a list (nothing exists yet, so no If-Match); answers the item. */
export function create(url, body) {
  return request("POST", url, body);
}

/** PATCH an item (If-Match: the version in `ref`); answers the item as it is now. */
export async function update(ref, body) {
  return (await write("PATCH", ref, ref.url, body)).data;
}

/** DELETE an item; answers the deleted item's new version (what its restore names). */
export async function remove(ref) {
  const { response } = await write("DELETE", ref, ref.url);
  return { version: versionOf(response.headers?.get?.("ETag")) };
}

/** Restore a deleted item; answers the item. */
export async function restore(ref) {
  return (await write("POST", ref, `${ref.url}restore/`)).data;
}

/** POST to an item's action (such as "decision"); answers what the server answers. */
export async function act(ref, action, body) {
  return (await write("POST", ref, `${ref.url}${action}/`, body)).data;
}

/**
 * POST a multipart form (a FormData holding files) and answer the JSON the server sends back.
 * `onProgress(fraction)` hears how much of the body is sent (null when the browser cannot
 * tell), `onSent()` that all of it is, and the server is at work. Errors as with every request.
 */
export function upload(url, form, { onProgress, onSent } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new globalThis.XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      onProgress?.(event.lengthComputable && event.total ? event.loaded / event.total : null);
    });
    xhr.upload.addEventListener("load", () => onSent?.());
    xhr.addEventListener("load", () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(describeError(xhr.status, data), xhr.status, data));
    });
    const unreached = () => reject(new ApiError(describeNetworkFailure("POST")));
    xhr.addEventListener("error", unreached);
    xhr.addEventListener("abort", unreached);
    xhr.addEventListener("timeout", unreached);
    xhr.send(form);
  });
}
