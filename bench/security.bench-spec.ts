import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ADMIN_PASSWORD, login, startTestApp, TestApp } from '../test/support/app';
import { closeKeepAlive, cookieOf, send } from './keep-alive';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);
const HOSTILE_CONCURRENCY = Number(process.env.BENCH_HOSTILE_CONCURRENCY ?? 2);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Sends the hostile bodies in a loop until SIGTERM, then prints the answers it got as one JSON line. */
const ATTACKER_SCRIPT = `
const http = require('node:http');
const [url, list, n] = process.argv.slice(1);
const bodies = JSON.parse(require('node:fs').readFileSync(list, 'utf8'));
const agent = new http.Agent({ keepAlive: true });
const statuses = {}; const times = []; let sent = 0; let stop = false;
const one = (h) => new Promise((resolve) => {
  const t0 = performance.now();
  const req = http.request(url + h.path, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
    res.resume(); res.on('end', () => { statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1; times.push(performance.now() - t0); sent++; resolve(); });
  });
  req.on('error', () => resolve());
  req.end(h.body);
});
const loop = async (k) => { for (let i = k; !stop; i++) await one(bodies[i % bodies.length]); };
const loops = Array.from({ length: Number(n) }, (_, k) => loop(k));
process.stdout.write('started\\n');
process.on('SIGTERM', async () => { stop = true; await Promise.all(loops); process.stdout.write(JSON.stringify({ statuses, sent, times }) + '\\n'); process.exit(0); });
`;

const keys = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `"${prefix}${i}":1`).join(',');

/** The hostile bodies of the security review: each used to cost seconds of CPU. */
const HOSTILE: { what: string; path: string; body: string }[] = [
  { what: '150,000-key username (1.7 MB)', path: '/api/auth/login', body: `{"username":{${keys(150000, 'k')}},"password":"x"}` },
  { what: '60,000 unknown keys', path: '/api/auth/login', body: `{${keys(60000, 'u')},"username":"a","password":"b"}` },
  { what: '4 MB nested array', path: '/api/auth/login', body: `{"username":${'['.repeat(2 << 20)}${']'.repeat(2 << 20)}}` },
  { what: '900 KB nested array (elsewhere)', path: '/api/clusters', body: `{"name":${'['.repeat(450000)}${']'.repeat(450000)}}` },
  { what: '60,000 unknown keys (elsewhere)', path: '/api/clusters', body: `{${keys(60000, 'u')}}` },
];

/**
 * Prints; asserts nothing about speed.
 * - /api/health p50/p99 idle, then while hostile bodies are sent without pause: goal within 2x.
 * - an authenticated no-op (GET /api/auth/me) against /api/health: goal at most 1.5x.
 */
describe('security benchmarks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    closeKeepAlive();
    await t.close();
  });

  it('measures /api/health while hostile bodies arrive', async () => {
    for (let i = 0; i < 50; i++) await send(t.url, '/api/health');
    const idle: number[] = [];
    const cpuIdle0 = process.cpuUsage();
    for (let i = 0; i < ROUNDS; i++) idle.push(await timed(() => send(t.url, '/api/health')));
    const cpuIdle = process.cpuUsage(cpuIdle0);

    // The attackers run in their own process, so that building and uploading their bodies does not
    // share this process's event loop with the server under test.
    const bodiesFile = join(mkdtempSync(join(tmpdir(), 'so-bench-')), 'hostile.json');
    const only = process.env.BENCH_HOSTILE_ONLY;
    writeFileSync(bodiesFile, JSON.stringify(only ? HOSTILE.filter((h) => h.path.includes(only)) : HOSTILE));
    const attackerProc = spawn(process.execPath, ['-e', ATTACKER_SCRIPT, t.url, bodiesFile, String(HOSTILE_CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    // on until the attackers say they are sending
    await new Promise<void>((started) =>
      attackerProc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('started')) started();
      }),
    );
    const loaded: number[] = [];
    const cpuLoaded0 = process.cpuUsage();
    for (let i = 0; i < ROUNDS; i++) loaded.push(await timed(() => send(t.url, '/api/health')));
    const cpuLoaded = process.cpuUsage(cpuLoaded0);
    attackerProc.kill('SIGTERM');
    await new Promise((r) => attackerProc.once('exit', r));
    rmSync(dirname(bodiesFile), { recursive: true, force: true });
    const report = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? '{"statuses":{},"sent":0,"times":[]}') as {
      statuses: Record<string, number>;
      sent: number;
      times: number[];
    };
    const statuses = new Map(Object.entries(report.statuses).map(([k, v]) => [Number(k), v]));
    const hostileSent = report.sent;
    const hostileTimes = report.times.length ? report.times : [0];

    process.stdout.write(
      [
        `health under hostile bodies: ${ROUNDS} health requests each, ${HOSTILE_CONCURRENCY} attackers, ${hostileSent} hostile requests`,
        `  hostile answers: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}; hostile request p50 ${pct(hostileTimes, 50).toFixed(1)} ms, p99 ${pct(hostileTimes, 99).toFixed(1)} ms (mostly upload time)`,
        `  /api/health idle:    p50 ${pct(idle, 50).toFixed(2)} ms  p99 ${pct(idle, 99).toFixed(2)} ms`,
        `  /api/health loaded:  p50 ${pct(loaded, 50).toFixed(2)} ms  p99 ${pct(loaded, 99).toFixed(2)} ms`,
        `  server CPU per hostile request (this process, beyond the health requests): ${(
          (cpuLoaded.user + cpuLoaded.system - cpuIdle.user - cpuIdle.system) /
          1000 /
          Math.max(1, hostileSent)
        ).toFixed(2)} ms`,
        `  ratio loaded / idle: p50 ${(pct(loaded, 50) / pct(idle, 50)).toFixed(2)}x, p99 ${(pct(loaded, 99) / pct(idle, 99)).toFixed(2)}x (goal <= 2x)`,
        '',
      ].join('\n'),
    );
    expect([...statuses.keys()].every((s) => s === 400 || s === 413)).toBe(true);
  });

  it('measures an authenticated no-op against /api/health', async () => {
    const admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const res = await admin.get('/api/auth/me').expect(200);
    const cookie = [res.request.cookies].flat().join('; ') || cookieOf(admin.agent);
    const headers = { cookie };
    expect(await send(t.url, '/api/auth/me', { headers })).toBe(200);
    for (let i = 0; i < 50; i++) {
      await send(t.url, '/api/health');
      await send(t.url, '/api/auth/me', { headers });
    }
    const health: number[] = [];
    const me: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      health.push(await timed(() => send(t.url, '/api/health')));
      me.push(await timed(() => send(t.url, '/api/auth/me', { headers })));
    }
    process.stdout.write(
      [
        `authenticated no-op: ${ROUNDS} rounds, alternating`,
        `  /api/health (metadata DB + Redis ping): median ${pct(health, 50).toFixed(2)} ms`,
        `  GET /api/auth/me (session + principal): median ${pct(me, 50).toFixed(2)} ms`,
        `  ratio: ${(pct(me, 50) / pct(health, 50)).toFixed(2)}x /api/health (goal <= 1.5x)`,
        '',
      ].join('\n'),
    );
  });
});
