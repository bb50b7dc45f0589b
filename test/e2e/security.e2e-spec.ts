import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import { closeApp, createApp } from '../../server/app.factory';
import { AuditService } from '../../server/audit/audit.service';
import { ConsoleSessionStore } from '../../server/auth/console-session.store';
import { CredentialVault } from '../../server/tenants/credential-vault';
import { TenantPools } from '../../server/tenants/tenant-pools';
import { TenantProbe } from '../../server/tenants/tenant-probe';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { RogueMysqlServer } from '../support/rogue-mysql';
import { STACK, tenantConnection } from '../support/stack';

interface AuditRow {
  action: string;
  actorName: string;
  actorIp: string;
  result: string;
  errorCode: string | null;
  target: Record<string, unknown> | null;
}

/** The security properties a hostile caller probes: bounded work, credentials, throttles, ids, headers, audit. */
describe('security: tried as an attacker would', () => {
  let t: TestApp;
  let admin: Client;
  const ids: Record<string, number> = {};

  const auditOf = async (query: Record<string, string>): Promise<AuditRow[]> =>
    (
      await admin
        .get('/api/audit')
        .query({ pageSize: '100', ...query })
        .expect(200)
    ).body.items as AuditRow[];

  const connectionBody = (over: object = {}) => ({
    name: 'probe',
    ...tenantConnection(),
    ...over,
  });
  const tenantBody = (over: object = {}) => ({
    clusterId: ids.cluster,
    name: `t${randomBytes(3).toString('hex')}`,
    ...tenantConnection(),
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    ids.cluster = (await admin.post('/api/clusters', { name: 'c1', kind: 'mysql' }).expect(201)).body.id;
    ids.tenantA = (await admin.post('/api/tenants', tenantBody({ name: 'a' })).expect(201)).body.tenant.id;
    ids.tenantB = (await admin.post('/api/tenants', tenantBody({ name: 'b' })).expect(201)).body.tenant.id;
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    for (const r of roles) ids[r.name] = r.id;
  }, 120000);

  afterAll(async () => {
    await t.close();
  });

  describe('1. hostile bodies are refused before validation, and the server keeps answering', () => {
    const json = (n: number, make: (i: number) => string) => {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(make(i));
      return parts;
    };
    const bodies: [string, string, string, number][] = [
      // [route, what, body, expected status]
      ['/api/auth/login', '150,000 keys in username', `{"username":{${json(150000, (i) => `"k${i}":1`).join(',')}},"password":"x"}`, 413],
      [
        '/api/auth/login',
        '60,000 unknown top-level keys',
        `{${json(60000, (i) => `"u${i}":1`).join(',')},"username":"a","password":"b"}`,
        413,
      ],
      ['/api/auth/login', '4 MB deeply nested array', `{"username":${'['.repeat(2 * 1024 * 1024)}${']'.repeat(2 * 1024 * 1024)}}`, 413],
      ['/api/users', '60,000 unknown top-level keys', `{${json(60000, (i) => `"u${i}":1`).join(',')}}`, 400],
      ['/api/users', '400,000 levels of nesting', `{"username":${'['.repeat(400000)}${']'.repeat(400000)}}`, 400],
      ['/api/users', '20 levels of nesting', `{"username":${'['.repeat(20)}${']'.repeat(20)}}`, 400],
    ];

    it('answers each with 400 or 413 while /api/health keeps answering', async () => {
      const hostile = bodies.map(([path, , body]) =>
        admin.agent
          .post(path)
          .set('X-CSRF-Token', admin.csrf)
          .set('Content-Type', 'application/json')
          .send(body)
          .then((r) => r),
      );
      // issued while the hostile requests are in flight
      const health = await request(t.url).get('/api/health');
      expect(health.status).toBe(200);
      const answers = await Promise.all(hostile);
      answers.forEach((res, i) => {
        const [path, what, , status] = bodies[i]!;
        expect({ path, what, status: res.status, code: res.body.code }).toEqual({
          path,
          what,
          status,
          code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
        });
        expect(res.text.length).toBeLessThan(2000);
      });
      await request(t.url).get('/api/health').expect(200);
    });

    it('lists at most 20 problems of an invalid body', async () => {
      const body = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`unknown${i}`, i]));
      const res = await admin.post('/api/users', body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields.length).toBeLessThanOrEqual(20);
      expect(res.body.details.truncated).toBe(true);
      expect(res.text.length).toBeLessThan(10000);
    });
  });

  describe('3. a stored tenant password never leaves for a new endpoint', () => {
    let rogue: RogueMysqlServer;
    beforeEach(async () => {
      rogue = new RogueMysqlServer();
      await rogue.start();
    });
    afterEach(async () => {
      await rogue.stop();
    });

    it('refuses moving a tenant without the password entered again, and connects nowhere', async () => {
      const cases: object[] = [
        { port: rogue.port },
        { host: 'localhost' },
        { username: 'someone_else' },
        { proxyAddress: `127.0.0.1:${rogue.port}` },
        { directServers: [`127.0.0.1:${rogue.port}`] },
        { port: rogue.port, password: '' },
      ];
      for (const body of cases) {
        const res = await admin.patch(`/api/tenants/${ids.tenantA}`, body).expect(400);
        expect(res.body.code).toBe('TENANT_PASSWORD_REQUIRED');
      }
      expect(rogue.connections).toBe(0);
      const after = (await admin.get(`/api/tenants/${ids.tenantA}`).expect(200)).body;
      expect(after).toMatchObject({ host: STACK.tenantA.host, port: STACK.tenantA.port, username: STACK.tenantA.user });
      const rows = await auditOf({ action: 'tenant.update', result: 'failed' });
      expect(rows.filter((r) => r.errorCode === 'TENANT_PASSWORD_REQUIRED')).toHaveLength(cases.length);
    });

    it('the rogue server obtains the password from a default mysql2 client (control)', async () => {
      await createConnection({ host: '127.0.0.1', port: rogue.port, user: 'u', password: 'control-secret-1' }).then(
        (c) => c.destroy(),
        () => undefined,
      );
      expect(rogue.recovered).toContain('control-secret-1');
    });

    it('the driver never sends a stored password through the RSA exchange', async () => {
      const vault = t.app.get(CredentialVault);
      const pools = t.app.get(TenantPools);
      const secret = 'stored-secret-9f3a';
      const address = {
        id: 987654,
        name: 'rogue',
        host: '127.0.0.1',
        port: rogue.port,
        username: 'u',
        passwordEnc: vault.seal(secret),
        updatedAt: new Date(),
      };
      await expect(pools.query(address, 'SELECT 1')).rejects.toMatchObject({ code: 'TENANT_AUTH_FAILED' });
      await expect(pools.direct(address, '127.0.0.1', rogue.port, async () => 1)).rejects.toMatchObject({ code: 'TENANT_AUTH_FAILED' });
      const probe = await t.app
        .get(TenantProbe)
        .probe({ name: 'rogue', host: '127.0.0.1', port: rogue.port, username: 'u', password: secret, passwordTyped: false });
      expect(probe.error?.code).toBe('TENANT_AUTH_FAILED');
      expect(rogue.connections).toBeGreaterThanOrEqual(3);
      expect(rogue.sawSecret(secret)).toBe(false);
      expect(rogue.recovered).toEqual([]);
      pools.close(address.id);
    });

    it('a registered tenant whose endpoint turned rogue gets no password from Test connection', async () => {
      // registering sends the password the user typed, on purpose
      const res = await admin.post(
        '/api/tenants',
        tenantBody({ name: 'turned', host: '127.0.0.1', port: rogue.port, password: 'typed-9x' }),
      );
      expect(res.status).toBe(201);
      const id = res.body.tenant.id as number;
      rogue.received.length = 0;
      rogue.recovered.length = 0;
      const test = (await admin.post(`/api/tenants/${id}/test`).expect(200)).body;
      expect(test).toMatchObject({ ok: false, error: { code: 'TENANT_AUTH_FAILED' } });
      expect(rogue.sawSecret('typed-9x')).toBe(false);
      await admin.del(`/api/tenants/${id}`).expect(204);
    });

    it('audits a tenant update with the fields that changed, secrets as "changed"', async () => {
      await admin.patch(`/api/tenants/${ids.tenantB}`, { name: 'b2', password: STACK.tenantB.password }).expect(200);
      const [row] = await auditOf({ action: 'tenant.update', result: 'ok' });
      expect(row!.target).toMatchObject({
        name: 'b2',
        changed: { name: { from: 'b', to: 'b2' }, password: { from: 'unchanged', to: 'changed' } },
      });
      expect(Object.keys((row!.target as { changed: object }).changed).sort()).toEqual(['name', 'password']);
      expect(JSON.stringify(row)).not.toContain(STACK.tenantB.password);
    });
  });

  describe('4. user names have one canonical form; forwarded addresses are believed only from named proxies', () => {
    let u: TestApp;
    let uAdmin: Client;
    beforeAll(async () => {
      u = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
      uAdmin = await login(u.url, 'admin', ADMIN_PASSWORD);
      await uAdmin.post('/api/users', { username: 'pz-brute', roleIds: [], password: 'pz-brute-password' }).expect(201);
      await uAdmin.post('/api/users', { username: 'pz-wide', roleIds: [], password: 'pz-wide-password' }).expect(201);
    });
    afterAll(async () => {
      await u.close();
    });

    it('throttles look-alikes of a name together', async () => {
      for (let i = 0; i < 10; i++) {
        await request(u.url).post('/api/auth/login').send({ username: 'pz-brute', password: 'wrong-password' }).expect(401);
      }
      for (const variant of ['pz-brute', 'pz-brute ', ' PZ-Brute', 'ｐｚ-brute', 'pz-brüte', 'pz-b\u200brute']) {
        const res = await request(u.url).post('/api/auth/login').send({ username: variant, password: 'pz-brute-password' });
        expect({ variant, status: res.status, code: res.body.code }).toEqual({ variant, status: 429, code: 'LOGIN_THROTTLED' });
      }
    });

    it('signs in variants of a name as the one account, audited under its canonical name', async () => {
      const res = await request(u.url).post('/api/auth/login').send({ username: ' ｐｚ-Wide ', password: 'pz-wide-password' }).expect(200);
      expect(res.body.user.username).toBe('pz-wide');
      // an accented look-alike is another name, and no account
      await request(u.url).post('/api/auth/login').send({ username: 'pz-wíde', password: 'pz-wide-password' }).expect(401);
      const rows = (await uAdmin.get('/api/audit').query({ action: 'auth.login', result: 'ok' }).expect(200)).body.items as AuditRow[];
      expect(rows.map((r) => r.actorName)).toContain('pz-wide');
      expect(rows.map((r) => r.actorName)).not.toContain(' ｐｚ-Wide ');
    });

    it('creates accounts under the canonical name and refuses a variant of a taken one', async () => {
      const res = await uAdmin.post('/api/users', { username: ' New.User ', roleIds: [], password: 'new-user-password' }).expect(201);
      expect(res.body.user.username).toBe('new.user');
      expect(
        (await uAdmin.post('/api/users', { username: 'ＰＺ-Wide', roleIds: [], password: 'whatever-pass' }).expect(409)).body.code,
      ).toBe('NAME_TAKEN');
    });

    it('ignores X-Forwarded-For by default: the per-address throttle counts the real peer', async () => {
      // every attempt claims another address; the limit of 50 failures per address still applies
      const statuses: number[] = [];
      for (let i = 0; i < 60 && !statuses.includes(429); i++) {
        const res = await request(u.url)
          .post('/api/auth/login')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .send({ username: `nobody${i}`, password: 'wrong-password' });
        statuses.push(res.status);
      }
      expect(statuses).toContain(429);
      expect(statuses.length).toBeLessThanOrEqual(51);
      const res = await request(u.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', '198.51.100.200')
        .send({ username: 'new.user', password: 'new-user-password' });
      expect(res.status).toBe(429);
      const rows = (await uAdmin.get('/api/audit').query({ action: 'auth.login', result: 'denied', pageSize: 100 }).expect(200)).body
        .items as AuditRow[];
      expect(new Set(rows.map((r) => r.actorIp))).toEqual(new Set(['127.0.0.1']));
    });

    it('believes X-Forwarded-For from a proxy named in TRUST_PROXY, and stores only valid addresses', async () => {
      const p = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', TRUST_PROXY: 'loopback' });
      try {
        await request(p.url)
          .post('/api/auth/login')
          .set('X-Forwarded-For', '203.0.113.7')
          .send({ username: 'x1', password: 'y' })
          .expect(401);
        await request(p.url)
          .post('/api/auth/login')
          .set('X-Forwarded-For', "<script>' OR 1=1")
          .send({ username: 'x2', password: 'y' })
          .expect(401);
        const a = await login(p.url, 'admin', ADMIN_PASSWORD);
        const rows = (await a.get('/api/audit').query({ action: 'auth.login', result: 'denied' }).expect(200)).body.items as AuditRow[];
        expect(rows.map((r) => [r.actorName, r.actorIp])).toEqual([
          ['x2', ''],
          ['x1', '203.0.113.7'],
        ]);
      } finally {
        await p.close();
      }
    });
  });

  describe('5. test connection answers privilege names, never a hash; unsaved tests are audited and limited', () => {
    it('answers no password hash from any test path', async () => {
      const answers = [
        (await admin.post('/api/tenants/test', connectionBody()).expect(200)).body,
        (await admin.post(`/api/tenants/${ids.tenantA}/test`).expect(200)).body,
        (await admin.post('/api/tenants', tenantBody()).expect(201)).body.test,
        (await admin.patch(`/api/tenants/${ids.tenantA}`, { password: STACK.tenantA.password }).expect(200)).body.test,
      ];
      for (const a of answers) {
        expect(a.ok).toBe(true);
        expect(a.privileges.grants.length).toBeGreaterThan(0);
        const text = JSON.stringify(a);
        expect(text).not.toMatch(/IDENTIFIED|PASSWORD|\*[0-9A-F]{40}/i);
        expect(text).not.toContain(STACK.tenantA.user + '`@');
      }
      expect(answers[0].privileges.grants.join(' ')).toMatch(/ON \*\.\*/);
    });

    it('audits unsaved tests and limits them per user', async () => {
      const role = (await admin.post('/api/roles', { name: 'Registry', menus: ['admin.tenants'] }).expect(201)).body.id;
      await admin.post('/api/users', { username: 'prober', roleIds: [role], password: 'prober-password' }).expect(201);
      const prober = await login(t.url, 'prober', 'prober-password');
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await prober.post('/api/tenants/test', connectionBody({ port: 1 }))).status);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses[20]).toBe(429);
      const rows = await auditOf({ action: 'tenant.test', actor: 'prober' });
      expect(rows).toHaveLength(21);
      expect(rows[0]).toMatchObject({ result: 'denied', errorCode: 'TOO_MANY_REQUESTS' });
      expect(rows[1]).toMatchObject({ result: 'failed', errorCode: 'TENANT_UNREACHABLE', target: { host: '127.0.0.1:1' } });
    });
  });

  describe('6. a kill batch validates what the caller saw', () => {
    it('refuses oversized or foreign expectations with 400 and kills nothing', async () => {
      const victim = await createConnection({ ...STACK.tenantA });
      try {
        const id = String(victim.threadId);
        const bad: object[] = [
          { [id]: { user: 'x'.repeat(70000), source: 'h' } },
          { [id]: { user: 'u', source: 'h' }, '42': { user: 'u', source: 'h' } },
          { [id]: { user: 'u', source: 'h', extra: 1 } },
          { [id]: 'sessionops' },
          [],
        ];
        for (const expect_ of bad) {
          const res = await admin.post(`/api/tenants/${ids.tenantA}/sessions/kill`, { ids: [id], scope: 'session', expect: expect_ });
          expect(res.status).toBe(400);
          expect(res.body.code).toBe('VALIDATION_FAILED');
        }
        await victim.query('SELECT 1');
        expect((await auditOf({ action: 'session.kill', result: 'ok' })).length).toBe(0);
      } finally {
        victim.destroy();
      }
    });
    it('writes the audit row of each id before its KILL; without it nothing is killed and the batch still answers', async () => {
      const audit = t.app.get(AuditService);
      const victims = [await createConnection({ ...STACK.tenantA }), await createConnection({ ...STACK.tenantA })];
      const [first, second] = victims.map((v) => String(v.threadId));
      const order: string[] = [];
      const record = audit.record.bind(audit);
      const spy = jest.spyOn(audit, 'record').mockImplementation(async (r, em) => {
        if (r.action === 'session.kill') {
          order.push(`audit:${r.sessionId}`);
          // when its audit row is written, the session is still alive: the KILL comes after
          if (r.sessionId === first && r.result === 'ok') await victims[0]!.query('SELECT 1');
          // the audit trail fails for the second session
          if (r.sessionId === second) throw new Error('audit write failed');
        }
        return record(r, em);
      });
      try {
        const res = await admin.post(`/api/tenants/${ids.tenantA}/sessions/kill`, { ids: [first, second], scope: 'session' }).expect(200);
        expect(res.body.results).toEqual([
          { id: first, outcome: 'killed' },
          expect.objectContaining({ id: second, outcome: 'failed', code: 'AUDIT_UNAVAILABLE' }),
        ]);
        expect(order).toEqual(expect.arrayContaining([`audit:${first}`, `audit:${second}`]));
        await expect(victims[0]!.query('SELECT 1')).rejects.toThrow();
        await victims[1]!.query('SELECT 1');
      } finally {
        spy.mockRestore();
        victims.forEach((v) => v.destroy());
      }
    });
  });

  describe('7. every mutating request leaves an audit row, whatever its outcome', () => {
    it('records refusals and failures the routes did not record themselves', async () => {
      await admin.patch('/api/tenants/999999', { name: 'x' }).expect(404);
      await admin.del('/api/tenants/999999').expect(404);
      await admin.patch('/api/clusters/999999', { name: 'x' }).expect(404);
      await admin.del('/api/clusters/999999').expect(404);
      await admin.post('/api/clusters', { name: 'c2', kind: 'mysql' }).expect(201);
      const c3 = (await admin.post('/api/clusters', { name: 'c3', kind: 'mysql' }).expect(201)).body.id;
      await admin.patch(`/api/clusters/${c3}`, { name: 'c2' }).expect(409);
      await admin.agent.post('/api/clusters').send({ name: 'no-csrf', kind: 'mysql' }).expect(403);
      const big = await admin.post('/api/tenants', tenantBody({ clusterId: 2147483648 }));
      expect(big.status).toBe(400);
      expect(big.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['clusterId']);

      const rows = await auditOf({ actor: 'admin' });
      const find = (action: string, result: string, code: string) =>
        rows.filter((r) => r.action === action && r.result === result && r.errorCode === code).length;
      expect(find('tenant.update', 'not_found', 'TENANT_NOT_FOUND')).toBe(1);
      expect(find('tenant.delete', 'not_found', 'TENANT_NOT_FOUND')).toBe(1);
      expect(find('cluster.update', 'not_found', 'CLUSTER_NOT_FOUND')).toBe(1);
      expect(find('cluster.delete', 'not_found', 'CLUSTER_NOT_FOUND')).toBe(1);
      expect(find('cluster.update', 'failed', 'NAME_TAKEN')).toBe(1);
      expect(find('cluster.create', 'denied', 'CSRF_INVALID')).toBe(1);
      expect(find('tenant.create', 'failed', 'VALIDATION_FAILED')).toBe(1);
      expect(rows.some((r) => r.action === 'tenant.test')).toBe(true);
    });
  });

  describe('8. console sessions end with a password change, have a cap and an absolute lifetime', () => {
    it('ends the other sessions of a user who changes their password', async () => {
      await admin.post('/api/users', { username: 'rotator', roleIds: [], password: 'rotator-password-1' }).expect(201);
      const a = await login(t.url, 'rotator', 'rotator-password-1');
      const b = await login(t.url, 'rotator', 'rotator-password-1');
      await a.post('/api/auth/password', { currentPassword: 'rotator-password-1', newPassword: 'rotator-password-2' }).expect(204);
      await a.get('/api/auth/me').expect(200);
      expect((await b.get('/api/auth/me').expect(401)).body.code).toBe('UNAUTHENTICATED');
      // the other session cannot change it back
      await b.post('/api/auth/password', { currentPassword: 'rotator-password-2', newPassword: 'rotator-password-1' }).expect(401);
    });

    it('keeps at most CONSOLE_SESSIONS_PER_USER sessions and ends them at CONSOLE_SESSION_MAX_AGE', async () => {
      const c = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', CONSOLE_SESSIONS_PER_USER: '2' });
      const redis = new Redis(c.config.redisUrl);
      try {
        const s1 = await login(c.url, 'admin', ADMIN_PASSWORD);
        const s2 = await login(c.url, 'admin', ADMIN_PASSWORD);
        const s3 = await login(c.url, 'admin', ADMIN_PASSWORD);
        await s1.get('/api/auth/me').expect(401);
        await s2.get('/api/auth/me').expect(200);
        await s3.get('/api/auth/me').expect(200);
        // s2 was created more than CONSOLE_SESSION_MAX_AGE ago (default one day), however active since
        const cookie = (s2.agent as unknown as { jar: { getCookie(name: string, opts: object): { value: string } } }).jar.getCookie(
          'so_session',
          { domain: '127.0.0.1', path: '/', secure: false, script: false },
        ).value;
        const key = `${c.config.redisPrefix}cs:${ConsoleSessionStore.hash(cookie)}`;
        const stored = JSON.parse((await redis.get(key))!) as { createdAt: number };
        await redis.set(key, JSON.stringify({ ...stored, createdAt: Date.now() - 24 * 3600 * 1000 - 1000 }), 'KEEPTTL');
        await s2.get('/api/auth/me').expect(401);
        await s3.get('/api/auth/me').expect(200);
      } finally {
        redis.disconnect();
        await c.close();
      }
    });
  });

  describe('9. bad input answers 400 naming the field, never 500', () => {
    it('refuses a JSON cookie, huge pages, nulls for required fields and megabyte hosts', async () => {
      const jsonCookie = await request(t.url).get('/api/auth/me').set('Cookie', 'so_session=j:{"a":1}');
      expect(jsonCookie.status).toBe(401);
      for (const path of ['/api/users', '/api/roles', '/api/grants', '/api/audit']) {
        const res = await admin.get(`${path}?page=99999999999999999999`);
        expect({ path, status: res.status, fields: res.body.details?.fields?.map((f: { field: string }) => f.field) }).toEqual({
          path,
          status: 400,
          fields: ['page'],
        });
      }
      const role = (await admin.post('/api/roles', { name: 'Nulls', menus: [] }).expect(201)).body.id;
      const user = (await admin.post('/api/users', { username: 'nulls', roleIds: [], password: 'nulls-password' }).expect(201)).body.user
        .id;
      const cases: [string, string, object, string][] = [
        ['post', '/api/users', { username: 'n2', roleIds: [], displayName: null }, 'displayName'],
        ['patch', `/api/users/${user}`, { displayName: null }, 'displayName'],
        ['patch', `/api/users/${user}`, { enabled: null }, 'enabled'],
        ['post', '/api/roles', { name: 'n2', menus: [], description: null }, 'description'],
        ['patch', `/api/roles/${role}`, { name: null }, 'name'],
        ['post', '/api/clusters', { name: 'n2', kind: 'mysql', description: null }, 'description'],
        ['patch', `/api/clusters/${ids.cluster}`, { name: null }, 'name'],
        ['post', '/api/tenants', tenantBody({ proxyAddress: null }), 'proxyAddress'],
        ['patch', `/api/tenants/${ids.tenantA}`, { name: null }, 'name'],
        ['patch', `/api/tenants/${ids.tenantA}`, { port: null }, 'port'],
        ['post', '/api/tenants', tenantBody({ host: '1:'.repeat(400000) }), 'host'],
        ['post', '/api/clusters', { name: 'n3', kind: 'mysql', sysHost: 'a'.repeat(800000) }, 'sysHost'],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await (method === 'post' ? admin.post(path, body) : admin.patch(path, body));
        expect({ path, field, status: res.status, fields: res.body.details?.fields?.map((f: { field: string }) => f.field) }).toEqual({
          path,
          field,
          status: 400,
          fields: [field],
        });
      }
    });
  });

  describe('10. security headers', () => {
    it('sends CSP, no framing, no sniffing, no referrer, and no-store on API answers', async () => {
      const res = await admin.get('/api/auth/me').expect(200);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      // never stored, so never revalidated: no ETag to compute
      expect(res.headers.etag).toBeUndefined();
    });

    it('marks the cookie Secure when served over HTTPS, and serves the docs anonymously only when told', async () => {
      const p = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', TRUST_PROXY: 'loopback', API_DOCS_PUBLIC: 'true' });
      try {
        const https = await request(p.url)
          .post('/api/auth/login')
          .set('X-Forwarded-Proto', 'https')
          .send({ username: 'admin', password: ADMIN_PASSWORD })
          .expect(200);
        expect([https.headers['set-cookie']].flat().join(';')).toMatch(/so_session=[^;]+;.*Secure/i);
        const http = await request(p.url).post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
        expect([http.headers['set-cookie']].flat().join(';')).not.toMatch(/Secure/i);
        await request(p.url).get('/api/docs-json').expect(200);
      } finally {
        await p.close();
      }
      await request(t.url).get('/api/docs-json').expect(401);
    });
  });

  describe('12. password changes are throttled; a disabled account is no oracle', () => {
    it('throttles wrong current passwords', async () => {
      await admin.post('/api/users', { username: 'guesser', roleIds: [], password: 'guesser-password' }).expect(201);
      const g = await login(t.url, 'guesser', 'guesser-password');
      for (let i = 0; i < 10; i++) {
        await g.post('/api/auth/password', { currentPassword: `guess-${i}`, newPassword: 'new-password-123' }).expect(401);
      }
      const res = await g.post('/api/auth/password', { currentPassword: 'guesser-password', newPassword: 'new-password-123' }).expect(429);
      expect(res.body.code).toBe('LOGIN_THROTTLED');
    });

    it('answers a disabled account with the right password exactly like a wrong password', async () => {
      const id = (await admin.post('/api/users', { username: 'sleeper', roleIds: [], password: 'sleeper-password' }).expect(201)).body.user
        .id;
      await admin.patch(`/api/users/${id}`, { enabled: false }).expect(200);
      const right = await request(t.url).post('/api/auth/login').send({ username: 'sleeper', password: 'sleeper-password' });
      const wrong = await request(t.url).post('/api/auth/login').send({ username: 'sleeper', password: 'not-the-password' });
      expect(right.status).toBe(401);
      expect(right.body).toEqual(wrong.body);
      const rows = await auditOf({ action: 'auth.login', actor: 'sleeper' });
      expect(rows.map((r) => r.errorCode)).toEqual(['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED']);
    });
  });

  describe('13. one id pipe for every route', () => {
    it('refuses loose spellings of an id everywhere', async () => {
      const victim = (await admin.post('/api/users', { username: 'loose', roleIds: [], password: 'loose-password' }).expect(201)).body.user
        .id as number;
      const n = String(victim);
      const spellings = [`0x${victim.toString(16)}`, `${n}.0`, `${n}e0`, `%20${n}`, `0${n}`, `+${n}`, `${n}%20`, '2147483648', '0'];
      for (const s of spellings) {
        for (const [method, path] of [
          ['post', `/api/users/${s}/reset-password`],
          ['patch', `/api/users/${s}`],
          ['patch', `/api/roles/${s}`],
          ['del', `/api/roles/${s}`],
          ['del', `/api/grants/${s}`],
          ['patch', `/api/tenants/${s}`],
          ['patch', `/api/clusters/${s}`],
        ] as const) {
          const res = await (method === 'post'
            ? admin.post(path)
            : method === 'patch'
              ? admin.patch(path, { displayName: 'x' })
              : admin.del(path));
          expect({ path, status: res.status }).toEqual({ path, status: 400 });
        }
      }
      const me = await login(t.url, 'loose', 'loose-password');
      await me.get('/api/auth/me').expect(200);
    });
  });

  describe('14. registry reads match what a caller may edit or read', () => {
    it('lets a tenant administrator read the tenants and clusters they edit', async () => {
      const role = (await admin.post('/api/roles', { name: 'Tenant admin', menus: ['admin.tenants'] }).expect(201)).body.id;
      await admin.post('/api/users', { username: 'tadmin', roleIds: [role], password: 'tadmin-password' }).expect(201);
      const ta = await login(t.url, 'tadmin', 'tadmin-password');
      expect((await ta.get(`/api/tenants/${ids.tenantA}`).expect(200)).body.id).toBe(ids.tenantA);
      expect((await ta.get(`/api/clusters/${ids.cluster}`).expect(200)).body.id).toBe(ids.cluster);
      // but not the sessions, which need a grant
      await ta.get(`/api/tenants/${ids.tenantA}/sessions`).expect(403);
    });

    it('counts only the tenants a reader may read', async () => {
      const role = (await admin.post('/api/roles', { name: 'Narrow', menus: ['tenant.sessions'] }).expect(201)).body.id;
      const id = (await admin.post('/api/users', { username: 'narrow', roleIds: [role], password: 'narrow-password' }).expect(201)).body
        .user.id;
      await admin
        .post('/api/grants', { subjectType: 'user', subjectId: id, scope: 'tenant', resourceId: ids.tenantA, level: 'read_only' })
        .expect(201);
      const r = await login(t.url, 'narrow', 'narrow-password');
      const all = (await admin.get(`/api/clusters/${ids.cluster}`).expect(200)).body.tenantCount as number;
      expect(all).toBeGreaterThan(1);
      expect((await r.get(`/api/clusters/${ids.cluster}`).expect(200)).body.tenantCount).toBe(1);
      expect((await r.get('/api/clusters').expect(200)).body.items[0].tenantCount).toBe(1);
    });
  });

  describe('cached principals: a change takes effect on the next request on every instance', () => {
    it('applies role, grant, user and password changes made on one instance at once on another', async () => {
      const other = await createApp(t.config);
      await other.listen(0, '127.0.0.1');
      const otherUrl = `http://127.0.0.1:${(other.getHttpServer().address() as { port: number }).port}`;
      try {
        const role = (await admin.post('/api/roles', { name: 'Cached', menus: ['audit.read'] }).expect(201)).body.id;
        const id = (await admin.post('/api/users', { username: 'cached', roleIds: [role], password: 'cached-password' }).expect(201)).body
          .user.id;
        const a = await login(t.url, 'cached', 'cached-password');
        // the same console session through the other instance
        const b = request.agent(otherUrl);
        const cookie = (a.agent as unknown as { jar: { getCookie(name: string, opts: object): { value: string } } }).jar.getCookie(
          'so_session',
          { domain: '127.0.0.1', path: '/', secure: false, script: false },
        ).value;
        const onB = (path: string) => b.get(path).set('Cookie', `so_session=${cookie}`);
        await onB('/api/audit').expect(200);
        await onB('/api/audit').expect(200);

        await admin.patch(`/api/roles/${role}`, { menus: ['tenant.sessions'] }).expect(200);
        await onB('/api/audit').expect(403);
        await onB(`/api/tenants/${ids.tenantA}/sessions`).expect(404);

        await admin
          .post('/api/grants', { subjectType: 'user', subjectId: id, scope: 'tenant', resourceId: ids.tenantA, level: 'read_only' })
          .expect(201);
        await onB(`/api/tenants/${ids.tenantA}/sessions`).expect(200);

        await admin.patch(`/api/users/${id}`, { roleIds: [] }).expect(200);
        await onB(`/api/tenants/${ids.tenantA}/sessions`).expect(403);

        await admin.post(`/api/users/${id}/reset-password`).expect(200);
        await onB('/api/auth/me').expect(401);
      } finally {
        await closeApp(other);
      }
    });
  });
});
