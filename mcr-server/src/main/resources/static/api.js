// HTTP access to the mcr API. Every call checks the status; failures become ApiError.

/**
 * A failed API call: status 0 means the server could not be reached. body is the parsed
 * JSON answer when there was one (a 409 carries the stored object in body.current).
 */
export class ApiError extends Error {
  constructor(status, detail, body = null) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.detail = detail || '';
    this.body = body;
  }

  /** A 409 of a versioned route: someone else changed (or removed) the object meanwhile. */
  get isConflict() {
    return this.status === 409 && !!this.body && typeof this.body === 'object' && 'current' in this.body;
  }
}

function parsed(text) {
  try {
    const v = JSON.parse(String(text || ''));
    return v && typeof v === 'object' ? v : null;
  } catch (_) {
    return null;
  }
}

function detailOf(text) {
  const raw = String(text || '').trim();
  if (!raw) return '';
  try {
    const body = JSON.parse(raw);
    if (body && typeof body === 'object') {
      const d = body.detail ?? body.error ?? body.message;
      if (typeof d === 'string') return d;
      if (Array.isArray(d)) {
        return d.map((e) => {
          if (e && typeof e === 'object') {
            const loc = Array.isArray(e.loc) ? e.loc.filter((x) => x !== 'body').join('.') : '';
            return loc ? `${loc}: ${e.msg ?? ''}` : String(e.msg ?? '');
          }
          return String(e);
        }).join('; ');
      }
      if (d != null) return JSON.stringify(d).slice(0, 300);
    }
  } catch (_) {
    // not JSON: fall through to the plain text
  }
  const plain = raw.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 300 ? `${plain.slice(0, 300)}…` : plain;
}

let csrfToken = '';

/** Sets the session's CSRF token, sent as X-CSRF-Token with every request that changes something. */
export function setCsrf(token) {
  csrfToken = typeof token === 'string' ? token : '';
}

/**
 * Calls the API. body: object (sent as JSON), string (sent as is, JSON content type)
 * or undefined. Returns parsed JSON, text, or the Response when opts.raw is set.
 */
export async function api(method, path, body, opts = {}) {
  const init = { method, cache: 'no-store', credentials: 'same-origin', headers: {} };
  if (csrfToken && method !== 'GET' && method !== 'HEAD') init.headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (_) {
    throw new ApiError(0, '');
  }
  if (!resp.ok) {
    let text = '';
    try {
      text = await resp.text();
    } catch (_) {
      // body unreadable: the status alone must do
    }
    throw new ApiError(resp.status, detailOf(text), parsed(text));
  }
  if (opts.raw) return resp;
  const type = resp.headers.get('content-type') || '';
  if (!type.includes('json')) return resp.text();
  let data;
  try {
    data = await resp.json();
  } catch (_) {
    const err = new ApiError(resp.status, '');
    err.badBody = true;
    throw err;
  }
  if (data && typeof data === 'object' && data.ok === false) {
    throw new ApiError(resp.status, detailOf(JSON.stringify(data)));
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);
