import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { RelayRedis } from '../server/relay/sessions/relay-redis';
import { FakeAnthropic } from '../test/fixtures/fake-anthropic';
import type { Client } from '../test/support/app';
import { appBuilt, startAppProcess } from './app-process';
import { freePort, RedisServer, waitFor } from '../test/support/servers';
import { addKey, addProvider, startRelay } from '../test/support/relay';
import { WorkerClient } from './worker-client';

const SEQUENTIAL = Number(process.env.BENCH_RELAY_REQUESTS ?? 1000);
const STREAMS = Number(process.env.BENCH_RELAY_STREAMS ?? 50);
const STREAM_REQUESTS = Number(process.env.BENCH_RELAY_STREAM_REQUESTS ?? 1000);

const ROUNDS = Number(process.env.BENCH_RELAY_ROUNDS ?? 3);
/** sequential request pairs and streams (each way) before measuring: a relay that has served a few thousand requests, as a running one has */
const WARMUP = Number(process.env.BENCH_RELAY_WARMUP ?? 2000);

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** x-session-id `${prefix}${i % mod}` on request i */
  sid?: { prefix: string; mod: number };
}

/** The load generator on a thread of its own (bench/http-load.worker.mjs), shared by the direct and the relayed runs. */
class LoadClient extends WorkerClient {
  constructor() {
    super('http-load.worker.mjs');
  }

  latency(n: number, a: Target, b: Target): Promise<{ a: number[]; b: number[] }> {
    return this.ask('latency', { n, a, b });
  }

  throughput(target: Target, concurrency: number, total: number): Promise<number> {
    return this.ask('throughput', { target, concurrency, total });
  }
}

const median = (xs: number[]): number => pct(xs, 50);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Commands Redis executed (Lua's included) and the microseconds it spent in them, INFO excluded. */
async function commandCalls(r: Redis): Promise<{ calls: number; usec: number }> {
  const info = await r.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    if (m[1] === 'info') continue;
    calls += Number(m[2]);
    // a script's time includes the commands it ran, which are listed on their own lines as well
    if (m[1] === 'evalsha' || m[1] === 'eval') usec += Number(m[3]);
  }
  return { calls, usec };
}

const BUILT_FAKE = resolve(__dirname, '../dist/test/fixtures/fake-anthropic.js');

