import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from '../server/cli/migrate';
import { ADMIN_PASSWORD, type Client, dropDatabase, login, metaUrl } from '../test/support/app';

const BUILT_APP = resolve(__dirname, '../dist/server/app.factory.js');

/** Whether the build is there for `startAppProcess` (npm run bench builds it). */
export const appBuilt = (): boolean => existsSync(BUILT_APP);

export interface AppProcess {
  url: string;
  admin: Client;
  /** Redis round trips the relay gateway counted, and the CPU time (µs) of the process */
  stats(): Promise<{ roundTrips: number; cpuMicros: number; systemMicros: number }>;
  close(): Promise<void>;
}

/**
 * The whole application in a process of its own from the build (bench/app-main.mjs), as
 * production runs it, on a fresh metadata database and Redis prefix, signed in as admin. It then
 * shares neither the event loop nor the module loader of the Jest process, which also hosts the
 * benchmark's own client (a load generator, Playwright).
 * BENCH_APP_NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles that process alone.
 */
export async function startAppProcess(env: Record<string, string> = {}): Promise<AppProcess> {
  const id = randomBytes(5).toString('hex');
  const db = `so_bench_${id}`;
  await migrate(metaUrl(db));
  const nodeFlags = (process.env.BENCH_APP_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const proc: ChildProcess = spawn(process.execPath, [...nodeFlags, resolve(__dirname, 'app-main.mjs')], {
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      TENANT_HEALTH_INTERVAL_MS: '0',
      ...env,
      DATABASE_URL: metaUrl(db),
      REDIS_PREFIX: `bench:${id}:`,
      MASTER_KEY: randomBytes(32).toString('base64'),
      ADMIN_PASSWORD,
      PORT: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const port = await new Promise<number>((resolvePort, reject) => {
    proc.on('message', (m: { op: string; port?: number }) => {
      if (m.op === 'listening') resolvePort(m.port!);
    });
    void exited.then(() => reject(new Error('the application process exited before listening')));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    admin: await login(url, 'admin', ADMIN_PASSWORD),
    stats: () =>
      new Promise((r) => {
        const on = (m: { op: string; roundTrips?: number; cpuMicros?: number; systemMicros?: number }) => {
          if (m.op !== 'stats') return;
          proc.off('message', on);
          r({ roundTrips: m.roundTrips!, cpuMicros: m.cpuMicros!, systemMicros: m.systemMicros! });
        };
        proc.on('message', on);
        proc.send({ op: 'stats' });
      }),
    async close() {
      proc.send({ op: 'close' });
      await exited;
      await dropDatabase(db);
    },
  };
}
