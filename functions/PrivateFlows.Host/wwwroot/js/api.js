// The dashboard's only way to the server: same-origin fetch with the API key (X-Api-Key) from localStorage.
// Endpoints that other parts of the host add later are discovered from the OpenAPI document, so pages can say so
// plainly (or show nothing) instead of failing.

const KEY_STORAGE = 'privateflows.apiKey';

export class ApiError extends Error {
  constructor(status, problem, path) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.path = path;
  }

  /** True when the route itself does not exist (as opposed to "customer not found"). */
  get missingEndpoint() {
    return (this.status === 404 && !this.problem.detail && (!this.problem.title || this.problem.title === 'Not Found')) || this.status === 405;
  }

  get diagnostics() {
    return Array.isArray(this.problem.diagnostics) ? this.problem.diagnostics : [];
  }
}

const listeners = { unauthorized: [], access: [] };

export function on(event, fn) {
  listeners[event].push(fn);
}

function emit(event, ...args) {
  for (const fn of listeners[event]) fn(...args);
}

export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

export function setApiKey(value) {
  try {
    if (value) localStorage.setItem(KEY_STORAGE, value);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    // storage disabled: the key lives for this page only
  }
  openApi = null;
}

async function request(method, path, { body, contentType, accept = 'application/json', raw = false, signal } = {}) {
  const headers = { Accept: accept };
  const key = apiKey();
  if (key) headers['X-Api-Key'] = key;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string') {
      payload = body;
      headers['Content-Type'] = contentType || 'text/plain';
    } else {
      payload = JSON.stringify(body);
      headers['Content-Type'] = contentType || 'application/json';
    }
  }

  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Network error', detail: e.message }, path);
  }

  // Only an answer to the key in use says whether it works: a 401 to a request sent before a key was saved, arriving
  // after it, must not mark the new key locked (nor open the key dialog again).
  const current = (key || '') === (apiKey() || '');
  if (response.status === 401 && current) emit('unauthorized', path);
  else if (response.ok && current) emit('access', Boolean(key));
  if (!response.ok) {
    let problem = null;
    try {
      const text = await response.text();
      problem = text ? JSON.parse(text) : null;
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem, path);
  }

  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  return JSON.parse(text);
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
  raw: (method, path, options) => request(method, path, { ...options, raw: true }),
};

// ── endpoint discovery ────────────────────────────────────────────────────
let openApi = null;

async function loadOpenApi() {
  if (!openApi) {
    openApi = request('GET', '/openapi/v1.json')
      .then(doc => doc?.paths ?? {})
      .catch(() => null);
  }
  return openApi;
}

/** Whether the host serves an endpoint, e.g. has('get', '/api/customers/{customerId}/explain'). Unknown: true. */
export async function has(method, template) {
  const paths = await loadOpenApi();
  if (!paths) return true;
  const wanted = normalise(template);
  return Object.entries(paths).some(([p, ops]) => normalise(p) === wanted && ops && Object.prototype.hasOwnProperty.call(ops, method.toLowerCase()));
}

function normalise(path) {
  return path.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '').toLowerCase();
}

export function encode(segment) {
  return encodeURIComponent(segment);
}
