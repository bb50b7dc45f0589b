import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import request from 'supertest';
import { ACCESS_KEY } from '../../server/access/access.decorators';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { STACK } from '../support/stack';

type Persona = 'admin' | 'dba' | 'reader' | 'auditor' | 'relay' | 'anonymous';
const PERSONAS: Persona[] = ['admin', 'dba', 'reader', 'auditor', 'relay', 'anonymous'];

interface RouteInfo {
  key: string;
  declared: boolean;
}

/** Every route of the application, from Nest's own metadata: "METHOD /api/path". */
function routeTable(t: TestApp): RouteInfo[] {
  const modules = t.app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const reflector = t.app.get(Reflector);
  const out: RouteInfo[] = [];
  const controllers = [...modules.values()].flatMap((m) => [...m.controllers.values()]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | undefined) ?? '';
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as () => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      // the relay's Messages API lives outside the /api prefix
      const full = [base.replace(/^\//, '').startsWith('v1') ? '' : '/api', base, path]
        .map((s) => s.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/');
      const declared = reflector.getAllAndOverride(ACCESS_KEY, [handler, wrapper.metatype]) !== undefined;
      out.push({ key: `${method} /${full}`, declared });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

const ALL: Persona[] = PERSONAS;
const SIGNED_IN: Persona[] = ['admin', 'dba', 'reader', 'auditor', 'relay'];
const ADMIN: Persona[] = ['admin'];
const READERS: Persona[] = ['admin', 'dba', 'reader', 'auditor'];
const OPERATORS: Persona[] = ['admin', 'dba'];

interface Expectation {
  allowed: Persona[];
  /** the request sent; ids are resolved per run. Bodies are invalid on purpose where a pass would change data. */
  path?: string;
  body?: object;
  /** run after the others (it ends the caller's session) */
  last?: boolean;
}

/**
 * The expected access of every route. A route missing here, or a route without a declaration,
 * fails the test.
 */
const EXPECTED: Record<string, Expectation> = {
  'GET /api/health': { allowed: ALL },
  'POST /api/auth/login': { allowed: ALL, body: {} },
  'GET /api/auth/me': { allowed: SIGNED_IN },
  'POST /api/auth/password': { allowed: SIGNED_IN, body: {} },
  'POST /api/auth/logout': { allowed: SIGNED_IN, last: true },

  'GET /api/users': { allowed: ADMIN },
  'POST /api/users': { allowed: ADMIN, body: {} },
  'PATCH /api/users/:id': { allowed: ADMIN, path: '/api/users/{victimUser}', body: { enabled: 'maybe' } },
  'POST /api/users/:id/reset-password': { allowed: ADMIN, path: '/api/users/{victimUser}/reset-password' },
  'GET /api/roles': { allowed: ADMIN },
  'GET /api/roles/menus': { allowed: ADMIN },
  'POST /api/roles': { allowed: ADMIN, body: {} },
  'PATCH /api/roles/:id': { allowed: ADMIN, path: '/api/roles/{readerRole}', body: { menus: ['no.such.menu'] } },
  'DELETE /api/roles/:id': { allowed: ADMIN, path: '/api/roles/999999' },
  'GET /api/grants': { allowed: ADMIN },
  'POST /api/grants': { allowed: ADMIN, body: {} },
  'DELETE /api/grants/:id': { allowed: ADMIN, path: '/api/grants/999999' },

  'GET /api/audit': { allowed: ['admin', 'auditor'] },
  'GET /api/audit/export.csv': { allowed: ['admin', 'auditor'] },

  'GET /api/clusters': { allowed: READERS },
  'GET /api/clusters/:id': { allowed: READERS, path: '/api/clusters/{cluster}' },
  'POST /api/clusters': { allowed: ADMIN, body: {} },
  'PATCH /api/clusters/:id': { allowed: ADMIN, path: '/api/clusters/{cluster}', body: { kind: 'neither' } },
  'DELETE /api/clusters/:id': { allowed: ADMIN, path: '/api/clusters/999999' },
  'GET /api/clusters/:id/sessions': { allowed: READERS, path: '/api/clusters/{cluster}/sessions' },

  'GET /api/tenants': { allowed: READERS },
  'GET /api/tenants/:id': { allowed: READERS, path: '/api/tenants/{tenantA}' },
  'POST /api/tenants': { allowed: ADMIN, body: {} },
  'POST /api/tenants/test': { allowed: ADMIN, body: {} },
  'PATCH /api/tenants/:id': { allowed: ADMIN, path: '/api/tenants/{tenantA}', body: { port: 0 } },
  'DELETE /api/tenants/:id': { allowed: ADMIN, path: '/api/tenants/999999' },
  'POST /api/tenants/:id/test': { allowed: ADMIN, path: '/api/tenants/{tenantA}/test' },
  'GET /api/tenants/:id/sessions': { allowed: READERS, path: '/api/tenants/{tenantA}/sessions' },
  'GET /api/sessions/overview': { allowed: READERS },
  'POST /api/tenants/:id/sessions/kill': { allowed: OPERATORS, path: '/api/tenants/{tenantA}/sessions/kill', body: {} },
  'GET /api/tenants/:id/sessions/:sessionId': { allowed: READERS, path: '/api/tenants/{tenantA}/sessions/999999999' },
  'GET /api/tenants/:id/sessions/:sessionId/trace': { allowed: READERS, path: '/api/tenants/{tenantA}/sessions/999999999/trace' },
  'PUT /api/tenants/:id/sessions/:sessionId/trace': {
    allowed: OPERATORS,
    path: '/api/tenants/{tenantA}/sessions/999999999/trace',
    body: {},
  },
  'DELETE /api/tenants/:id/sessions/:sessionId/trace': { allowed: OPERATORS, path: '/api/tenants/{tenantA}/sessions/999999999/trace' },

  // relay sessions: open to every signed-in user, who sees and terminates only their own
  'GET /api/relay/sessions': { allowed: SIGNED_IN },
  'POST /api/relay/sessions/terminate': { allowed: SIGNED_IN, body: {} },
  'GET /api/relay/sessions/:id': { allowed: SIGNED_IN, path: '/api/relay/sessions/no-such-session' },
  'GET /api/relay/sessions/:id/requests': { allowed: SIGNED_IN, path: '/api/relay/sessions/no-such-session/requests' },
  'GET /api/relay/sessions/:id/requests/:seq': { allowed: SIGNED_IN, path: '/api/relay/sessions/no-such-session/requests/1' },
  'DELETE /api/relay/sessions/:id': { allowed: SIGNED_IN, path: '/api/relay/sessions/no-such-session' },
  // relay keys: every signed-in user manages their own (the service scopes them)
  'GET /api/relay/keys': { allowed: SIGNED_IN },
  'POST /api/relay/keys': { allowed: SIGNED_IN, body: {} },
  'GET /api/relay/keys/:id': { allowed: SIGNED_IN, path: '/api/relay/keys/999999' },
  'PATCH /api/relay/keys/:id': { allowed: SIGNED_IN, path: '/api/relay/keys/999999', body: { enabled: 'maybe' } },
  'DELETE /api/relay/keys/:id': { allowed: SIGNED_IN, path: '/api/relay/keys/999999' },
  'GET /api/relay/providers': { allowed: ADMIN },
  'GET /api/relay/providers/:id': { allowed: ADMIN, path: '/api/relay/providers/999999' },
  'POST /api/relay/providers': { allowed: ADMIN, body: {} },
  'PATCH /api/relay/providers/:id': { allowed: ADMIN, path: '/api/relay/providers/999999', body: { weight: 0 } },
  'DELETE /api/relay/providers/:id': { allowed: ADMIN, path: '/api/relay/providers/999999' },
  // the relay authenticates API keys, never the console's cookie: every persona is refused (401)
  'POST /v1/messages': { allowed: [], body: {} },
  'POST /v1/messages/count_tokens': { allowed: [], body: {} },
};

describe('permission matrix: every route × every persona', () => {
  let t: TestApp;
  let admin: Client;
  const clients: Partial<Record<Persona, Client>> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    ids.cluster = (await admin.post('/api/clusters', { name: 'c1', kind: 'mysql' }).expect(201)).body.id;
    for (const [name, s] of [
      ['tenantA', STACK.tenantA],
      ['tenantB', STACK.tenantB],
    ] as const) {
      ids[name] = (
        await admin
          .post('/api/tenants', { clusterId: ids.cluster, name, host: s.host, port: s.port, username: s.user, password: s.password })
          .expect(201)
      ).body.tenant.id;
    }
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const role = (name: string) => roles.find((r) => r.name === name)!.id;
    ids.readerRole = (
      await admin.post('/api/roles', { name: 'Tenant reader', menus: ['tenant.sessions', 'diagnosis.sessions'] }).expect(201)
    ).body.id;
    await admin
      .post('/api/grants', { subjectType: 'role', subjectId: ids.readerRole, scope: 'tenant', resourceId: ids.tenantA, level: 'read_only' })
      .expect(201);

    const users: [Persona | 'victim', number[]][] = [
      ['dba', [role('DBA')]],
      ['reader', [ids.readerRole!]],
      ['auditor', [role('Auditor')]],
      ['relay', [role('Relay user')]],
      ['victim', [role('Relay user')]],
    ];
    for (const [name, roleIds] of users) {
      const res = await admin.post('/api/users', { username: `mx_${name}`, roleIds, password: `pw-${name}-12345` }).expect(201);
      ids[`${name}User`] = res.body.user.id;
    }
    await admin
      .post('/api/grants', { subjectType: 'user', subjectId: ids.dbaUser, scope: 'tenant', resourceId: ids.tenantA, level: 'operate' })
      .expect(201);
    // the Auditor role is read-only whatever the grants say: even operate on everything
    await admin.post('/api/grants', { subjectType: 'user', subjectId: ids.auditorUser, scope: 'all', level: 'operate' }).expect(201);
    clients.admin = admin;
    for (const p of ['dba', 'reader', 'auditor', 'relay'] as const) clients[p] = await login(t.url, `mx_${p}`, `pw-${p}-12345`);
  }, 120000);

  afterAll(async () => {
    await t.close();
  });

  it('has a declaration and an expectation for every route of the application', () => {
    const routes = routeTable(t);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => !r.declared).map((r) => r.key)).toEqual([]);
    expect(routes.map((r) => r.key).filter((k) => !(k in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !routes.some((r) => r.key === k))).toEqual([]);
  });

  function send(persona: Persona, method: string, path: string, body?: object): request.Test {
    const c = clients[persona];
    const lower = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    if (!c) {
      const r = request(t.url)[lower](path);
      return body ? r.send(body) : r;
    }
    const r = c.agent[lower](path);
    if (method !== 'GET') r.set('X-CSRF-Token', c.csrf);
    return body ? r.send(body) : r;
  }

  /** denied = 401/403, or the resource hidden as if it did not exist */
  function outcome(res: request.Response, path: string): 'allow' | 'deny' {
    if (res.status === 401 || res.status === 403) return 'deny';
    const code = (res.body as { code?: string }).code;
    if (res.status === 404 && (code === 'TENANT_NOT_FOUND' || code === 'CLUSTER_NOT_FOUND') && !/\/999999(\/|$)/.test(path)) return 'deny';
    return 'allow';
  }

  it('allows and denies exactly as expected', async () => {
    const entries = Object.entries(EXPECTED).sort(([, a], [, b]) => Number(a.last ?? false) - Number(b.last ?? false));
    const mismatches: string[] = [];
    for (const [key, e] of entries) {
      const [method, template] = key.split(' ') as [string, string];
      const path = (e.path ?? template).replace(/\{(\w+)\}/g, (_, k: string) => String(ids[k]));
      for (const persona of PERSONAS) {
        const res = await send(persona, method, path, e.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
        expect(res.status).toBeLessThan(500);
        const want = e.allowed.includes(persona) ? 'allow' : 'deny';
        const got = outcome(res, path);
        if (got !== want)
          mismatches.push(`${key} as ${persona}: expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('permission-scoped views and audited refusals', () => {
  let t: TestApp;
  let admin: Client;
  let reader: Client;
  let dba: Client;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    ids.c1 = (await admin.post('/api/clusters', { name: 'c1', kind: 'mysql' }).expect(201)).body.id;
    ids.c2 = (await admin.post('/api/clusters', { name: 'c2', kind: 'mysql' }).expect(201)).body.id;
    for (const [name, cluster, s] of [
      ['a', ids.c1, STACK.tenantA],
      ['b', ids.c1, STACK.tenantB],
      ['z', ids.c2, STACK.tenantB],
    ] as const) {
      ids[name] = (
        await admin
          .post('/api/tenants', { clusterId: cluster, name, host: s.host, port: s.port, username: s.user, password: s.password })
          .expect(201)
      ).body.tenant.id;
    }
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const readerRole = (await admin.post('/api/roles', { name: 'Reader', menus: ['tenant.sessions', 'diagnosis.sessions'] }).expect(201))
      .body.id;
    const u1 = (await admin.post('/api/users', { username: 'reader1', roleIds: [readerRole], password: 'reader-pw-123' }).expect(201)).body
      .user.id;
    const u2 = (
      await admin
        .post('/api/users', { username: 'dba1', roleIds: [roles.find((r) => r.name === 'DBA')!.id], password: 'dba-pw-12345' })
        .expect(201)
    ).body.user.id;
    await admin
      .post('/api/grants', { subjectType: 'user', subjectId: u1, scope: 'tenant', resourceId: ids.a, level: 'read_only' })
      .expect(201);
    await admin
      .post('/api/grants', { subjectType: 'user', subjectId: u2, scope: 'cluster', resourceId: ids.c1, level: 'operate' })
      .expect(201);
    reader = await login(t.url, 'reader1', 'reader-pw-123');
    dba = await login(t.url, 'dba1', 'dba-pw-12345');
  }, 120000);

  afterAll(async () => {
    await t.close();
  });

  it('lists only the tenants and clusters the caller may read', async () => {
    expect((await reader.get('/api/tenants').expect(200)).body.items.map((x: { name: string }) => x.name)).toEqual(['a']);
    expect((await reader.get('/api/clusters').expect(200)).body.items.map((x: { name: string }) => x.name)).toEqual(['c1']);
    // a cluster grant covers its tenants
    expect((await dba.get('/api/tenants').expect(200)).body.items.map((x: { name: string }) => x.name)).toEqual(['a', 'b']);
    const cluster = (await reader.get(`/api/clusters/${ids.c1}/sessions?pageSize=10000`).expect(200)).body;
    expect(cluster.tenants.map((x: { name: string }) => x.name)).toEqual(['a']);
    expect(cluster.items.every((r: { tenantId: number }) => r.tenantId === ids.a)).toBe(true);
  });

  it('answers for a tenant the caller may not read exactly as for one that does not exist', async () => {
    const hidden = await reader.get(`/api/tenants/${ids.b}/sessions`).expect(404);
    const missing = await reader.get('/api/tenants/987654/sessions').expect(404);
    expect(hidden.body.code).toBe('TENANT_NOT_FOUND');
    expect(Object.keys(hidden.body).sort()).toEqual(Object.keys(missing.body).sort());
    expect(hidden.body.message.replace(String(ids.b), 'N')).toBe(missing.body.message.replace('987654', 'N'));
    await dba.get(`/api/tenants/${ids.z}`).expect(404);
  });

  it('refuses a kill by a read-only user with 403 and audits it as denied', async () => {
    const res = await reader.post(`/api/tenants/${ids.a}/sessions/kill`, { ids: ['12345'], scope: 'session' }).expect(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    const audit = (await admin.get('/api/audit?action=session.kill&result=denied&actor=reader1').expect(200)).body;
    expect(audit.items).toEqual([
      expect.objectContaining({
        actorName: 'reader1',
        result: 'denied',
        errorCode: 'PERMISSION_DENIED',
        tenantId: ids.a,
        sessionId: '12345',
      }),
    ]);
  });

  it('removes the Autonomous service in the community edition', async () => {
    const community = await startTestApp({ EDITION: 'community', TENANT_HEALTH_INTERVAL_MS: '0' });
    try {
      const a = await login(community.url, 'admin', ADMIN_PASSWORD);
      expect((await a.get('/api/auth/me').expect(200)).body.menus).not.toContain('diagnosis.sessions');
      const c = (await a.post('/api/clusters', { name: 'c', kind: 'mysql' }).expect(201)).body.id;
      const res = await a.get(`/api/clusters/${c}/sessions`).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect((await a.get('/api/roles/menus').expect(200)).body.menus).not.toContain('diagnosis.sessions');
    } finally {
      await community.close();
    }
  });
});

describe('no one hands out a role, menu or grant they do not hold', () => {
  let t: TestApp;
  let admin: Client;
  let ua: Client;
  const ids: Record<string, number> = {};

  const audit = async (action: string) =>
    (await admin.get(`/api/audit?action=${action}&actor=esc_ua&pageSize=50`).expect(200)).body.items as {
      result: string;
      errorCode: string | null;
    }[];

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    ids.cluster = (await admin.post('/api/clusters', { name: 'c1', kind: 'mysql' }).expect(201)).body.id;
    const s = STACK.tenantA;
    ids.tenant = (
      await admin
        .post('/api/tenants', { clusterId: ids.cluster, name: 'a', host: s.host, port: s.port, username: s.user, password: s.password })
        .expect(201)
    ).body.tenant.id;
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    for (const r of roles) ids[r.name] = r.id;
    ids.uaRole = (await admin.post('/api/roles', { name: 'User admin', menus: ['admin.users', 'tenant.sessions'] }).expect(201)).body.id;
    ids.ua = (
      await admin.post('/api/users', { username: 'esc_ua', roleIds: [ids.uaRole], password: 'esc-ua-password' }).expect(201)
    ).body.user.id;
    ids.dba = (
      await admin.post('/api/users', { username: 'esc_dba', roleIds: [ids.DBA!], password: 'esc-dba-password' }).expect(201)
    ).body.user.id;
    ids.relay = (
      await admin.post('/api/users', { username: 'esc_relay', roleIds: [ids['Relay user']!], password: 'esc-relay-pw1' }).expect(201)
    ).body.user.id;
    ids.peer = (
      await admin.post('/api/users', { username: 'esc_peer', roleIds: [ids.uaRole], password: 'esc-peer-pw12' }).expect(201)
    ).body.user.id;
    await admin
      .post('/api/grants', { subjectType: 'user', subjectId: ids.dba, scope: 'tenant', resourceId: ids.tenant, level: 'operate' })
      .expect(201);
    // the user administrator may read tenant a, no more
    await admin
      .post('/api/grants', { subjectType: 'user', subjectId: ids.ua, scope: 'tenant', resourceId: ids.tenant, level: 'read_only' })
      .expect(201);
    ua = await login(t.url, 'esc_ua', 'esc-ua-password');
  }, 120000);

  afterAll(async () => {
    await t.close();
  });

  it('refuses making oneself Administrator, and audits the refusal', async () => {
    const res = await ua.patch(`/api/users/${ids.ua}`, { roleIds: [ids.uaRole, ids.Administrator] }).expect(403);
    expect(res.body.code).toBe('PERMISSION_DENIED');
    const me = (await ua.get('/api/auth/me').expect(200)).body;
    expect(me.allAccess).toBe(false);
    expect(me.roles.map((r: { name: string }) => r.name)).toEqual(['User admin']);
    expect((await audit('user.update'))[0]).toMatchObject({ result: 'denied', errorCode: 'PERMISSION_DENIED' });
  });

  it('refuses giving anyone a role with menus or grants the giver lacks', async () => {
    // DBA carries diagnosis.sessions, which the user administrator does not hold
    await ua.patch(`/api/users/${ids.relay}`, { roleIds: [ids.DBA] }).expect(403);
    await ua.post('/api/users', { username: 'esc_new', roleIds: [ids.Administrator], password: 'esc-new-password' }).expect(403);
    await ua.post('/api/users', { username: 'esc_new', roleIds: [ids.Auditor], password: 'esc-new-password' }).expect(403);
    expect((await admin.get('/api/users?q=esc_new').expect(200)).body.total).toBe(0);
    // a role whose menus the giver holds is fine
    await ua.patch(`/api/users/${ids.relay}`, { roleIds: [ids['Relay user'], ids.uaRole] }).expect(200);
    await ua.patch(`/api/users/${ids.relay}`, { roleIds: [ids['Relay user']] }).expect(200);
  });

  it('refuses roles carrying menus the creator lacks, and changing roles beyond their own', async () => {
    await ua.post('/api/roles', { name: 'Sneaky', menus: ['admin.tenants'] }).expect(403);
    await ua.post('/api/roles', { name: 'Sneaky', menus: ['audit.read', 'admin.users'] }).expect(403);
    const ok = (await ua.post('/api/roles', { name: 'Helpers', menus: ['tenant.sessions'] }).expect(201)).body.id;
    await ua.patch(`/api/roles/${ok}`, { menus: ['tenant.sessions', 'admin.tenants'] }).expect(403);
    await ua.patch(`/api/roles/${ok}`, { menus: ['tenant.sessions', 'admin.users'] }).expect(200);
    expect((await audit('role.create'))[0]).toMatchObject({ result: 'ok' });
    expect((await audit('role.update')).map((r) => r.result)).toEqual(['ok', 'denied']);
  });

  it('refuses grants on all clusters and grants stronger than the granter holds', async () => {
    await ua.post('/api/grants', { subjectType: 'user', subjectId: ids.ua, scope: 'all', level: 'operate' }).expect(403);
    await ua.post('/api/grants', { subjectType: 'user', subjectId: ids.ua, scope: 'all', level: 'read_only' }).expect(403);
    await ua
      .post('/api/grants', { subjectType: 'user', subjectId: ids.ua, scope: 'tenant', resourceId: ids.tenant, level: 'operate' })
      .expect(403);
    await ua
      .post('/api/grants', { subjectType: 'role', subjectId: ids.uaRole, scope: 'cluster', resourceId: ids.cluster, level: 'read_only' })
      .expect(403);
    // what the granter holds may be passed on
    await ua
      .post('/api/grants', { subjectType: 'user', subjectId: ids.relay, scope: 'tenant', resourceId: ids.tenant, level: 'read_only' })
      .expect(201);
    // nor revoke what they do not hold
    const dbaGrant = (await admin.get(`/api/grants?subjectId=${ids.dba}&subjectType=user`).expect(200)).body.items[0].id;
    await ua.del(`/api/grants/${dbaGrant}`).expect(403);
    expect((await admin.get(`/api/grants?subjectId=${ids.dba}&subjectType=user`).expect(200)).body.total).toBe(1);
    const grants = (await admin.get(`/api/grants?subjectId=${ids.ua}&subjectType=user`).expect(200)).body.items;
    expect(grants.map((g: { scope: string; level: string }) => `${g.scope}:${g.level}`)).toEqual(['tenant:read_only']);
    expect((await audit('grant.create')).map((r) => r.result)).toEqual(['ok', 'denied', 'denied', 'denied', 'denied']);
  });

  it('refuses resetting the password of an administrator or of an account holding more', async () => {
    const adminId = (await admin.get('/api/auth/me').expect(200)).body.user.id;
    const res = await ua.post(`/api/users/${adminId}/reset-password`).expect(403);
    expect(res.body).not.toHaveProperty('initialPassword');
    await ua.post(`/api/users/${ids.dba}/reset-password`).expect(403);
    await ua.patch(`/api/users/${adminId}`, { enabled: false }).expect(403);
    await ua.patch(`/api/users/${adminId}`, { displayName: 'owned' }).expect(403);
    // the administrator and the DBA still sign in with their passwords
    await login(t.url, 'admin', ADMIN_PASSWORD);
    await login(t.url, 'esc_dba', 'esc-dba-password');
    // an account holding no more than the caller may be reset
    const ok = await ua.post(`/api/users/${ids.peer}/reset-password`).expect(200);
    expect(ok.body.initialPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((await audit('user.reset_password')).map((r) => r.result)).toEqual(['ok', 'denied', 'denied']);
  });

  it('lets an Administrator do all of it', async () => {
    await admin.post('/api/grants', { subjectType: 'user', subjectId: ids.relay, scope: 'all', level: 'operate' }).expect(201);
    await admin.patch(`/api/users/${ids.relay}`, { roleIds: [ids.Administrator] }).expect(200);
    await admin.post(`/api/users/${ids.dba}/reset-password`).expect(200);
  });
});
