import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/config';
import { currentRequestId } from './request-context';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/** Structured JSON logs, one object per line, each carrying the request id when there is one. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly sink: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  private write(level: LogLevel, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    const requestId = currentRequestId();
    if (requestId) entry.requestId = requestId;
    if (context) entry.context = context;
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.err = { name: message.name, stack: message.stack };
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, redact(message));
    } else {
      entry.msg = String(message);
    }
    if (extra) Object.assign(entry, redact(extra));
    this.sink(JSON.stringify(entry));
  }

  // Nest calls these with (message, ...optionalParams) where the last string is the context.
  private split(params: unknown[]): { context?: string; extra?: Record<string, unknown> } {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const first = params[0];
    if (typeof first === 'string') return { context, extra: { stack: first } };
    if (first && typeof first === 'object') return { context, extra: first as Record<string, unknown> };
    return { context };
  }

  log(message: unknown, ...params: unknown[]): void {
    const { context, extra } = this.split(params);
    this.write('info', message, context, extra);
  }
  error(message: unknown, ...params: unknown[]): void {
    const { context, extra } = this.split(params);
    this.write('error', message, context, extra);
  }
  warn(message: unknown, ...params: unknown[]): void {
    const { context, extra } = this.split(params);
    this.write('warn', message, context, extra);
  }
  debug(message: unknown, ...params: unknown[]): void {
    const { context, extra } = this.split(params);
    this.write('debug', message, context, extra);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.debug(message, ...params);
  }
}
