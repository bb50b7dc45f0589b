import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The one typed configuration object, built once at boot from the environment.
 * Every variable is documented in `.env.example`; defaults point at the local stack.
 */

export type Edition = 'enterprise' | 'community';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export class AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  masterKey: Buffer;
  edition: Edition;
  demo: boolean;
  adminPassword: string | undefined;
  logLevel: LogLevel;
  cookieSecure: boolean;
  consoleSessionTtlSeconds: number;
  tenantPoolSize: number;
  tenantConnectTimeoutMs: number;
  tenantQueryTimeoutMs: number;
  sessionListCacheMs: number;
  tenantHealthIntervalMs: number;
  webDist: string | undefined;

  // relay (DESIGN §6)
  /** seconds a session stays active after its last request */
  sessionTtlSeconds: number;
  /** seconds an inactive session's data is kept after it became inactive */
  sessionInactiveRetentionSeconds: number;
  storeSessionMessages: boolean;
  sessionMessageMaxBytes: number;
  shortContextThreshold: number;
  enableShortContextDetection: boolean;
  relayMaxBodyBytes: number;
  relayCurrency: string;
  /** host:port list of a Redis Cluster; when set the relay uses it instead of REDIS_URL */
  redisClusterNodes: { host: string; port: number }[] | undefined;

  // relay gateway: limits, circuit breaker, prices
  /** requests in flight per session; 0 = unlimited */
  relaySessionMaxInFlight: number;
  /** distinct active sessions per key / per user; 0 = unlimited */
  relayKeyMaxSessions: number;
  relayUserMaxSessions: number;
  /** seconds a concurrency slot lives without renewal (a crashed instance's slots expire) */
  relaySlotLeaseSeconds: number;
  /** consecutive failures that open a provider's circuit, and seconds it stays open */
  relayCircuitFailures: number;
  relayCircuitOpenSeconds: number;
  /** per model-name prefix, micro-units of RELAY_CURRENCY per million tokens */
  relayPrices: Record<string, ModelPrice>;
}

export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** Anthropic list prices, USD micro-units per million tokens (prefix match on the model name). */
export const DEFAULT_RELAY_PRICES: Record<string, ModelPrice> = {
  'claude-opus-4-5': { input: 5_000_000, output: 25_000_000, cacheWrite5m: 6_250_000, cacheWrite1h: 10_000_000, cacheRead: 500_000 },
  'claude-opus-4': { input: 15_000_000, output: 75_000_000, cacheWrite5m: 18_750_000, cacheWrite1h: 30_000_000, cacheRead: 1_500_000 },
  'claude-sonnet-4': { input: 3_000_000, output: 15_000_000, cacheWrite5m: 3_750_000, cacheWrite1h: 6_000_000, cacheRead: 300_000 },
  'claude-3-7-sonnet': { input: 3_000_000, output: 15_000_000, cacheWrite5m: 3_750_000, cacheWrite1h: 6_000_000, cacheRead: 300_000 },
  'claude-haiku-4-5': { input: 1_000_000, output: 5_000_000, cacheWrite5m: 1_250_000, cacheWrite1h: 2_000_000, cacheRead: 100_000 },
  'claude-3-5-haiku': { input: 800_000, output: 4_000_000, cacheWrite5m: 1_000_000, cacheWrite1h: 1_600_000, cacheRead: 80_000 },
};

const PRICE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;

export interface ConfigProblem {
  variable: string;
  value: string | undefined;
  expected: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const seen = p.value === undefined ? 'it is not set' : `got ${JSON.stringify(p.value)}`;
  return `${p.variable}: ${seen}; expected ${p.expected}`;
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  private fail<T>(variable: string, expected: string, fallback: T): T {
    this.problems.push({ variable, value: this.env[variable], expected });
    return fallback;
  }

