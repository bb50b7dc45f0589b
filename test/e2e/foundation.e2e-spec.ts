import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/app.factory';
import { createDataSource, openDatabase } from '../../server/common/database';
import { JsonLogger } from '../../server/common/logger';
import { loadConfig } from '../../server/config/config';
import { MIGRATIONS } from '../../migrations';
import { ADMIN_PASSWORD, dropDatabase, login, metaUrl, startTestApp, TestApp } from '../support/app';
import { RedisServer } from '../support/servers';

describe('foundation: HTTP basics on the real stack', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the metadata database and Redis separately', async () => {
    const res = await request(t.url).get('/api/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', db: { status: 'ok' }, redis: { status: 'ok' } });
  });

  it('gives every response a request id and echoes a sane incoming one', async () => {
    const fresh = await request(t.url).get('/api/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(t.url).get('/api/health').set('X-Request-Id', 'trace-abc.1');
    expect(kept.headers['x-request-id']).toBe('trace-abc.1');
  });

  it('answers unknown API routes with the JSON error shape', async () => {
    const res = await request(t.url).get('/api/no-such-thing').expect(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) });
  });

  it("serves the console's HTML for its routes and 404 for a missing file", async () => {
    // a page route, opened by a browser or by curl
    for (const accept of ['text/html,application/xhtml+xml,*/*;q=0.8', '*/*']) {
      const page = await request(t.url).get('/tenants/1/sessions').set('Accept', accept).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<div id="app">');
    }
    // revalidated, not fetched again, while it has not changed
    const first = await request(t.url).get('/tenants/1/sessions').set('Accept', 'text/html').expect(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    await request(t.url).get('/login').set('Accept', 'text/html').set('If-Modified-Since', first.headers['last-modified']!).expect(304);
    // a relay session id may hold a dot: opened as a page it is still the console
    await request(t.url).get('/dashboard/sessions/abc.def/messages').set('Accept', 'text/html').expect(200);
    // what a browser fetches as an image or a script is not answered with the console's HTML
    const icon = await request(t.url).get('/favicon.ico').set('Accept', 'image/avif,image/webp,image/*,*/*;q=0.8').expect(404);
    expect(icon.body.code).toBe('NOT_FOUND');
    await request(t.url).get('/assets/no-such-chunk.js').set('Accept', '*/*').expect(404);
  });

  it('names each offending field of an invalid body', async () => {
    const res = await request(t.url).post('/api/auth/login').send({ username: '', password: 5 }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = (res.body.details.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['password', 'username']);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await request(t.url).post('/api/auth/login').set('Content-Type', 'application/json').send('{"username":').expect(400);
    expect(res.body.code).toBe('BAD_REQUEST');
  });

  it('serves the OpenAPI document to signed-in users only', async () => {
    expect((await request(t.url).get('/api/docs-json').expect(401)).body.code).toBe('UNAUTHENTICATED');
    await request(t.url).get('/api/docs').expect(401);
    const admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const res = await admin.get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/auth/login']));
  });

  it('writes structured JSON log lines carrying the request id', async () => {
    await request(t.url)
      .post('/api/auth/login')
      .set('X-Request-Id', 'log-check-1')
      .send({ username: 'nobody', password: 'secret-pw' })
      .expect(401);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.every((l) => typeof l.time === 'string' && typeof l.level === 'string')).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'log-check-1', method: 'POST', path: '/api/auth/login', status: 401 }),
    );
    expect(t.logs.join('\n')).not.toContain('secret-pw');
  });
});

describe('foundation: Redis going away and coming back', () => {
  let redis: RedisServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('answers 503 naming Redis within 2 s, keeps running, and recovers without a restart', async () => {
    await request(t.url).get('/api/health').expect(200);
    await redis.stop();
    const started = Date.now();
    const down = await request(t.url).get('/api/health');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'degraded', db: { status: 'ok' }, redis: { status: 'down' } });

    await redis.start();
    // The client reconnects on its own schedule; ask the server until it reports Redis back.
    const deadline = Date.now() + 10000;
    let last = down;
    while (Date.now() < deadline) {
      last = await request(t.url).get('/api/health');
      if (last.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last.status).toBe(200);
    expect(last.body.redis.status).toBe('ok');
  });
});

describe('foundation: the local stack script', () => {
  it('is a no-op when the stack is already up', () => {
    const res = spawnSync('bash', ['scripts/stack.sh', 'up'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.includes('already running'))).toBe(true);
    const status = spawnSync('bash', ['scripts/stack.sh', 'status'], { encoding: 'utf8' });
    expect(status.status).toBe(0);
    expect(status.stdout.match(/ up \(pid \d+/g)).toHaveLength(4);
  });
});

describe('foundation: configuration and migrations', () => {
  it('stops the process naming every bad variable', () => {
    const main = 'dist/server/main.js';
    expect(existsSync(main)).toBe(true);
    const res = spawnSync(process.execPath, [main], { env: { ...process.env, PORT: 'abc', REDIS_URL: 'foo' }, encoding: 'utf8' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('PORT: got "abc"');
    expect(res.stderr).toContain('REDIS_URL: got "foo"');
  });

  it('refuses to open a metadata database with pending migrations, naming them', async () => {
    const db = `so_e2e_pending_${randomBytes(4).toString('hex')}`;
    const ds = createDataSource(metaUrl('mysql'));
    await ds.initialize();
    await ds.query(`CREATE DATABASE \`${db}\``);
    await ds.destroy();
    // every migration, oldest first, is named
    const pending = MIGRATIONS.map((m) => m.name).join(', ');
    expect(pending).toMatch(/^Init1764072000000, Tenants1764072100000, /);
    try {
      const config = loadConfig({ DATABASE_URL: metaUrl(db), MASTER_KEY: randomBytes(32).toString('base64') });
      await expect(openDatabase(config)).rejects.toThrow(`pending migrations: ${pending}. Run "npm run migrate" first.`);
      // the application (TypeOrmModule) refuses to start on it too, at once
      const logs: string[] = [];
      await expect(createApp(config, { logger: new JsonLogger('warn', (line) => logs.push(line)) })).rejects.toThrow(
        `pending migrations: ${pending}. Run "npm run migrate" first.`,
      );
      expect(logs.join('\n')).not.toMatch(/Retrying/);
      const demo = await openDatabase({ ...config, demo: true });
      await demo.destroy();
      const again = await openDatabase(config);
      await again.destroy();
    } finally {
      await dropDatabase(db);
    }
  });
});
