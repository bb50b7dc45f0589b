import Redis from 'ioredis';
import { relayKeys } from '../server/relay/sessions/relay-session.keys';
import { RelaySessionReader } from '../server/relay/sessions/relay-session.reader';
import { ADMIN_PASSWORD, login, startTestApp } from '../test/support/app';
import { seedRelaySessions, SeedSession } from '../test/support/relay-seed';
import { STACK } from '../test/support/stack';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const SCAN_ROUNDS = Number(process.env.BENCH_SCAN_ROUNDS ?? 5);
const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_RELAY_SESSIONS ?? 100_000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function sessions(from: number, to: number, now: number): SeedSession[] {
  return Array.from({ length: to - from }, (_, j) => {
    const i = from + j;
    const user = i % 50;
    return { id: `bench-${i}`, userId: user + 1, userName: `user${user}`, lastAt: now - (i % 250_000), requests: 0 };
  });
}

/**
 * The list the way a relay without indexes does it: SCAN the keyspace for session hashes, read
 * each one's last activity, sort in memory and cut a page of 20. The floor the indexed API beats.
 */
async function scanListing(redis: Redis, prefix: string): Promise<string[]> {
  const k = relayKeys(prefix);
  const pattern = k.session('*');
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  const p = redis.pipeline();
  for (const key of found) p.hmget(key, 'lastAt', 'userName', 'model', 'requests');
  const rows = ((await p.exec()) ?? []).map(([, v], i) => ({ key: found[i]!, lastAt: Number((v as string[])[0]) }));
  rows.sort((a, b) => b.lastAt - a.lastAt);
  return rows.slice(0, 20).map((r) => r.key);
}

/**
 * The relay sessions list API (indexed: ZREVRANGEBYSCORE + ZCOUNT + pipelined HGETALL) with 1,000
 * and with 100,000 stored sessions, against a keyspace SCAN listing measured in the same run.
 * Prints; asserts nothing about speed.
 */
describe('relay sessions list API vs a keyspace scan', () => {
  it(`measures with ${SMALL} and ${LARGE} stored sessions`, async () => {
    const app = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', SESSION_TTL: '86400' });
    const redis = new Redis(STACK.redisUrl);
    try {
      const admin = await login(app.url, 'admin', ADMIN_PASSWORD);
      const prefix = app.config.redisPrefix;
      const now = Date.now();
      const reader = new RelaySessionReader(redis, {
        keys: relayKeys(prefix),
        ttlMs: 86_400_000,
        leaseMs: 30_000,
        retentionMs: 0,
        currency: 'USD',
        messagesStored: false,
        messageMaxBytes: 1 << 20,
      });
      const results: { n: number; api: number; apiDeep: number; noop: number; store: number; scan: number }[] = [];
      let seeded = 0;
      for (const n of [SMALL, LARGE]) {
        await seedRelaySessions(redis, prefix, sessions(seeded, n, now), { ttlSeconds: 3600, chunk: 2000 });
        seeded = n;
        const total = (await admin.get('/api/relay/sessions?state=active&page=1').expect(200)).body.total as number;
        expect(total).toBe(n);
        const api: number[] = [];
        const apiDeep: number[] = [];
        const noop: number[] = [];
        const store: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          api.push(await time(() => admin.get('/api/relay/sessions?state=active&page=1').expect(200)));
          apiDeep.push(await time(() => admin.get('/api/relay/sessions?state=active&page=10').expect(200)));
          noop.push(await time(() => admin.get('/api/auth/me').expect(200)));
          store.push(await time(() => reader.list({ kind: 'all' }, 'active', 1, 20)));
        }
        const scan: number[] = [];
        for (let i = 0; i < SCAN_ROUNDS; i++) {
          scan.push(
            await time(async () => {
              expect(await scanListing(redis, prefix)).toHaveLength(20);
            }),
          );
        }
        results.push({ n, api: median(api), apiDeep: median(apiDeep), noop: median(noop), store: median(store), scan: median(scan) });
      }
      const [s, l] = results as [(typeof results)[0], (typeof results)[0]];
      process.stdout.write(
        [
          `relay sessions list bench: pages of 20, ${ROUNDS} rounds (scan: ${SCAN_ROUNDS})`,
          ...results.map(
            (r) =>
              `  ${String(r.n).padStart(7)} sessions: list API page 1 median ${r.api.toFixed(2)} ms, page 10 ${r.apiDeep.toFixed(2)} ms;` +
              ` Redis reads alone ${r.store.toFixed(2)} ms; authenticated no-op (GET /api/auth/me) ${r.noop.toFixed(2)} ms;` +
              ` SCAN listing (floor) ${r.scan.toFixed(1)} ms`,
          ),
          `  list API ${LARGE}/${SMALL} ratio: page 1 ${(l.api / s.api).toFixed(2)}x, page 10 ${(l.apiDeep / s.apiDeep).toFixed(2)}x (goal <= 1.2)`,
          `  Redis reads alone ${LARGE}/${SMALL} ratio: ${(l.store / s.store).toFixed(2)}x`,
          `  SCAN listing ${LARGE}/${SMALL} ratio: ${(l.scan / s.scan).toFixed(1)}x`,
          `  at ${LARGE}: SCAN listing / list API = ${(l.scan / l.api).toFixed(0)}x`,
          '',
        ].join('\n'),
      );
    } finally {
      redis.disconnect();
      await app.close();
    }
  });
});