/** The fake provider in a process of its own when built (npm run bench builds it), so it does not share the relay's CPU. */
async function startUpstream(): Promise<{ url: string; apiKey: string; where: string; stop(): Promise<void> }> {
  if (!existsSync(BUILT_FAKE)) {
    const f = await FakeAnthropic.start();
    f.record = false;
    return { url: f.url, apiKey: f.apiKey, where: 'the Jest process', stop: () => f.close() };
  }
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, [BUILT_FAKE, String(port), 'bench-key'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('fake provider', async () => (await fetch(`${url}/`, { method: 'POST', body: '{}' })).status > 0, proc);
  return {
    url,
    apiKey: 'bench-key',
    where: 'its own process from dist',
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

interface BenchRelay {
  url: string;
  admin: Client;
  /** where the relay runs, printed with the figures */
  where: string;
  /** Redis round trips the gateway counted, and the CPU time (µs) of the relay's process when it has its own */
  stats(): Promise<{ roundTrips: number; cpuMicros: number | null; systemMicros: number | null }>;
  close(): Promise<void>;
}

/**
 * The relay in a process of its own from the build (bench/app-process.ts), as production runs
 * it, so that it shares neither the event loop nor the module loader of the Jest process that also
 * hosts the load generator's thread. Without a build (or with BENCH_RELAY_IN_PROCESS=1) it runs
 * inside the Jest process, as the benchmark did before.
 */
async function startBenchRelay(redisUrl: string): Promise<BenchRelay> {
  const env = { REDIS_URL: redisUrl, LOG_LEVEL: 'error', TENANT_HEALTH_INTERVAL_MS: '0' };
  if (!appBuilt() || process.env.BENCH_RELAY_IN_PROCESS === '1') {
    const f = await startRelay(env);
    const rr = f.t.app.get(RelayRedis);
    return {
      url: f.t.url,
      admin: f.admin,
      where: 'inside the Jest process (ts-jest sources)',
      // the Jest process's CPU time would include the load generator's thread: not reported
      stats: () => Promise.resolve({ roundTrips: rr.roundTrips, cpuMicros: null, systemMicros: null }),
      close: () => f.close(),
    };
  }
  return { ...(await startAppProcess(env)), where: 'its own process from dist (bench/app-main.mjs)' };
}

/**
 * The relay against the floor of calling the fake upstream directly, measured in the same run.
 * Prints; asserts nothing about speed.
 */
describe('relay gateway vs calling the upstream directly', () => {
  it(`measures ${SEQUENTIAL} sequential requests and ${STREAMS} concurrent streams`, async () => {
    const redisServer = await RedisServer.start();
    const up = await startUpstream();
    const f = await startBenchRelay(redisServer.url);
    const counter = new Redis(redisServer.url);
    const client = new LoadClient();
    try {
      await addProvider(f.admin, up, { name: 'bench', models: [] });
      const key = await addKey(f.admin, 'bench');
      const relayHeaders = { 'x-api-key': key.secret, 'anthropic-version': '2023-06-01' };
      const directHeaders = { 'x-api-key': up.apiKey, 'anthropic-version': '2023-06-01' };
      const json = JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'bench' }] });
      const sse = JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        stream: true,
        messages: [{ role: 'user', content: 'bench' }],
      });
      const streamHeaders = { 'x-fake-chunks': '50', 'x-fake-chunk-delay-ms': '1' };
      const directJson: Target = { url: up.url, headers: directHeaders, body: json };
      const relayJson = (prefix: string, mod: number): Target => ({
        url: f.url,
        headers: relayHeaders,
        body: json,
        sid: { prefix, mod },
      });
      const directSse: Target = { url: up.url, headers: { ...directHeaders, ...streamHeaders }, body: sse };
      const relaySse: Target = {
        url: f.url,
        headers: { ...relayHeaders, ...streamHeaders },
        body: sse,
        sid: { prefix: 'tp-', mod: STREAMS },
      };

      // warm-up (connections, JIT, script cache, caches), both kinds of request
      await client.latency(WARMUP, directJson, relayJson('warm-', 10));
      await client.throughput(directSse, STREAMS, WARMUP / 4);
      await client.throughput(relaySse, STREAMS, WARMUP / 4);

      // 1. added latency, interleaved so both see the same machine load
      const stats0 = await f.stats();
      const cmds0 = await commandCalls(counter);
      const lat = await client.latency(SEQUENTIAL, directJson, relayJson('lat-', 50));
      const direct = lat.a;
      const relayed = lat.b;
      const cmds1 = await commandCalls(counter);
      const cmds = cmds1.calls - cmds0.calls;
      const scriptUsec = cmds1.usec - cmds0.usec;
      const stats1 = await f.stats();
      const trips = stats1.roundTrips - stats0.roundTrips;
      const cpuPerRequest = stats1.cpuMicros === null ? null : (stats1.cpuMicros - stats0.cpuMicros!) / SEQUENTIAL;
      const systemPerRequest = stats1.systemMicros === null ? null : (stats1.systemMicros - stats0.systemMicros!) / SEQUENTIAL;

      // 2. throughput with concurrent streams: direct and relayed alternate, ROUNDS times each
      const directRuns: number[] = [];
      const relayRuns: number[] = [];
      const relayCpu: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        directRuns.push(await client.throughput(directSse, STREAMS, STREAM_REQUESTS));
        const before = await f.stats();
        relayRuns.push(await client.throughput(relaySse, STREAMS, STREAM_REQUESTS));
        const after = await f.stats();
        if (after.cpuMicros !== null) relayCpu.push((after.cpuMicros - before.cpuMicros!) / STREAM_REQUESTS);
      }
      const directRps = median(directRuns);
      const relayRps = median(relayRuns);
      const ratios = relayRuns.map((x, i) => (x / directRuns[i]!).toFixed(2)).join(' ');

      const lines = [
        `relay bench (${SEQUENTIAL} sequential JSON requests, ${STREAM_REQUESTS} streams of 50 deltas with ${STREAMS} concurrent):`,
        `  relay runs in    ${f.where}; fake upstream in ${up.where}; load generator on a worker thread of the Jest process`,
        `  warm-up          ${WARMUP} sequential JSON requests and ${WARMUP / 4} streams each way before measuring`,
        `  latency direct   p50 ${pct(direct, 50).toFixed(3)} ms  p99 ${pct(direct, 99).toFixed(3)} ms`,
        `  latency relayed  p50 ${pct(relayed, 50).toFixed(3)} ms  p99 ${pct(relayed, 99).toFixed(3)} ms`,
        `  added by relay   p50 ${(pct(relayed, 50) - pct(direct, 50)).toFixed(3)} ms  p99 ${(pct(relayed, 99) - pct(direct, 99)).toFixed(3)} ms  (goal p50 <= 1 ms)`,
        `  throughput       direct ${directRps.toFixed(0)} req/s  relayed ${relayRps.toFixed(0)} req/s  ratio ${(relayRps / directRps).toFixed(2)}x (goal >= 0.8x; medians of ${ROUNDS} alternating rounds, per round ${ratios})`,
        `  redis per proxied request: ${(trips / SEQUENTIAL).toFixed(2)} round trips (goal <= 3), ${(cmds / SEQUENTIAL).toFixed(1)} commands (incl. inside Lua), ${(scriptUsec / SEQUENTIAL).toFixed(0)} µs in Redis scripts`,
      ];
      if (cpuPerRequest !== null) {
        lines.push(
          `  relay CPU time   ${cpuPerRequest.toFixed(0)} µs per sequential JSON request (${systemPerRequest!.toFixed(0)} µs of it in the kernel), ${median(relayCpu).toFixed(0)} µs per stream (median of ${ROUNDS} rounds; user + system of the relay's process)`,
        );
      }
      console.log(lines.join('\n'));
      expect(relayed.length).toBe(SEQUENTIAL);
    } finally {
      counter.disconnect();
      await f.close();
      await up.stop();
      await redisServer.stop();
      await client.close();
    }
  });
});
