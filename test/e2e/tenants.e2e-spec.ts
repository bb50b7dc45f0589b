import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { unseal } from '../../server/tenants/credential-vault';
import { createServer, type Server, type Socket } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { freePort, MariaDbServer } from '../support/servers';
import { STACK } from '../support/stack';

const SECRET = 'Pl41n-T3xt-Secret-9d8e';
const VIEWER = 'so_e2e_viewer';

describe('clusters and tenants registry on the real stack', () => {
  let t: TestApp;
  let admin: Client;
  let clusterId: number;

  beforeAll(async () => {
    const c = await createConnection({ ...STACK.tenantB });
    await c.query(`DROP USER IF EXISTS '${VIEWER}'@'127.0.0.1'`);
    await c.query(`CREATE USER '${VIEWER}'@'127.0.0.1' IDENTIFIED BY '${SECRET}'`);
    await c.end();
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const res = await admin.post('/api/clusters', { name: 'local', kind: 'mysql', description: 'stack' }).expect(201);
    clusterId = res.body.id;
  });

  afterAll(async () => {
    await t.close();
    const c = await createConnection({ ...STACK.tenantB });
    await c.query(`DROP USER IF EXISTS '${VIEWER}'@'127.0.0.1'`);
    await c.end();
  });

  it('registers both stack tenants and detects MariaDB 10.11 with full privileges', async () => {
    for (const [name, s] of [
      ['tenant-a', STACK.tenantA],
      ['tenant-b', STACK.tenantB],
    ] as const) {
      const res = await admin
        .post('/api/tenants', { clusterId, name, host: s.host, port: s.port, username: s.user, password: s.password })
        .expect(201);
      expect(res.body.tenant).toMatchObject({ name, dialect: 'mariadb', health: { status: 'up' }, hasPassword: true });
      expect(res.body.tenant.version).toMatch(/^10\.11\./);
      expect(res.body.test).toMatchObject({ ok: true, privileges: { process: true, kill: true } });
      expect(res.body.tenant.capabilities).toMatchObject({ processlistSource: 'information_schema.PROCESSLIST', fullLinkTrace: false });
      expect(JSON.stringify(res.body)).not.toContain(s.password === 'sessionops' ? '"password"' : s.password);
    }
    const list = await admin.get('/api/tenants').expect(200);
    expect(list.body.items.map((x: { name: string }) => x.name)).toEqual(['tenant-a', 'tenant-b']);
  });

  it('reports missing privileges of an unprivileged account in plain words', async () => {
    const res = await admin
      .post('/api/tenants/test', { name: 'viewer', host: STACK.tenantB.host, port: STACK.tenantB.port, username: VIEWER, password: SECRET })
      .expect(200);
    expect(res.body).toMatchObject({ ok: true, dialect: 'mariadb', privileges: { process: false, kill: false } });
    expect(res.body.messages.join('\n')).toMatch(/PROCESS missing: only this account's own sessions are visible/);
    expect(res.body.messages.join('\n')).toMatch(/other users' sessions cannot be closed/);
  });

  it("surfaces a wrong password with the database's own message, never the password", async () => {
    const res = await admin
      .post('/api/tenants/test', {
        name: 'x',
        host: STACK.tenantB.host,
        port: STACK.tenantB.port,
        username: VIEWER,
        password: 'wrong-' + SECRET,
      })
      .expect(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.error.code).toBe('TENANT_AUTH_FAILED');
    expect(res.body.error.message).toMatch(/Access denied for user/);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('keeps the stored password when a tenant is edited without one, and never stores it in plaintext', async () => {
    const created = await admin
      .post('/api/tenants', {
        clusterId,
        name: 'viewer',
        host: STACK.tenantB.host,
        port: STACK.tenantB.port,
        username: VIEWER,
        password: SECRET,
      })
      .expect(201);
    const id = created.body.tenant.id;
    const edited = await admin.patch(`/api/tenants/${id}`, { name: 'viewer-2' }).expect(200);
    expect(edited.body.test.ok).toBe(true);
    expect(edited.body.tenant.name).toBe('viewer-2');
    // where the password goes may change only with the password entered again
    const moved = await admin.patch(`/api/tenants/${id}`, { proxyAddress: '127.0.0.1:2883' }).expect(400);
    expect(moved.body.code).toBe('TENANT_PASSWORD_REQUIRED');
    await admin.patch(`/api/tenants/${id}`, { proxyAddress: '127.0.0.1:2883', password: SECRET }).expect(200);

    const db = new URL(t.config.databaseUrl).pathname.slice(1);
    const dump = spawnSync(
      'mariadb-dump',
      ['--no-defaults', '-h', STACK.meta.host, '-P', String(STACK.meta.port), '-u', STACK.meta.user, `-p${STACK.meta.password}`, db],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('INSERT INTO `tenants`');
    expect(dump.stdout).not.toContain(SECRET);
    expect(t.logs.join('\n')).not.toContain(SECRET);
    await admin.del(`/api/tenants/${id}`).expect(204);
  });

  it('re-encrypts every stored credential under a new key (npm run rotate-key)', async () => {
    const next = randomBytes(32);
    const env = { ...process.env, DATABASE_URL: t.config.databaseUrl, MASTER_KEY: t.config.masterKey.toString('base64') };
    const bad = spawnSync(process.execPath, ['dist/server/cli/rotate-key.js'], {
      env: { ...env, NEW_MASTER_KEY: 'short' },
      encoding: 'utf8',
    });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/nothing changed.*NEW_MASTER_KEY/s);
    const ds = t.app.get(DataSource);
    const before = (await ds.query('SELECT id, password_enc FROM tenants ORDER BY id')) as { id: number; password_enc: string }[];
    const ok = spawnSync(process.execPath, ['dist/server/cli/rotate-key.js'], {
      env: { ...env, NEW_MASTER_KEY: next.toString('base64') },
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/Re-encrypted 2 credential\(s\)/);
    const after = (await ds.query('SELECT id, password_enc FROM tenants ORDER BY id')) as { id: number; password_enc: string }[];
    expect(after.map((r) => unseal(next, r.password_enc))).toEqual(before.map((r) => unseal(t.config.masterKey, r.password_enc)));
    expect(() => unseal(t.config.masterKey, after[0]!.password_enc)).toThrow();
    // put the old key's ciphertexts back so the rest of this suite keeps working
    for (const r of before) await ds.query('UPDATE tenants SET password_enc = ? WHERE id = ?', [r.password_enc, r.id]);
  });

  it('refuses bad input with precise errors', async () => {
    const bad = await admin
      .post('/api/tenants', { clusterId, name: 'x', host: 'bad host!', port: 70000, username: 'u', password: 'p' })
      .expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['host', 'port']);
    const dup = await admin
      .post('/api/tenants', {
        clusterId,
        name: 'tenant-a',
        host: STACK.tenantA.host,
        port: STACK.tenantA.port,
        username: 'sessionops',
        password: 'sessionops',
      })
      .expect(409);
    expect(dup.body.code).toBe('NAME_TAKEN');
    const noCluster = await admin
      .post('/api/tenants', { clusterId: 999999, name: 'y', host: '127.0.0.1', port: 3317, username: 'u', password: 'p' })
      .expect(404);
    expect(noCluster.body.code).toBe('CLUSTER_NOT_FOUND');
    await admin.post('/api/clusters', { name: 'local', kind: 'mysql' }).expect(409);
    const notEmpty = await admin.del(`/api/clusters/${clusterId}`).expect(409);
    expect(notEmpty.body).toMatchObject({ code: 'CLUSTER_NOT_EMPTY', details: { tenantCount: 2 } });
    expect(notEmpty.body.message).toContain('2 tenant(s)');
    await admin.get('/api/tenants/abc').expect(400);
    await admin.get('/api/tenants/424242').expect(404);
  });

  it('says a server that does not speak MySQL is not MySQL-compatible', async () => {
    const port = await freePort();
    const server = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const res = await admin
        .post('/api/tenants/test', { name: 'http', host: '127.0.0.1', port, username: 'u', password: 'p' })
        .expect(200);
      expect(res.body.ok).toBe(false);
      expect(['TENANT_NOT_MYSQL', 'TENANT_UNREACHABLE']).toContain(res.body.error.code);
    } finally {
      server.close();
    }
  });
});

describe('a dead or hanging tenant does not hold up the others', () => {
  let t: TestApp;
  let admin: Client;
  let db: MariaDbServer;
  let hanging: Server;
  const sockets: Socket[] = [];
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    db = await MariaDbServer.start();
    const hangPort = await freePort();
    // accepts TCP connections and never says a word: the worst kind of tenant
    hanging = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hanging.listen(hangPort, '127.0.0.1', r));
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const cluster = (await admin.post('/api/clusters', { name: 'c', kind: 'mysql' }).expect(201)).body.id;
    for (const [name, port] of [
      ['live', STACK.tenantA.port],
      ['doomed', db.port],
      ['hanging', hangPort],
    ] as const) {
      const res = await admin
        .post('/api/tenants', { clusterId: cluster, name, host: '127.0.0.1', port, username: 'sessionops', password: 'sessionops' })
        .expect(201);
      ids[name] = res.body.tenant.id;
    }
  }, 120000);

  afterAll(async () => {
    await t.close();
    for (const s of sockets) s.destroy();
    hanging.close();
    await db.destroy();
  });

  it('fails the stopped tenant within 3.5 s while the live one still answers', async () => {
    await db.stop();
    const started = Date.now();
    const [dead, live] = await Promise.all([
      admin.post(`/api/tenants/${ids.doomed}/test`).expect(200),
      admin.post(`/api/tenants/${ids.live}/test`).expect(200),
    ]);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(dead.body).toMatchObject({ ok: false, error: { code: 'TENANT_UNREACHABLE' } });
    expect(live.body.ok).toBe(true);
    const health = await admin.get(`/api/tenants/${ids.doomed}`).expect(200);
    expect(health.body.health).toMatchObject({ status: 'down' });
    expect(health.body.health.error).toMatch(/unreachable/);
  });

  it('bounds a tenant that accepts connections but never answers, and the live tenant answers first', async () => {
    const order: string[] = [];
    const started = Date.now();
    const hung = admin
      .post(`/api/tenants/${ids.hanging}/test`)
      .expect(200)
      .then((r) => {
        order.push('hanging');
        return r;
      });
    const live = admin
      .post(`/api/tenants/${ids.live}/test`)
      .expect(200)
      .then((r) => {
        order.push('live');
        return r;
      });
    const [h, l] = await Promise.all([hung, live]);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(order).toEqual(['live', 'hanging']);
    expect(l.body.ok).toBe(true);
    expect(h.body).toMatchObject({ ok: false, error: { code: 'TENANT_UNREACHABLE' } });
  });
});