  int(name: string, def: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (!/^\d+$/.test(v)) return this.fail(name, `an integer from ${min} to ${max}`, def);
    const n = Number(v);
    if (n < min || n > max) return this.fail(name, `an integer from ${min} to ${max}`, def);
    return n;
  }

  bool(name: string, def: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (['true', '1', 'yes'].includes(v.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(v.toLowerCase())) return false;
    return this.fail(name, 'true or false', def);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], def: T): T {
    const v = this.raw(name);
    if (v === undefined) return def;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    return this.fail(name, `one of ${allowed.join(', ')}`, def);
  }

  url(name: string, protocols: string[], def: string): string {
    const v = this.raw(name) ?? def;
    const expected = `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol) || !u.hostname) return this.fail(name, expected, def);
      return v;
    } catch {
      return this.fail(name, expected, def);
    }
  }

  string(name: string, def: string, pattern: RegExp, expected: string): string {
    const v = this.raw(name);
    if (v === undefined) return def;
    return pattern.test(v) ? v : this.fail(name, expected, def);
  }

  /** "host:port,host:port" */
  hostPorts(name: string): { host: string; port: number }[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const nodes = v.split(',').map((part) => /^([\w.-]+):(\d{1,5})$/.exec(part.trim()));
    if (nodes.some((m) => !m || Number(m[2]) < 1 || Number(m[2]) > 65535)) {
      return this.fail(name, 'a comma-separated list of host:port', undefined);
    }
    return nodes.map((m) => ({ host: m![1]!, port: Number(m![2]) }));
  }

  /** JSON {"<model prefix>": {input, output, cacheWrite5m, cacheWrite1h, cacheRead}} merged over the defaults */
  prices(name: string): Record<string, ModelPrice> {
    const v = this.raw(name);
    if (v === undefined) return { ...DEFAULT_RELAY_PRICES };
    const expected =
      'a JSON object {"<model prefix>": {"input","output","cacheWrite5m","cacheWrite1h","cacheRead"}} of non-negative integers';
    try {
      const parsed = JSON.parse(v) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return this.fail(name, expected, { ...DEFAULT_RELAY_PRICES });
      const out = { ...DEFAULT_RELAY_PRICES };
      for (const [model, price] of Object.entries(parsed as Record<string, unknown>)) {
        const p = price as Record<string, unknown> | null;
        if (!model || typeof p !== 'object' || p === null) return this.fail(name, expected, { ...DEFAULT_RELAY_PRICES });
        if (PRICE_FIELDS.some((f) => !Number.isSafeInteger(p[f]) || (p[f] as number) < 0)) {
          return this.fail(name, expected, { ...DEFAULT_RELAY_PRICES });
        }
        out[model] = Object.fromEntries(PRICE_FIELDS.map((f) => [f, p[f] as number])) as unknown as ModelPrice;
      }
      return out;
    } catch {
      return this.fail(name, expected, { ...DEFAULT_RELAY_PRICES });
    }
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  key(name: string, fileVar: string, defaultFile: string): Buffer {
    let v = this.raw(name);
    const expected = '32 random bytes, base64-encoded (openssl rand -base64 32)';
    if (v === undefined) {
      // Else the key file (the demo generates .stack/master.key).
      const file = this.raw(fileVar) ?? defaultFile;
      if (!existsSync(file)) return this.fail(name, `${expected}, or a file holding it named by ${fileVar}`, Buffer.alloc(0));
      v = readFileSync(file, 'utf8').trim();
    }
    const buf = Buffer.from(v, 'base64');
    if (buf.length !== 32 || buf.toString('base64').replace(/=+$/, '') !== v.replace(/=+$/, '')) {
      return this.fail(name, expected, Buffer.alloc(0));
    }
    return buf;
  }
}

export function loadConfig(env: Env = process.env, opts: { needKey?: boolean } = {}): AppConfig {
  const r = new Reader(env);
  const cfg: AppConfig = Object.assign(new AppConfig(), {
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', '127.0.0.1', /^[\w.:-]+$/, 'a host name or IP address to listen on'),
    databaseUrl: r.url('DATABASE_URL', ['mysql:', 'mariadb:'], 'mysql://sessionops:sessionops@127.0.0.1:3316/sessionops'),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6389/0'),
    redisPrefix: r.string('REDIS_PREFIX', 'so:', /^[\w:.-]{1,64}$/, 'letters, digits, ":", ".", "-" or "_" (at most 64)'),
    masterKey: opts.needKey === false ? Buffer.alloc(0) : r.key('MASTER_KEY', 'MASTER_KEY_FILE', resolve('.stack/master.key')),
    edition: r.oneOf('EDITION', ['enterprise', 'community'] as const, 'enterprise'),
    demo: r.bool('DEMO', false),
    adminPassword: r.optional('ADMIN_PASSWORD'),
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    cookieSecure: r.bool('COOKIE_SECURE', false),
    consoleSessionTtlSeconds: r.int('CONSOLE_SESSION_TTL', 8 * 3600, 60, 30 * 24 * 3600),
    tenantPoolSize: r.int('TENANT_POOL_SIZE', 4, 1, 64),
    tenantConnectTimeoutMs: r.int('TENANT_CONNECT_TIMEOUT_MS', 3000, 100, 60000),
    tenantQueryTimeoutMs: r.int('TENANT_QUERY_TIMEOUT_MS', 5000, 100, 600000),
    sessionListCacheMs: r.int('SESSION_LIST_CACHE_MS', 1000, 0, 60000),
    tenantHealthIntervalMs: r.int('TENANT_HEALTH_INTERVAL_MS', 30000, 0, 3600000),
    webDist: r.optional('WEB_DIST'),

    // relay
    sessionTtlSeconds: r.int('SESSION_TTL', 300, 1, 7 * 24 * 3600),
    sessionInactiveRetentionSeconds: r.int('SESSION_INACTIVE_RETENTION', 900, 0, 7 * 24 * 3600),
    storeSessionMessages: r.bool('STORE_SESSION_MESSAGES', false),
    sessionMessageMaxBytes: r.int('SESSION_MESSAGE_MAX_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    shortContextThreshold: r.int('SHORT_CONTEXT_THRESHOLD', 2, 0, 1000),
    enableShortContextDetection: r.bool('ENABLE_SHORT_CONTEXT_DETECTION', true),
    relayMaxBodyBytes: r.int('RELAY_MAX_BODY_BYTES', 32 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    relayCurrency: r.string('RELAY_CURRENCY', 'USD', /^[A-Z]{3}$/, 'a three-letter ISO 4217 currency code such as USD or CNY'),
    redisClusterNodes: r.hostPorts('REDIS_CLUSTER_NODES'),

    // relay gateway
    relaySessionMaxInFlight: r.int('RELAY_SESSION_MAX_IN_FLIGHT', 0, 0, 100000),
    relayKeyMaxSessions: r.int('RELAY_KEY_MAX_SESSIONS', 0, 0, 1000000),
    relayUserMaxSessions: r.int('RELAY_USER_MAX_SESSIONS', 0, 0, 1000000),
    relaySlotLeaseSeconds: r.int('RELAY_SLOT_LEASE_SECONDS', 30, 3, 3600),
    relayCircuitFailures: r.int('RELAY_CIRCUIT_FAILURES', 5, 1, 1000),
    relayCircuitOpenSeconds: r.int('RELAY_CIRCUIT_OPEN_SECONDS', 30, 1, 3600),
    relayPrices: r.prices('RELAY_PRICES'),
  });
  if (cfg.adminPassword !== undefined && cfg.adminPassword.length < 8) {
    r.problems.push({ variable: 'ADMIN_PASSWORD', value: '(hidden)', expected: 'at least 8 characters' });
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return cfg;
}
