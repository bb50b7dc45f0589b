import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type AppProcess, startAppProcess } from './app-process';
import { STACK } from '../test/support/stack';
import { cookieOf } from './keep-alive';
import { WorkerClient } from './worker-client';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
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

interface Round {
  raw: Record<string, number>;
  api: Record<string, number>;
  mapping: number;
  rows: number;
}

/**
 * The list API against the floor: the cheapest raw statement that lists the sessions, issued
 * directly with mysql2 on a tenant holding CONNECTIONS idle connections, measured in the same run
 * by the same client (bench/list-client.worker.mjs) that times the API; the application runs in a
 * process of its own from the build, as production runs it. Also the other candidate statements,
 * and the in-process mapping of the rows. Prints; asserts nothing about speed.
 */
describe('tenant session list API vs the cheapest raw processlist statement', () => {
  let holder: ChildProcess | undefined;

  afterAll(async () => {
    if (!holder) return;
    const exited = new Promise((r) => holder!.once('exit', r));
    holder.stdin!.end();
    await exited;
  });

  it(`measures with ${CONNECTIONS} connections on the tenant`, async () => {
    holder = await idleConnections(CONNECTIONS);
    const apps: AppProcess[] = [];
    const client = new WorkerClient('list-client.worker.mjs');
    try {
      apps.push(await startAppProcess({ SESSION_LIST_CACHE_MS: '0' }), await startAppProcess());
      const [app, cached] = apps as [AppProcess, AppProcess];
      const tenantIds: number[] = [];
      for (const a of apps) {
        const cluster = (await a.admin.post('/api/clusters', { name: 'bench', kind: 'mysql' }).expect(201)).body.id;
        const res = await a.admin
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
      }
      const list = (i: number) => `/api/tenants/${tenantIds[i]}/sessions?pageSize=50&sort=time:desc`;
      const gets = {
        api: { url: app.url, path: list(0), cookie: cookieOf(app.admin.agent) },
        apiCached: { url: cached.url, path: list(1), cookie: cookieOf(cached.admin.agent) },
        noop: { url: app.url, path: '/api/auth/me', cookie: cookieOf(app.admin.agent) },
      };
      const version = await client.ask<string>('connect', { mysql: STACK.tenantB, port: STACK.tenantB.port });

      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) rounds.push(await client.ask<Round>('round', { statements: CANDIDATES, gets }));
      const rows = rounds[0]!.rows;
      const of = (pick: (r: Round) => number) => median(rounds.map(pick));
      const medians = Object.keys(CANDIDATES).map((name) => [name, of((r) => r.raw[name]!)] as const);
      const [floorName, f] = medians.reduce((a, b) => (b[1] < a[1] && b[0] !== 'INNODB_TRX alone' ? b : a));
      const a = of((r) => r.api.api!);
      const c = of((r) => r.api.apiCached!);
      const noop = of((r) => r.api.noop!);
      process.stdout.write(
        [
          `list API bench: ${rows} sessions on the tenant (${version}), ${ROUNDS} rounds`,
          '  application in a process of its own from dist; raw statements and requests from one plain Node client thread',
          ...medians.map(([name, m]) => `  raw ${name}: median ${m.toFixed(1)} ms`),
          `  floor = cheapest raw list statement (${floorName}): median ${f.toFixed(1)} ms`,
          `  mapping ${rows} rows in process (list + transactions joined, SQL previews): median ${of((r) => r.mapping).toFixed(2)} ms`,
          `  list API, no reuse (SESSION_LIST_CACHE_MS=0): median ${a.toFixed(1)} ms  ratio ${(a / f).toFixed(2)}x floor (goal <= 1.5x)`,
          `  authenticated no-op (/api/auth/me), the part of every request that is not the list: median ${noop.toFixed(1)} ms`,
          `  list API, no reuse, less the authenticated no-op: ${(a - noop).toFixed(1)} ms  ratio ${((a - noop) / f).toFixed(2)}x floor`,
          `  list API, default 1 s reuse:                  median ${c.toFixed(1)} ms  ratio ${(c / f).toFixed(2)}x floor`,
          '',
        ].join('\n'),
      );
      expect(rows).toBeGreaterThanOrEqual(CONNECTIONS);
    } finally {
      await client.close();
      for (const a of apps) await a.close();
    }
  });
});
