import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { SessionListQuery } from '../server/db-sessions/db-sessions.dto';
import { DbSessionsService } from '../server/db-sessions/db-sessions.service';
import { adapterFor } from '../server/db-sessions/dialects';
import { mapSnapshotRows } from '../server/db-sessions/session-snapshots';
import { capabilitiesOf, detectDialect } from '../server/tenants/dialect';
import { ADMIN_PASSWORD, login, startTestApp } from '../test/support/app';
import { STACK } from '../test/support/stack';
import { closeKeepAlive, cookieOf, send } from './keep-alive';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** GET on a kept-alive connection, as the console's browser sends it; anything but 200 fails the run. */
async function get(url: string, path: string, cookie: string): Promise<void> {
  const status = await send(url, path, { headers: { cookie } });
  if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Statements a list could be read with on MariaDB; the cheapest raw one is the floor. */
const CANDIDATES: Record<string, string> = {
  'SHOW FULL PROCESSLIST': 'SHOW FULL PROCESSLIST',
  'information_schema.PROCESSLIST': 'SELECT * FROM information_schema.PROCESSLIST',
  'PROCESSLIST joined to INNODB_TRX in the server': `SELECT p.*, t.trx_state, t.trx_started FROM information_schema.PROCESSLIST p
    LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID`,
  'INNODB_TRX alone': 'SELECT trx_mysql_thread_id AS id, trx_state, trx_started FROM information_schema.INNODB_TRX',
};

/**
 * The list API against the floor: the cheapest raw statement that lists the sessions, issued
 * directly with mysql2 on a tenant holding CONNECTIONS idle connections, measured in the same run.
 * Also the other candidate statements, and the in-process mapping of the rows. Prints; asserts
 * nothing about speed.
 */
/**
 * Holds `n` idle connections to the tenant in a child process, so that the clients' objects do not
 * weigh on the measured process's heap (the console does not hold its tenants' client connections).
 */
async function idleConnections(n: number): Promise<ChildProcess> {
  const script = `
    const { createConnection } = require('mysql2/promise');
    (async () => {
      const all = [];
      for (let i = 0; i < ${n}; i += 100) {
        all.push(...(await Promise.all(Array.from({ length: Math.min(100, ${n} - i) }, () => createConnection(${JSON.stringify(STACK.tenantB)})))));
      }
      process.stdout.write('ready\\n');
      process.stdin.on('end', () => Promise.allSettled(all.map((c) => c.end())).then(() => process.exit(0)));
      process.stdin.resume();
    })().catch((err) => { process.stderr.write(String(err)); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`idle connection holder exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
  });
  return child;
}

describe('tenant session list API vs the cheapest raw processlist statement', () => {
  let holder: ChildProcess | undefined;

  afterAll(async () => {
    closeKeepAlive();
    if (!holder) return;
    const exited = new Promise((r) => holder!.once('exit', r));
    holder.stdin!.end();
    await exited;
  });

  it(`measures with ${CONNECTIONS} connections on the tenant`, async () => {
    holder = await idleConnections(CONNECTIONS);
    const app = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', SESSION_LIST_CACHE_MS: '0' });
    const cached = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    try {
      const tenantIds: number[] = [];
      const cookies: string[] = [];
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
        cookies.push(cookieOf(admin.agent));
      }
      const direct = await createConnection({ ...STACK.tenantB, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
      const version = String(((await direct.query('SELECT VERSION() AS v'))[0] as { v: string }[])[0]!.v);
      const detected = detectDialect(version, null);
      const caps = capabilitiesOf(detected, false);
      const adapter = adapterFor(detected.dialect);

      const candidates = new Map<string, number[]>(Object.keys(CANDIDATES).map((k) => [k, []]));
      const api: number[] = [];
      const apiCached: number[] = [];
      const mapping: number[] = [];
      const noop: number[] = [];
      const service: number[] = [];
      const svc = app.app.get(DbSessionsService);
      const query = Object.assign(new SessionListQuery(), { page: 1, pageSize: 50, sort: 'time:desc' });
      let rows = 0;
      for (let i = 0; i < ROUNDS; i++) {
        for (const [name, sql] of Object.entries(CANDIDATES)) {
          candidates.get(name)!.push(
            await time(async () => {
              const [r] = await direct.query(sql);
              if (name === 'SHOW FULL PROCESSLIST') rows = (r as unknown[]).length;
            }),
          );
        }
        api.push(await time(() => get(app.url, `/api/tenants/${tenantIds[0]}/sessions?pageSize=50&sort=time:desc`, cookies[0]!)));
        apiCached.push(await time(() => get(cached.url, `/api/tenants/${tenantIds[1]}/sessions?pageSize=50&sort=time:desc`, cookies[1]!)));
        noop.push(await time(() => get(app.url, '/api/auth/me', cookies[0]!)));
        service.push(await time(() => svc.list(tenantIds[0]!, query)));
        const [raw] = await direct.query(adapter.listSql(caps));
        const [trx] = await direct.query(adapter.transactionsSql(caps) ?? 'SELECT 1 AS id');
        mapping.push(
          await time(async () => {
            mapSnapshotRows(
              adapter,
              { id: 1, host: '127.0.0.1', port: STACK.tenantB.port },
              raw as Record<string, unknown>[],
              trx as Record<string, unknown>[],
            );
          }),
        );
      }
      await direct.end();
      const medians = [...candidates].map(([name, xs]) => [name, median(xs)] as const);
      const [floorName, f] = medians.reduce((a, b) => (b[1] < a[1] && b[0] !== 'INNODB_TRX alone' ? b : a));
      const a = median(api);
      const c = median(apiCached);
      process.stdout.write(
        [
          `list API bench: ${rows} sessions on the tenant (${version}), ${ROUNDS} rounds`,
          ...medians.map(([name, m]) => `  raw ${name}: median ${m.toFixed(1)} ms`),
          `  floor = cheapest raw list statement (${floorName}): median ${f.toFixed(1)} ms`,
          `  mapping ${rows} rows in process (list + transactions joined, SQL previews): median ${median(mapping).toFixed(2)} ms`,
          `  list API, no reuse (SESSION_LIST_CACHE_MS=0): median ${a.toFixed(1)} ms  ratio ${(a / f).toFixed(2)}x floor (goal <= 1.5x)`,
          `  authenticated no-op (/api/auth/me), the part of every request that is not the list: median ${median(noop).toFixed(1)} ms`,
          `  list API, no reuse, less the authenticated no-op: ${(a - median(noop)).toFixed(1)} ms  ratio ${((a - median(noop)) / f).toFixed(2)}x floor`,
          `  list service alone (no HTTP, no sign-in check), no reuse: median ${median(service).toFixed(1)} ms  ratio ${(median(service) / f).toFixed(2)}x floor`,
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
