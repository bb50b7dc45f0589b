import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type AppProcess, startAppProcess } from './app-process';
import { STACK } from '../test/support/stack';
import { cookieOf } from './keep-alive';
import { WorkerClient } from './worker-client';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
/** timed runs of each kind per round, after one untimed */
const BATCH = 5;

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

/** bench/bare-list-server.mjs on the tenant: the least any HTTP service could do for the list. */
async function bareServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(__dirname, 'bare-list-server.mjs'), [JSON.stringify(STACK.tenantB)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the bare list server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

interface Round {
  /** a batch of timings each of the floor statement ('floor') and of each GET */
  times: Record<string, number[]>;
  mapping: number;
  rows: number;
}

/**
 * The list API against the floor: the cheapest raw statement that lists the sessions, issued
 * directly with mysql2 on a tenant holding CONNECTIONS idle connections, measured in the same run
 * by the same client (bench/list-client.worker.mjs) that times the API; the application runs in a
 * process of its own from the build, as production runs it. Also the other candidate statements,
 * the in-process mapping of the rows, and a bare HTTP service answering the same page as a
 * reference for what any service adds to the statement. Prints; asserts nothing about speed.
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
    const bare = await bareServer();
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
        bare: { url: bare.url, path: '/', cookie: '' },
      };
      const version = await client.ask<string>('connect', { mysql: STACK.tenantB, port: STACK.tenantB.port });

      // The candidates in rounds of their own: an information_schema.PROCESSLIST read leaves the
      // server slower for a few milliseconds after it answers (MariaDB asks each of the connection
      // threads for its state), which would weigh on whatever is timed next.
      const candidates: Record<string, number>[] = [];
      for (let i = 0; i < ROUNDS; i++) candidates.push(await client.ask<Record<string, number>>('candidates', { statements: CANDIDATES }));
      const medians = Object.keys(CANDIDATES).map((name) => [name, median(candidates.map((r) => r[name]!))] as const);
      const [floorName] = medians.reduce((a, b) => (b[1] < a[1] && b[0] !== 'INNODB_TRX alone' ? b : a));
      // then the cheapest one and the requests, in batches side by side, round after round
      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) rounds.push(await client.ask<Round>('round', { floor: CANDIDATES[floorName], gets, n: BATCH }));
      const rows = rounds[0]!.rows;
      const of = (name: string) => median(rounds.flatMap((r) => r.times[name]!));
      const f = of('floor');
      const a = of('api');
      const c = of('apiCached');
      const noop = of('noop');
      const b = of('bare');
      process.stdout.write(
        [
          `list API bench: ${rows} sessions on the tenant (${version}), ${ROUNDS} rounds of ${BATCH} timed runs each`,
          '  application in a process of its own from dist; raw statements and requests from one plain Node client thread',
          ...medians.map(([name, m]) => `  raw ${name}: median ${m.toFixed(1)} ms`),
          `  floor = cheapest raw list statement (${floorName}), timed in the rounds beside the requests: median ${f.toFixed(1)} ms`,
          `  mapping ${rows} rows in process (list + transactions joined, SQL previews): median ${median(rounds.map((r) => r.mapping)).toFixed(2)} ms`,
          `  list API, no reuse (SESSION_LIST_CACHE_MS=0): median ${a.toFixed(1)} ms  ratio ${(a / f).toFixed(2)}x floor (goal <= 1.5x)`,
          `  authenticated no-op (/api/auth/me), the part of every request that is not the list: median ${noop.toFixed(1)} ms`,
          `  list API, no reuse, less the authenticated no-op: ${(a - noop).toFixed(1)} ms  ratio ${((a - noop) / f).toFixed(2)}x floor`,
          `  list API, default 1 s reuse:                  median ${c.toFixed(1)} ms  ratio ${(c / f).toFixed(2)}x floor`,
          `  reference: bare node:http + mysql2 pool, the same statement sorted and cut to 50 rows, no sign-in or mapping`,
          `    (bench/bare-list-server.mjs): median ${b.toFixed(1)} ms  ratio ${(b / f).toFixed(2)}x floor`,
          '',
        ].join('\n'),
      );
      expect(rows).toBeGreaterThanOrEqual(CONNECTIONS);
    } finally {
      await client.close();
      bare.child.disconnect();
      for (const a of apps) await a.close();
    }
  });
});
