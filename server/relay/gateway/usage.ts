import type { ModelPrice } from '../../config/config';

/** Token usage of one response, Anthropic's buckets. */
export interface Usage {
  input: number;
  output: number;
  /** cache creation, all buckets */
  cacheCreation: number;
  cache5m: number;
  cache1h: number;
  cacheRead: number;
}

export const emptyUsage = (): Usage => ({ input: 0, output: 0, cacheCreation: 0, cache5m: 0, cache1h: 0, cacheRead: 0 });

interface RawUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation?: { ephemeral_5m_input_tokens?: unknown; ephemeral_1h_input_tokens?: unknown } | null;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/**
 * Merges a usage object into `into`. With `override` (message_delta, or a whole JSON body) the
 * values present win; otherwise (message_start) they only fill what is still missing.
 */
export function mergeUsage(into: Usage, seen: Set<keyof Usage>, raw: RawUsage | undefined | null, override: boolean): void {
  if (!raw || typeof raw !== 'object') return;
  const set = (field: keyof Usage, v: number | undefined): void => {
    if (v === undefined) return;
    if (override || !seen.has(field)) {
      into[field] = v;
      seen.add(field);
    }
  };
  set('input', num(raw.input_tokens));
  set('output', num(raw.output_tokens));
  set('cacheRead', num(raw.cache_read_input_tokens));
  const total = num(raw.cache_creation_input_tokens);
  set('cacheCreation', total);
  const c5 = num(raw.cache_creation?.ephemeral_5m_input_tokens);
  const c1 = num(raw.cache_creation?.ephemeral_1h_input_tokens);
  if (c5 !== undefined || c1 !== undefined) {
    set('cache5m', c5 ?? 0);
    set('cache1h', c1 ?? 0);
  } else if (total !== undefined) {
    // no breakdown: priced as 5-minute cache writes
    set('cache5m', total);
    set('cache1h', 0);
  }
}

/** The price of the longest model-name prefix in the table, or undefined. */
export function priceFor(prices: Record<string, ModelPrice>, model: string): ModelPrice | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(prices)) {
    if (model.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : prices[best];
}

/** Cost in integer micro-units (prices are micro-units per million tokens), rounded half up once. */
export function costMicros(price: ModelPrice | undefined, u: Usage): number {
  if (!price) return 0;
  const total =
    u.input * price.input +
    u.output * price.output +
    u.cache5m * price.cacheWrite5m +
    u.cache1h * price.cacheWrite1h +
    u.cacheRead * price.cacheRead;
  return Math.floor((total + 500_000) / 1_000_000);
}

const NL = 0x0a;
const CR = 0x0d;
const EVENT = Buffer.from('event:');
const DATA = Buffer.from('data:');
/** a line longer than this is no usage line */
const MAX_LINE = 1 << 20;

function startsWith(buf: Buffer, at: number, end: number, prefix: Buffer): boolean {
  if (end - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/**
 * Reads usage from an SSE stream as it passes, on the bytes: `message_start` fills, `message_delta`
 * wins. Lines are found with a byte search; only the `data:` lines of those two events are decoded
 * and parsed, every other line is skipped by a prefix test without becoming a string.
 */
export class SseUsageReader {
  readonly usage = emptyUsage();
  private readonly seen = new Set<keyof Usage>();
  /** an incomplete last line, carried to the next chunk */
  private partial: Buffer | null = null;
  private event = '';
  sawStop = false;
  sawError = false;

  feed(chunk: Buffer): void {
    let buf = chunk;
    if (this.partial) {
      buf = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      this.line(buf, start, nl > start && buf[nl - 1] === CR ? nl - 1 : nl);
      start = nl + 1;
    }
    const rest = buf.length - start;
    if (rest > 0 && rest <= MAX_LINE) this.partial = Buffer.from(buf.subarray(start));
  }

  private line(buf: Buffer, at: number, end: number): void {
    if (startsWith(buf, at, end, EVENT)) {
      this.event = buf.toString('latin1', at + EVENT.length, end).trim();
      if (this.event === 'message_stop') this.sawStop = true;
      if (this.event === 'error') this.sawError = true;
      return;
    }
    if (this.event !== 'message_start' && this.event !== 'message_delta') return;
    if (!startsWith(buf, at, end, DATA)) return;
    try {
      const d = JSON.parse(buf.toString('utf8', at + DATA.length, end)) as { message?: { usage?: RawUsage }; usage?: RawUsage };
      if (this.event === 'message_start') mergeUsage(this.usage, this.seen, d.message?.usage, false);
      else mergeUsage(this.usage, this.seen, d.usage, true);
    } catch {
      // not JSON: nothing to count
    }
  }
}

/** Usage of a JSON response body. */
export function jsonUsage(body: string): Usage {
  const u = emptyUsage();
  try {
    mergeUsage(u, new Set(), (JSON.parse(body) as { usage?: RawUsage }).usage, true);
  } catch {
    // not JSON (an error page): no usage
  }
  return u;
}
