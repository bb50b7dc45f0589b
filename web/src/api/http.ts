/** The one fetch wrapper: JSON in and out, the CSRF header on mutations, errors as ApiError. */

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

let onUnauthenticated: (() => void) | undefined;
export function handleUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

/**
 * GET requests started before the console's scripts have run (src/app/boot.ts). The first identical
 * GET within a few seconds takes the response over instead of asking again, and reads it as its own
 * (errors included). Any other request (sign-in, sign-out, a kill...) forgets them: what was read
 * before it may no longer hold.
 */
const PREFETCH_MS = 5000;
const prefetched = new Map<string, { at: number; response: Promise<Response> }>();

export function prefetch(path: string, query?: Query): void {
  const url = withQuery(path, query);
  const response = fetch(url, { method: 'GET', headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  response.catch(() => undefined); // read by the request that takes it over, if any
  prefetched.set(url, { at: performance.now(), response });
}

function takePrefetched(url: string): Promise<Response> | undefined {
  const p = prefetched.get(url);
  prefetched.delete(url);
  return p && performance.now() - p.at < PREFETCH_MS ? p.response : undefined;
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const url = withQuery(path, query);
  if (method !== 'GET') prefetched.clear();
  let res: Response;
  try {
    res = await ((method === 'GET' ? takePrefetched(url) : undefined) ??
      fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) }));
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `The server cannot be reached: ${(err as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = (data ?? {}) as Partial<ApiErrorBody>;
    if (res.status === 401 && onUnauthenticated) onUnauthenticated();
    throw new ApiError(res.status, e.code ?? 'HTTP_' + res.status, e.message ?? res.statusText, e.details);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  del: <T>(path: string) => request<T>('DELETE', path),
};
