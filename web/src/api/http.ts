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

/** An answer read whole: its status and its body. */
interface Answer {
  ok: boolean;
  status: number;
  statusText: string;
  text: string;
}

async function answer(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  return { ok: res.ok, status: res.status, statusText: res.statusText, text: res.status === 204 ? '' : await res.text() };
}

/**
 * GET requests started before the console's scripts have run (src/app/boot.ts), their bodies read as
 * they arrive. The first identical GET within a few seconds takes the answer over instead of asking
 * again, and reads it as its own (errors included). Any other request (sign-in, sign-out, a kill...)
 * forgets them: what was read before it may no longer hold.
 */
const PREFETCH_MS = 5000;
const prefetched = new Map<string, { at: number; answer: Promise<Answer> }>();

export function prefetch(path: string, query?: Query): void {
  const url = withQuery(path, query);
  const early = answer(url, { method: 'GET', headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  early.catch(() => undefined); // read by the request that takes it over, if any
  prefetched.set(url, { at: performance.now(), answer: early });
}

function takePrefetched(url: string): Promise<Answer> | undefined {
  const p = prefetched.get(url);
  prefetched.delete(url);
  return p && performance.now() - p.at < PREFETCH_MS ? p.answer : undefined;
}

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const url = withQuery(path, query);
  if (method !== 'GET') prefetched.clear();
  let res: Answer;
  try {
    res = await ((method === 'GET' ? takePrefetched(url) : undefined) ??
      answer(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) }));
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `The server cannot be reached: ${(err as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = res.text ? JSON.parse(res.text) : undefined;
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
