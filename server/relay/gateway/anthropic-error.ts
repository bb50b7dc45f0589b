import type { ServerResponse } from 'node:http';

const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'overloaded_error',
] as const;

export type AnthropicErrorType = (typeof ERROR_TYPES)[number];

const isErrorType = (v: unknown): v is AnthropicErrorType => (ERROR_TYPES as readonly unknown[]).includes(v);

export function anthropicErrorBody(type: AnthropicErrorType, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

/** Answers an error in Anthropic's shape `{type:'error', error:{type, message}}`. */
export function sendAnthropicError(
  res: ServerResponse,
  status: number,
  type: AnthropicErrorType,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = anthropicErrorBody(type, message);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Whether a provider's answer means the provider failed (fail over, count toward its circuit) rather than the request. */
export function isProviderFailure(status: number): boolean {
  // 401/403: the provider refused the relay's own credentials, which the client cannot fix
  return status >= 500 || status === 429 || status === 401 || status === 403;
}

/**
 * The relay's answer when every provider failed, from the last one's status and body: never its
 * headers, its body only when it is an Anthropic error, and never a 401/403 (the provider refused
 * the relay's credentials, not the client's key: 502).
 */
export function providerFailureAnswer(status: number, body: Buffer): { status: number; type: AnthropicErrorType; message: string } {
  if (status === 401 || status === 403)
    return { status: 502, type: 'api_error', message: `The provider refused the relay's credentials (HTTP ${status})` };
  try {
    const e = (JSON.parse(body.toString('utf8')) as { type?: unknown; error?: { type?: unknown; message?: unknown } }).error;
    if (isErrorType(e?.type) && typeof e.message === 'string') return { status, type: e.type, message: e.message };
  } catch {
    // not JSON: the status alone
  }
  const type: AnthropicErrorType = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error';
  return { status, type, message: `The provider answered HTTP ${status}` };
}

/** The SSE error event sent when a stream cannot continue after its first byte. */
export function sseErrorEvent(type: AnthropicErrorType, message: string): string {
  return `event: error\ndata: ${anthropicErrorBody(type, message)}\n\n`;
}
