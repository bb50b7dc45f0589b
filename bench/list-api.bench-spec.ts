import { createConnection, type Connection } from 'mysql2/promise';
import request from 'supertest';
import { adapterFor } from '../server/db-sessions/dialects';
import { capabilitiesOf, detectDialect } from '../server/tenants/dialect';
import { ADMIN_PASSWORD, login, startTestApp } from '../test/support/app';
import { STACK } from '../test/support/stack';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * The list API against the floor: the same processlist query issued directly with mysql2, on a
 * tenant holding CONNECTIONS idle connections, measured in the same run. Prints; asserts nothing
 * about speed.
 */
describe('tenant session list API vs the raw processlist query', () => {
  const idle: Connection[] = [];

  afterAll(async () => {
    await Promise.allSettled(idle.map((c) => c.end()));
  });

  it(`measures with ${CONNECTIONS} connections on the tenant`, async () => {
    for (let i = 0; i < CONNECTIONS; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, CONNECTIONS - i) }, () => createConnection({ ...STACK.tenantB })));
      idle.push(...batch);
    }
    const app = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', SESSION_LIST_CACHE_MS: '0' });
    const cached = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    try {
      const tenantIds: number[] = [];
      for (const a of [app, cached]) {
        const admin = await login(a.url, 'admin', ADMIN_PASSWORD);
        const cluster = (await admin.post('/api/clusters', { name: 'bench', kind: 'mysql' }).expect(201)).body.id;
        const res = await admin
          .post('/api/tenants', {
            clusterId: cluster,
            name: 'b',
            host: STACK.tenantB.host,
            port: STACK.tenantB.port,
            username: 'sessionops',
            password: 'sessionops',
          })
          .expect(201);
        tenantIds.push(res.body.tenant.id);
        (a as unknown as { agent: ReturnType<typeof request.agent> }).agent = admin.agent;
      }
      const direct = await createConnection({ ...STACK.tenantB });
      const version = String(((await direct.query('SELECT VERSION() AS v'))[0] as { v: string }[])[0]!.v);
      const detected = detectDialect(version, null);
      const sql = adapterFor(detected.dialect).listSql(capabilitiesOf(detected, false));

      const floor: number[] = [];
      const api: number[] = [];
      const apiCached: number[] = [];
      const agentOf = (a: object) => (a as { agent: ReturnType<typeof request.agent> }).agent;
      let rows = 0;
      for (let i = 0; i < ROUNDS; i++) {
        floor.push(
          await time(async () => {
            const [r] = await direct.query(sql);
            rows = (r as unknown[]).length;
          }),
        );
        api.push(await time(() => agentOf(app).get(`/api/tenants/${tenantIds[0]}/sessions?pageSize=50&sort=time:desc`).expect(200)));
        apiCached.push(
          await time(() => agentOf(cached).get(`/api/tenants/${tenantIds[1]}/sessions?pageSize=50&sort=time:desc`).expect(200)),
        );
      }
      await direct.end();
      const f = median(floor);
      const a = median(api);
      const c = median(apiCached);
      process.stdout.write(
        [
          `list API bench: ${rows} sessions on the tenant, ${ROUNDS} rounds`,
          `  floor  (mysql2, same processlist query): median ${f.toFixed(1)} ms`,
          `  list API, no reuse (SESSION_LIST_CACHE_MS=0): median ${a.toFixed(1)} ms  ratio ${(a / f).toFixed(2)}x floor`,
          `  list API, default 1 s reuse:                  median ${c.toFixed(1)} ms  ratio ${(c / f).toFixed(2)}x floor`,
          '',
        ].join('\n'),
      );
      expect(rows).toBeGreaterThanOrEqual(CONNECTIONS);
    } finally {
      await app.close();
      await cached.close();
    }
  });
});
