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

/**
 * Reads usage from an SSE stream as it passes: `message_start` fills, `message_delta` wins.
 * Only the lines of those events are parsed; everything else is skipped by a prefix test.
 */
export class SseUsageReader {
  readonly usage = emptyUsage();
  private readonly seen = new Set<keyof Usage>();
  private partial = '';
  private event = '';
  sawStop = false;
  sawError = false;

  feed(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text.slice(start, nl).replace(/\r$/, ''));
      start = nl + 1;
    }
    this.partial = text.slice(start);
    // a line longer than 1 MiB is no usage line
    if (this.partial.length > 1 << 20) this.partial = '';
  }

  private line(l: string): void {
    if (l.startsWith('event:')) {
      this.event = l.slice(6).trim();
      if (this.event === 'message_stop') this.sawStop = true;
      if (this.event === 'error') this.sawError = true;
      return;
    }
    if (!l.startsWith('data:')) return;
    if (this.event !== 'message_start' && this.event !== 'message_delta') return;
    try {
      const d = JSON.parse(l.slice(5)) as { message?: { usage?: RawUsage }; usage?: RawUsage };
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
