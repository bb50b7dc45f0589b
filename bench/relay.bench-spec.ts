import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { RelayRedis } from '../server/relay/sessions/relay-redis';
import { FakeAnthropic } from '../test/fixtures/fake-anthropic';
import { freePort, RedisServer, waitFor } from '../test/support/servers';
import { addKey, addProvider, startRelay } from '../test/support/relay';

const SEQUENTIAL = Number(process.env.BENCH_RELAY_REQUESTS ?? 1000);
const STREAMS = Number(process.env.BENCH_RELAY_STREAMS ?? 50);
const STREAM_REQUESTS = Number(process.env.BENCH_RELAY_STREAM_REQUESTS ?? 1000);

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function call(base: string, headers: Record<string, string>, body: string): Promise<number> {
  const u = new URL(`${base}/v1/messages`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        res.on('data', () => undefined);
        res.once('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function commandCalls(r: Redis): Promise<number> {
  const info = await r.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== 'info') total += Number(m[2]);
  return total;
}

const BUILT_FAKE = resolve(__dirname, '../dist/test/fixtures/fake-anthropic.js');

/** The fake provider in a process of its own when built (npm run bench builds it), so it does not share the relay's CPU. */
async function startUpstream(): Promise<{ url: string; apiKey: string; stop(): Promise<void> }> {
  if (!existsSync(BUILT_FAKE)) {
    const f = await FakeAnthropic.start();
    f.record = false;
    return { url: f.url, apiKey: f.apiKey, stop: () => f.close() };
  }
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, [BUILT_FAKE, String(port), 'bench-key'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('fake provider', async () => (await fetch(`${url}/`, { method: 'POST', body: '{}' })).status > 0, proc);
  return {
    url,
    apiKey: 'bench-key',
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The relay against the floor of calling the fake upstream directly, measured in the same run.
 * Prints; asserts nothing about speed.
 */
describe('relay gateway vs calling the upstream directly', () => {
  it(`measures ${SEQUENTIAL} sequential requests and ${STREAMS} concurrent streams`, async () => {
    const redisServer = await RedisServer.start();
    const up = await startUpstream();
    const f = await startRelay({ REDIS_URL: redisServer.url, LOG_LEVEL: 'error' });
    const counter = new Redis(redisServer.url);
    try {
      await addProvider(f.admin, up, { name: 'bench', models: [] });
      const key = await addKey(f.admin, 'bench');
      const relayHeaders = (sid: string) => ({ 'x-api-key': key.secret, 'x-session-id': sid, 'anthropic-version': '2023-06-01' });
      const directHeaders = { 'x-api-key': up.apiKey, 'anthropic-version': '2023-06-01' };
      const json = JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'bench' }] });
      const sse = JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        stream: true,
        messages: [{ role: 'user', content: 'bench' }],
      });

      // warm-up (connections, JIT, script cache)
      for (let i = 0; i < 100; i++) {
        await call(up.url, directHeaders, json);
        await call(f.t.url, relayHeaders(`warm-${i % 10}`), json);
      }

      // 1. added latency, interleaved so both see the same machine load
      const direct: number[] = [];
      const relayed: number[] = [];
      const rr = f.t.app.get(RelayRedis);
      const trips0 = rr.roundTrips;
      const cmds0 = await commandCalls(counter);
      for (let i = 0; i < SEQUENTIAL; i++) {
        direct.push(await call(up.url, directHeaders, json));
        relayed.push(await call(f.t.url, relayHeaders(`lat-${i % 50}`), json));
      }
      const cmds = (await commandCalls(counter)) - cmds0;
      const trips = rr.roundTrips - trips0;

      // 2. throughput with concurrent streams
      const streamHeaders = { 'x-fake-chunks': '50', 'x-fake-chunk-delay-ms': '1' };
      const run = async (base: string, headers: (i: number) => Record<string, string>): Promise<number> => {
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: STREAMS }, async () => {
            while (next < STREAM_REQUESTS) {
              const i = next++;
              await call(base, { ...headers(i), ...streamHeaders }, sse);
            }
          }),
        );
        return STREAM_REQUESTS / ((performance.now() - t0) / 1000);
      };
      const directRps = await run(up.url, () => directHeaders);
      const relayRps = await run(f.t.url, (i) => relayHeaders(`tp-${i % STREAMS}`));

      const lines = [
        `relay bench (${SEQUENTIAL} sequential JSON requests, ${STREAM_REQUESTS} streams of 50 deltas with ${STREAMS} concurrent):`,
        `  latency direct   p50 ${pct(direct, 50).toFixed(3)} ms  p99 ${pct(direct, 99).toFixed(3)} ms`,
        `  latency relayed  p50 ${pct(relayed, 50).toFixed(3)} ms  p99 ${pct(relayed, 99).toFixed(3)} ms`,
        `  added by relay   p50 ${(pct(relayed, 50) - pct(direct, 50)).toFixed(3)} ms  p99 ${(pct(relayed, 99) - pct(direct, 99)).toFixed(3)} ms  (goal p50 <= 1 ms)`,
        `  throughput       direct ${directRps.toFixed(0)} req/s  relayed ${relayRps.toFixed(0)} req/s  ratio ${(relayRps / directRps).toFixed(2)}x (goal >= 0.8x)`,
        `  redis per proxied request: ${(trips / SEQUENTIAL).toFixed(2)} round trips (goal <= 3), ${(cmds / SEQUENTIAL).toFixed(1)} commands (incl. inside Lua)`,
      ];
      console.log(lines.join('\n'));
      expect(relayed.length).toBe(SEQUENTIAL);
    } finally {
      counter.disconnect();
      await f.close();
      await up.stop();
      await redisServer.stop();
      agent.destroy();
    }
  });
});
