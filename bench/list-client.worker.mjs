// The list benchmark's client, on a thread of its own: it issues the raw statements with mysql2 and
// the console's requests over kept-alive HTTP, so the floor and the API are timed by the same plain
// Node code. Inside Jest's module sandbox mysql2 parses rows about 2.5x slower than in Node (7.1 vs
// 2.8 ms for SHOW FULL PROCESSLIST with 2,000 sessions), which would inflate the floor and the
// application alike; the application answers from a process of its own (bench/app-process.ts).
import http from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const mysql = require('mysql2/promise');
const { mapSnapshotRows } = require('../dist/server/db-sessions/session-snapshots.js');
const { adapterFor } = require('../dist/server/db-sessions/dialects/index.js');
const { capabilitiesOf, detectDialect } = require('../dist/server/tenants/dialect.js');

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let conn;
let tenant;

/** GET on a kept-alive connection, as the console's browser sends it; anything but 200 fails the run. */
function get(url, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { agent, headers: { cookie } }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET ${path} answered ${res.statusCode}`))));
    });
    req.once('error', reject);
    req.end();
  });
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Connects to the tenant as the console would read it; answers its version. */
async function connect({ mysql: options, port }) {
  conn = await mysql.createConnection({ ...options, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  const [[{ v }]] = await conn.query('SELECT VERSION() AS v');
  const detected = detectDialect(String(v), null);
  tenant = { adapter: adapterFor(detected.dialect), caps: capabilitiesOf(detected, false), where: { id: 1, host: options.host, port } };
  return String(v);
}

/** One round of the candidate statements, each timed. */
async function candidates({ statements }) {
  const raw = {};
  for (const [name, sql] of Object.entries(statements)) raw[name] = await time(() => conn.query(sql));
  return raw;
}

/**
 * One round: a batch of each — the floor statement, then each GET — and the in-process mapping of
 * the rows (the list and transaction statements of the adapter, read beforehand, joined and cut to
 * previews). Each batch starts with one untimed run, which pays for whatever ran before it (a
 * collection in another process, the server's threads after another statement); the `n` timed
 * runs after it see what a page refreshed again and again sees.
 */
async function round({ floor: sql, gets, n }) {
  let rows = 0;
  const runs = {
    floor: async () => {
      const [r] = await conn.query(sql);
      rows = r.length;
    },
  };
  for (const [name, g] of Object.entries(gets)) runs[name] = () => get(g.url, g.path, g.cookie);
  const times = {};
  for (const [name, run] of Object.entries(runs)) {
    await run();
    times[name] = [];
    for (let i = 0; i < n; i++) times[name].push(await time(run));
  }
  const { adapter, caps, where } = tenant;
  const [list] = await conn.query(adapter.listSql(caps));
  const [trx] = await conn.query(adapter.transactionsSql(caps) ?? 'SELECT 1 AS id');
  const mapping = await time(async () => mapSnapshotRows(adapter, where, list, trx));
  return { times, mapping, rows };
}

const ops = { connect, candidates, round };

parentPort.on('message', (m) => {
  if (m.op === 'close') {
    agent.destroy();
    void (conn ? conn.end() : Promise.resolve()).finally(() => parentPort.close());
    return;
  }
  ops[m.op](m)
    .then((result) => parentPort.postMessage({ id: m.id, result }))
    .catch((err) => parentPort.postMessage({ id: m.id, error: err.message }));
});
