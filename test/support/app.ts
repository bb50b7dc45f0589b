import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';
import request from 'supertest';
import { closeApp, createApp } from '../../server/app.factory';
import { migrate } from '../../server/cli/migrate';
import { JsonLogger } from '../../server/common/logger';
import { AppConfig, loadConfig } from '../../server/config/config';
import { STACK } from './stack';

export const ADMIN_PASSWORD = 'admin-e2e-password';

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  logs: string[];
  close(): Promise<void>;
}

export function metaUrl(db: string): string {
  const m = STACK.meta;
  return `mysql://${m.user}:${m.password}@${m.host}:${m.port}/${db}`;
}

/**
 * A whole application on an ephemeral port with its own metadata database and Redis key space,
 * so test files never see each other's data.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const id = randomBytes(5).toString('hex');
  const db = `so_e2e_${id}`;
  await migrate(metaUrl(db));
  const config = loadConfig({
    DATABASE_URL: metaUrl(db),
    REDIS_URL: STACK.redisUrl,
    REDIS_PREFIX: `e2e:${id}:`,
    MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...(process.env.WEB_DIST ? { WEB_DIST: process.env.WEB_DIST } : {}),
    ...env,
  });
  const logs: string[] = [];
  const app = await createApp(config, { logger: new JsonLogger(config.logLevel, (line) => logs.push(line)) });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    logs,
    async close() {
      await closeApp(app);
      await dropDatabase(db);
      await deleteKeys(config.redisUrl, config.redisPrefix);
    },
  };
}

/**
 * Another instance of the same deployment as `first`: same metadata database, Redis key space and
 * master key, its own process-local state and port. Closing it leaves the shared data to `first`.
 */
export async function startSecondInstance(first: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: first.config.databaseUrl,
    REDIS_URL: first.config.redisUrl,
    REDIS_PREFIX: first.config.redisPrefix,
    MASTER_KEY: first.config.masterKey.toString('base64'),
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...env,
  });
  const logs: string[] = [];
  const app = await createApp(config, { logger: new JsonLogger(config.logLevel, (line) => logs.push(line)) });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config,
    logs,
    async close() {
      await closeApp(app);
    },
  };
}

export async function dropDatabase(db: string): Promise<void> {
  const c = await createConnection({ ...STACK.meta });
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
  } finally {
    await c.end();
  }
}

export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis may be the thing a test stopped; nothing to clean then.
  } finally {
    r.disconnect();
  }
}

/** A signed-in HTTP client: cookie jar plus the CSRF token for mutations. */
export interface Client {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  del(path: string): request.Test;
}

export async function login(url: string, username: string, password: string): Promise<Client> {
  const agent = request.agent(url);
  const res = await agent.post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const csrf = (res.body as { csrfToken: string }).csrfToken;
  return {
    agent,
    csrf,
    get: (p) => agent.get(p),
    post: (p, b = {}) => agent.post(p).set('X-CSRF-Token', csrf).send(b),
    put: (p, b = {}) => agent.put(p).set('X-CSRF-Token', csrf).send(b),
    patch: (p, b = {}) => agent.patch(p).set('X-CSRF-Token', csrf).send(b),
    del: (p) => agent.delete(p).set('X-CSRF-Token', csrf),
  };
}
