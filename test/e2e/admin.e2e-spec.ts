import request from 'supertest';
import { DataSource } from 'typeorm';
import { Grant } from '../../server/access/grant.entity';
import { User } from '../../server/auth/user.entity';
import { Cluster } from '../../server/tenants/cluster.entity';
import { Tenant } from '../../server/tenants/tenant.entity';
import { AUDIT_CSV_COLUMNS } from '../../server/audit/audit.controller';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { parseCsv } from '../support/csv';
import { STACK } from '../support/stack';

interface AuditItem {
  id: string;
  at: string;
  actorId: number | null;
  actorName: string;
  action: string;
  tenantId: number | null;
  clusterId: number | null;
  target: Record<string, unknown> | null;
  result: string;
  errorCode: string | null;
}

interface UserBody {
  id: number;
  username: string;
  displayName: string;
  enabled: boolean;
  mustChangePassword: boolean;
  roles: { id: number; name: string }[];
  createdAt: string;
}

describe('administration: accounts, roles, grants and the audit API', () => {
  let t: TestApp;
  let ds: DataSource;
  let admin: Client;
  let adminId: number;
  const role = { Administrator: 0, DBA: 0, Auditor: 0 };

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    adminId = (await admin.get('/api/auth/me').expect(200)).body.user.id as number;
    const roles = await admin.get('/api/roles').expect(200);
    for (const r of roles.body.items as { id: number; name: string }[]) {
      if (r.name === 'Administrator' || r.name === 'DBA' || r.name === 'Auditor') role[r.name] = r.id;
    }
    expect(Object.values(role).every((id) => id > 0)).toBe(true);
  });
  afterAll(async () => {
    await t.close();
  });

  async function createUser(username: string, roleIds: number[], password?: string): Promise<UserBody> {
    const res = await admin.post('/api/users', { username, roleIds, ...(password ? { password } : {}) }).expect(201);
    return res.body.user as UserBody;
  }

  async function auditOf(query: Record<string, string | number>): Promise<{ items: AuditItem[]; total: number }> {
    const res = await admin
      .get('/api/audit')
      .query({ pageSize: 500, ...query })
      .expect(200);
    return res.body as { items: AuditItem[]; total: number };
  }

  const tryLogin = (username: string, password: string) => request(t.url).post('/api/auth/login').send({ username, password });

  describe('users', () => {
    it('creates a user with a generated password that must be changed before anything else', async () => {
      const created = await admin.post('/api/users', { username: 'dora', displayName: 'Dora', roleIds: [role.Auditor] }).expect(201);
      const initial = created.body.initialPassword as string;
      expect(initial).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(created.body.user).toMatchObject({
        username: 'dora',
        displayName: 'Dora',
        enabled: true,
        mustChangePassword: true,
        roles: [{ id: role.Auditor, name: 'Auditor' }],
      });
      expect(new Date(created.body.user.createdAt as string).getTime()).not.toBeNaN();

      const dora = await login(t.url, 'dora', initial);
      const me = await dora.get('/api/auth/me').expect(200);
      expect(me.body.user.mustChangePassword).toBe(true);
      const blocked = await dora.get('/api/audit').expect(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');

      await dora.post('/api/auth/password', { currentPassword: initial, newPassword: 'dora-chosen-password' }).expect(204);
      await dora.get('/api/audit').expect(200);
      await tryLogin('dora', initial).expect(401);
      await login(t.url, 'dora', 'dora-chosen-password');

      const listed = await admin.get('/api/users').query({ q: 'dor' }).expect(200);
      expect(listed.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
      expect(listed.body.items[0]).toMatchObject({ username: 'dora', mustChangePassword: false });

      const audit = await auditOf({ action: 'user.create', actor: 'admin', result: 'ok' });
      const row = audit.items.find((i) => i.target?.username === 'dora');
      expect(row?.target).toMatchObject({ username: 'dora', roles: ['Auditor'], passwordGenerated: true });
      expect(JSON.stringify(audit.items)).not.toContain(initial);
      expect(t.logs.join('\n')).not.toContain(initial);
    });

    it('refuses invalid names, unknown roles and taken names, writing nothing but the audit row', async () => {
      const bad = await admin.post('/api/users', { username: 'a b', roleIds: [] }).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      await admin.post('/api/users', { username: 'x', roleIds: [] }).expect(400);

      const unknown = await admin.post('/api/users', { username: 'ghost', roleIds: [role.DBA, 999999] }).expect(404);
      expect(unknown.body.code).toBe('ROLE_NOT_FOUND');
      expect(await ds.getRepository(User).countBy({ username: 'ghost' })).toBe(0);
      const refused = await auditOf({ action: 'user.create', result: 'not_found' });
      expect(refused.items).toContainEqual(
        expect.objectContaining({ errorCode: 'ROLE_NOT_FOUND', target: expect.objectContaining({ username: 'ghost' }) }),
      );

      const taken = await admin.post('/api/users', { username: 'DORA', roleIds: [] }).expect(409);
      expect(taken.body.code).toBe('NAME_TAKEN');
      expect((await auditOf({ action: 'user.create', result: 'failed' })).items[0]?.errorCode).toBe('NAME_TAKEN');

      const missing = await admin.patch('/api/users/999999', { displayName: 'nobody' }).expect(404);
      expect(missing.body.code).toBe('USER_NOT_FOUND');
      await admin.post('/api/users/999999/reset-password').expect(404);
    });

    it('ends the sessions of a user at once when they are disabled', async () => {
      const eve = await createUser('eve', [role.DBA], 'eve-password-1');
      const session = await login(t.url, 'eve', 'eve-password-1');
      await session.get('/api/auth/me').expect(200);

      const res = await admin.patch(`/api/users/${eve.id}`, { enabled: false }).expect(200);
      expect(res.body).toMatchObject({ id: eve.id, enabled: false });
      const gone = await session.get('/api/auth/me').expect(401);
      expect(gone.body.code).toBe('UNAUTHENTICATED');
      // a disabled account answers like a wrong password; the audit row tells the reason
      expect((await tryLogin('eve', 'eve-password-1').expect(401)).body.code).toBe('INVALID_CREDENTIALS');
      expect((await auditOf({ action: 'auth.login', actor: 'eve', result: 'denied' })).items[0]).toMatchObject({
        errorCode: 'ACCOUNT_DISABLED',
      });

      await admin.patch(`/api/users/${eve.id}`, { enabled: true }).expect(200);
      // The ended session stays ended; a new sign-in works.
      await session.get('/api/auth/me').expect(401);
      await login(t.url, 'eve', 'eve-password-1');

      const audit = await auditOf({ action: 'user.update', result: 'ok' });
      expect(audit.items).toContainEqual(
        expect.objectContaining({ target: expect.objectContaining({ username: 'eve', changed: { enabled: { from: true, to: false } } }) }),
      );
    });

    it('resets a password: old sessions end, the old password stops working, the new one must be changed', async () => {
      const session = await login(t.url, 'eve', 'eve-password-1');
      const eve = (await session.get('/api/auth/me').expect(200)).body.user as { id: number };
      const res = await admin.post(`/api/users/${eve.id}/reset-password`).expect(200);
      const initial = res.body.initialPassword as string;
      expect(initial).toMatch(/^[A-Za-z0-9]{16}$/);

      await session.get('/api/auth/me').expect(401);
      await tryLogin('eve', 'eve-password-1').expect(401);
      const next = await login(t.url, 'eve', initial);
      expect((await next.get('/api/auth/me').expect(200)).body.user.mustChangePassword).toBe(true);
      expect((await next.get('/api/users').expect(403)).body.code).toBe('PASSWORD_CHANGE_REQUIRED');

      const audit = await auditOf({ action: 'user.reset_password' });
      expect(audit.items[0]).toMatchObject({ result: 'ok', target: { userId: eve.id, username: 'eve' } });
      expect(JSON.stringify(audit.items)).not.toContain(initial);
    });

    it('logs out: the old cookie is refused afterwards', async () => {
      const res = await tryLogin('admin', ADMIN_PASSWORD).expect(200);
      const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('so_session='));
      expect(cookie).toBeDefined();
      const jar = cookie!.split(';')[0]!;
      const csrf = res.body.csrfToken as string;
      await request(t.url).get('/api/auth/me').set('Cookie', jar).expect(200);
      await request(t.url).post('/api/auth/logout').set('Cookie', jar).set('X-CSRF-Token', csrf).expect(204);
      const after = await request(t.url).get('/api/auth/me').set('Cookie', jar).expect(401);
      expect(after.body.code).toBe('UNAUTHENTICATED');
      await request(t.url).get('/api/users').set('Cookie', jar).expect(401);
    });

    it('refuses mutations with a missing or forged CSRF token and changes nothing', async () => {
      const missing = await admin.agent.post('/api/users').send({ username: 'csrf-victim', roleIds: [] }).expect(403);
      expect(missing.body.code).toBe('CSRF_INVALID');
      const forged = await admin.agent
        .post('/api/users')
        .set(
          'X-CSRF-Token',
          admin.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        )
        .send({ username: 'csrf-victim', roleIds: [] })
        .expect(403);
      expect(forged.body.code).toBe('CSRF_INVALID');
      const patch = await admin.agent
        .patch(`/api/users/${adminId}`)
        .set('X-CSRF-Token', 'forged')
        .send({ displayName: 'Hijacked' })
        .expect(403);
      expect(patch.body.code).toBe('CSRF_INVALID');
      await admin.agent.delete('/api/grants/1').expect(403);

      expect(await ds.getRepository(User).countBy({ username: 'csrf-victim' })).toBe(0);
      expect((await ds.getRepository(User).findOneByOrFail({ id: adminId })).displayName).toBe('Administrator');
      // every refused mutation is audited
      const refused = (await auditOf({ result: 'denied' })).items.filter((i) => i.errorCode === 'CSRF_INVALID');
      expect(refused.map((i) => i.action).sort()).toEqual(['grant.delete', 'user.create', 'user.create', 'user.update']);
    });

    it('throttles sign-in after repeated failures for one account and audits every attempt', async () => {
      await createUser('frank', [role.DBA], 'frank-password-1');
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await tryLogin('frank', `wrong-${i}`)).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual(Array(10).fill(429));
      // The right password does not get through either while throttled.
      const locked = await tryLogin('frank', 'frank-password-1').expect(429);
      expect(locked.body).toMatchObject({ code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: expect.any(Number) } });

      const audit = await auditOf({ action: 'auth.login', result: 'denied', actor: 'frank' });
      expect(audit.total).toBe(21);
      const codes = audit.items.map((i) => i.errorCode);
      expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(10);
      expect(codes.filter((c) => c === 'LOGIN_THROTTLED')).toHaveLength(11);
      // Other accounts from the same address are not locked out.
      await login(t.url, 'dora', 'dora-chosen-password');
    });
  });

  describe('the last administrator', () => {
    it('cannot be disabled or lose the Administrator role, even by themselves', async () => {
      const disable = await admin.patch(`/api/users/${adminId}`, { enabled: false }).expect(409);
      expect(disable.body).toMatchObject({ code: 'LAST_ADMIN', message: expect.stringContaining('last enabled administrator') });
      const demote = await admin.patch(`/api/users/${adminId}`, { roleIds: [role.DBA], displayName: 'Demoted' }).expect(409);
      expect(demote.body.code).toBe('LAST_ADMIN');

      const stored = await ds.getRepository(User).findOneOrFail({ where: { id: adminId }, relations: { roles: true } });
      expect(stored).toMatchObject({ enabled: true, displayName: 'Administrator' });
      expect(stored.roles.map((r) => r.name)).toEqual(['Administrator']);
      await admin.get('/api/users').expect(200);

      const audit = await auditOf({ action: 'user.update', result: 'denied' });
      expect(audit.items.filter((i) => i.errorCode === 'LAST_ADMIN' && i.target?.userId === adminId)).toHaveLength(2);
    });

    it('counts only enabled administrators', async () => {
      const root2 = await createUser('root2', [role.Administrator], 'root2-password');
      await admin.patch(`/api/users/${root2.id}`, { enabled: false }).expect(200);
      expect((await admin.patch(`/api/users/${adminId}`, { enabled: false }).expect(409)).body.code).toBe('LAST_ADMIN');
      await admin.patch(`/api/users/${root2.id}`, { enabled: true }).expect(200);
    });

    it('lets an administrator step down while another remains; roles apply from the next request', async () => {
      const root2 = await login(t.url, 'root2', 'root2-password');
      const id = (await root2.get('/api/auth/me').expect(200)).body.user.id as number;
      const res = await root2.patch(`/api/users/${id}`, { roleIds: [role.DBA] }).expect(200);
      expect(res.body.roles).toEqual([{ id: role.DBA, name: 'DBA' }]);
      expect((await root2.get('/api/users').expect(403)).body.code).toBe('PERMISSION_DENIED');
      expect((await root2.get('/api/auth/me').expect(200)).body.menus).toEqual(['diagnosis.sessions', 'tenant.sessions']);

      // Appointed again, root2 may disable their own account, which ends their session.
      await admin.patch(`/api/users/${id}`, { roleIds: [role.Administrator] }).expect(200);
      await root2.get('/api/users').expect(200);
      await root2.patch(`/api/users/${id}`, { enabled: false }).expect(200);
      await root2.get('/api/auth/me').expect(401);
    });

    it('lets only one of two administrators disabling each other at the same time succeed', async () => {
      const root3 = await createUser('root3', [role.Administrator], 'root3-password');
      const other = await login(t.url, 'root3', 'root3-password');
      const [a, b] = await Promise.all([
        admin.patch(`/api/users/${root3.id}`, { enabled: false }),
        other.patch(`/api/users/${adminId}`, { enabled: false }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect([a.body.code, b.body.code]).toContain('LAST_ADMIN');
      const admins = await ds
        .getRepository(User)
        .find({ where: { enabled: true, roles: { allAccess: true } }, relations: { roles: true } });
      expect(admins).toHaveLength(1);

      // Restore: the administrator account signs in again, root3 stays disabled.
      if (a.status === 409) {
        await other.patch(`/api/users/${adminId}`, { enabled: true }).expect(200);
        admin = await login(t.url, 'admin', ADMIN_PASSWORD);
        await admin.patch(`/api/users/${root3.id}`, { enabled: false }).expect(200);
      }
      expect((await admin.get('/api/auth/me').expect(200)).body.allAccess).toBe(true);
    });
  });

  describe('roles', () => {
    let opsRole: number;
    let gina: Client;

    it('lists the built-in roles and the menus of this edition', async () => {
      const res = await admin.get('/api/roles').expect(200);
      expect(res.body).toMatchObject({ total: 4, page: 1, pageSize: 20 });
      expect(res.body.items[0]).toMatchObject({ name: 'Administrator', builtin: true, allAccess: true, readOnly: false, userCount: 3 });
      expect(res.body.items).toContainEqual(
        expect.objectContaining({ name: 'Auditor', readOnly: true, menus: ['diagnosis.sessions', 'tenant.sessions', 'audit.read'] }),
      );
      const menus = await admin.get('/api/roles/menus').expect(200);
      expect(menus.body.menus).toEqual([
        'diagnosis.sessions',
        'tenant.sessions',
        'relay.sessions',
        'audit.read',
        'admin.users',
        'admin.tenants',
      ]);
    });

    it('creates a custom role whose menus decide what its holders may open', async () => {
      const invalid = await admin.post('/api/roles', { name: 'Broken', menus: ['tenant.sessions', 'bogus.menu'] }).expect(400);
      expect(invalid.body.code).toBe('VALIDATION_FAILED');
      expect((await admin.post('/api/roles', { name: 'dba', menus: [] }).expect(409)).body.code).toBe('NAME_TAKEN');

      const created = await admin
        .post('/api/roles', {
          name: 'Ops viewer',
          description: 'Looks, never touches',
          menus: ['audit.read', 'tenant.sessions'],
          readOnly: true,
        })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'Ops viewer',
        description: 'Looks, never touches',
        builtin: false,
        allAccess: false,
        readOnly: true,
        menus: ['tenant.sessions', 'audit.read'],
        userCount: 0,
      });
      opsRole = created.body.id as number;

      await createUser('gina', [opsRole], 'gina-password-1');
      gina = await login(t.url, 'gina', 'gina-password-1');
      const me = await gina.get('/api/auth/me').expect(200);
      expect(me.body).toMatchObject({ menus: ['tenant.sessions', 'audit.read'], readOnly: true, allAccess: false });
      await gina.get('/api/audit').expect(200);
      expect((await gina.get('/api/users').expect(403)).body.code).toBe('PERMISSION_DENIED');
      await gina.post('/api/users', { username: 'sneaky', roleIds: [role.Administrator] }).expect(403);
      expect(await ds.getRepository(User).countBy({ username: 'sneaky' })).toBe(0);
      const denied = await auditOf({ action: 'user.create', actor: 'gina' });
      expect(denied.items).toEqual([expect.objectContaining({ result: 'denied', errorCode: 'PERMISSION_DENIED' })]);

      const listed = await admin.get('/api/roles').expect(200);
      expect(listed.body.items).toContainEqual(expect.objectContaining({ id: opsRole, userCount: 1 }));
    });

    it('applies a changed role from its holders’ next request', async () => {
      const res = await admin.patch(`/api/roles/${opsRole}`, { menus: ['tenant.sessions', 'audit.read', 'admin.users'] }).expect(200);
      expect(res.body.menus).toEqual(['tenant.sessions', 'audit.read', 'admin.users']);
      await gina.get('/api/users').expect(200);
      const audit = await auditOf({ action: 'role.update', result: 'ok' });
      expect(audit.items[0]?.target).toMatchObject({
        role: 'Ops viewer',
        changed: { menus: { from: ['tenant.sessions', 'audit.read'], to: ['tenant.sessions', 'audit.read', 'admin.users'] } },
      });
    });

    it('keeps built-in roles as they are', async () => {
      const edit = await admin.patch(`/api/roles/${role.DBA}`, { menus: ['admin.users'] }).expect(409);
      expect(edit.body.code).toBe('BUILTIN_ROLE');
      expect((await admin.del(`/api/roles/${role.Administrator}`).expect(409)).body.code).toBe('BUILTIN_ROLE');
      expect((await admin.del('/api/roles/999999').expect(404)).body.code).toBe('ROLE_NOT_FOUND');
      const roles = await admin.get('/api/roles').expect(200);
      expect(roles.body.items).toContainEqual(expect.objectContaining({ id: role.DBA, menus: ['diagnosis.sessions', 'tenant.sessions'] }));
      expect(roles.body.items).toContainEqual(expect.objectContaining({ id: role.Administrator }));
      const audit = await auditOf({ result: 'denied' });
      expect(audit.items.filter((i) => i.errorCode === 'BUILTIN_ROLE').map((i) => i.action)).toEqual(['role.delete', 'role.update']);
    });

    it('deletes a custom role with its grants; its holders lose it at once', async () => {
      await admin.post('/api/grants', { subjectType: 'role', subjectId: opsRole, scope: 'all', level: 'read_only' }).expect(201);
      await admin.del(`/api/roles/${opsRole}`).expect(204);
      expect((await gina.get('/api/auth/me').expect(200)).body).toMatchObject({ menus: [], grants: [], readOnly: false });
      await gina.get('/api/users').expect(403);
      expect(await ds.getRepository(Grant).countBy({ subjectType: 'role', subjectId: opsRole })).toBe(0);
      const audit = await auditOf({ action: 'role.delete', result: 'ok' });
      expect(audit.items[0]?.target).toMatchObject({ roleId: opsRole, role: 'Ops viewer', users: 1, grantsRemoved: 1 });
    });
  });

  describe('grants', () => {
    let cluster: Cluster;
    let tenant: Tenant;
    let hank: UserBody;

    beforeAll(async () => {
      cluster = await ds.getRepository(Cluster).save({ name: 'grant-cluster', kind: 'mysql' });
      tenant = await ds.getRepository(Tenant).save({
        clusterId: cluster.id,
        name: 'grant-tenant',
        host: '127.0.0.1',
        port: 3317,
        username: 'nobody',
        passwordEnc: 'sealed',
        directServers: [],
      });
      hank = await createUser('hank', [role.DBA], 'hank-password-1');
    });

    it('refuses unknown subjects and resources with 404, writing no grant', async () => {
      const cases: [object, string][] = [
        [{ subjectType: 'role', subjectId: 999999, scope: 'tenant', resourceId: tenant.id, level: 'read_only' }, 'ROLE_NOT_FOUND'],
        [{ subjectType: 'user', subjectId: 999999, scope: 'tenant', resourceId: tenant.id, level: 'read_only' }, 'USER_NOT_FOUND'],
        [{ subjectType: 'user', subjectId: hank.id, scope: 'tenant', resourceId: 999999, level: 'read_only' }, 'TENANT_NOT_FOUND'],
        [{ subjectType: 'user', subjectId: hank.id, scope: 'cluster', resourceId: 999999, level: 'operate' }, 'CLUSTER_NOT_FOUND'],
      ];
      for (const [body, code] of cases) {
        const res = await admin.post('/api/grants', body).expect(404);
        expect(res.body.code).toBe(code);
      }
      const { id: _id, ...fields } = tenant;
      const gone = await ds.getRepository(Tenant).save({ ...fields, name: 'gone-tenant' });
      await ds.getRepository(Tenant).delete({ id: gone.id });
      const deleted = await admin
        .post('/api/grants', { subjectType: 'user', subjectId: hank.id, scope: 'tenant', resourceId: gone.id, level: 'operate' })
        .expect(404);
      expect(deleted.body.code).toBe('TENANT_NOT_FOUND');

      const bad = await admin
        .post('/api/grants', { subjectType: 'user', subjectId: hank.id, scope: 'all', resourceId: 5, level: 'operate' })
        .expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      await admin.post('/api/grants', { subjectType: 'user', subjectId: hank.id, scope: 'tenant', level: 'operate' }).expect(400);
      await admin.post('/api/grants', { subjectType: 'group', subjectId: hank.id, scope: 'all', level: 'operate' }).expect(400);

      expect(await ds.getRepository(Grant).count()).toBe(0);
      const audit = await auditOf({ action: 'grant.create', result: 'not_found' });
      expect(audit.items.map((i) => i.errorCode).sort()).toEqual([
        'CLUSTER_NOT_FOUND',
        'ROLE_NOT_FOUND',
        'TENANT_NOT_FOUND',
        'TENANT_NOT_FOUND',
        'USER_NOT_FOUND',
      ]);
    });

    it('grants, changes the level of the same grant, lists with names and filters, and revokes', async () => {
      const first = await admin
        .post('/api/grants', { subjectType: 'user', subjectId: hank.id, scope: 'tenant', resourceId: tenant.id, level: 'read_only' })
        .expect(201);
      expect(first.body).toMatchObject({
        subjectType: 'user',
        subjectId: hank.id,
        subjectName: 'hank',
        scope: 'tenant',
        resourceId: tenant.id,
        resourceName: 'grant-tenant',
        clusterId: cluster.id,
        level: 'read_only',
      });
      const again = await admin
        .post('/api/grants', { subjectType: 'user', subjectId: hank.id, scope: 'tenant', resourceId: tenant.id, level: 'operate' })
        .expect(200);
      expect(again.body).toMatchObject({ id: first.body.id, level: 'operate' });
      expect(await ds.getRepository(Grant).countBy({ subjectType: 'user', subjectId: hank.id })).toBe(1);

      const toRole = await admin
        .post('/api/grants', { subjectType: 'role', subjectId: role.DBA, scope: 'cluster', resourceId: cluster.id, level: 'read_only' })
        .expect(201);
      expect(toRole.body).toMatchObject({ subjectName: 'DBA', resourceName: 'grant-cluster', clusterId: cluster.id });

      const hankSession = await login(t.url, 'hank', 'hank-password-1');
      const me = await hankSession.get('/api/auth/me').expect(200);
      expect(me.body.grants).toEqual(
        expect.arrayContaining([
          { scope: 'tenant', resourceId: tenant.id, level: 'operate' },
          { scope: 'cluster', resourceId: cluster.id, level: 'read_only' },
        ]),
      );

      const mine = await admin.get('/api/grants').query({ subjectType: 'user', subjectId: hank.id }).expect(200);
      expect(mine.body).toMatchObject({ total: 1, items: [{ id: first.body.id, level: 'operate' }] });
      const clusters = await admin.get('/api/grants').query({ scope: 'cluster', resourceId: cluster.id }).expect(200);
      expect(clusters.body.items.map((g: { id: number }) => g.id)).toEqual([toRole.body.id]);
      expect((await admin.get('/api/grants').query({ scope: 'everywhere' }).expect(400)).body.code).toBe('VALIDATION_FAILED');

      const onTenant = await auditOf({ tenantId: tenant.id });
      expect(onTenant.items.map((i) => `${i.action}:${i.result}`)).toEqual(['grant.update:ok', 'grant.create:ok']);
      expect(onTenant.items[0]?.target).toMatchObject({ previousLevel: 'read_only', level: 'operate', subjectName: 'hank' });

      await admin.del(`/api/grants/${first.body.id}`).expect(204);
      expect((await admin.del(`/api/grants/${first.body.id}`).expect(404)).body.code).toBe('GRANT_NOT_FOUND');
      expect((await hankSession.get('/api/auth/me').expect(200)).body.grants).toEqual([
        { scope: 'cluster', resourceId: cluster.id, level: 'read_only' },
      ]);
      expect((await auditOf({ action: 'grant.delete' })).items.map((i) => `${i.result}:${i.tenantId}`)).toEqual([
        'not_found:null',
        `ok:${tenant.id}`,
        // the CSRF-refused attempt of an earlier test
        'denied:null',
      ]);
    });

    it('shows non-administrators only the audit rows about what they may read', async () => {
      const dora = await login(t.url, 'dora', 'dora-chosen-password');
      const hidden = await dora.get('/api/audit').query({ action: 'grant.create', result: 'ok' }).expect(200);
      expect(hidden.body.items.filter((i: AuditItem) => i.tenantId !== null || i.clusterId !== null)).toEqual([]);
      expect((await dora.get('/api/audit').query({ action: 'user.create' }).expect(200)).body.total).toBeGreaterThan(0);

      const doraId = (await dora.get('/api/auth/me').expect(200)).body.user.id as number;
      await admin
        .post('/api/grants', { subjectType: 'user', subjectId: doraId, scope: 'cluster', resourceId: cluster.id, level: 'read_only' })
        .expect(201);
      const shown = await dora.get('/api/audit').query({ tenantId: tenant.id }).expect(200);
      expect(shown.body.total).toBe(3);
    });
  });

  describe('audit API', () => {
    // already in canonical form (lower case), as sign-in names are audited
    const trap = `=cmd|' /c calc'!a0,"x"`;

    it('filters by actor, action, result and time, and pages', async () => {
      await tryLogin(trap, 'whatever').expect(401);
      const byActor = await auditOf({ actor: trap, action: 'auth.login' });
      expect(byActor.total).toBe(1);
      expect(byActor.items[0]).toMatchObject({ actorName: trap, actorId: null, result: 'denied', errorCode: 'INVALID_CREDENTIALS' });
      expect(new Date(byActor.items[0]!.at).toISOString()).toBe(byActor.items[0]!.at);

      const notFound = await auditOf({ result: 'not_found' });
      expect(notFound.total).toBeGreaterThan(0);
      expect(notFound.items.every((i) => i.result === 'not_found')).toBe(true);

      const future = new Date(Date.now() + 3600_000).toISOString();
      expect((await auditOf({ from: future })).total).toBe(0);
      expect((await auditOf({ to: '2000-01-01' })).total).toBe(0);
      const all = await auditOf({});
      expect((await auditOf({ from: '2000-01-01T00:00:00Z', to: future })).total).toBe(all.total);
      const latest = all.items[0]!;
      expect((await auditOf({ from: latest.at, to: latest.at })).items.map((i) => i.id)).toContain(latest.id);

      const p1 = await admin.get('/api/audit').query({ pageSize: 2, page: 1 }).expect(200);
      const p2 = await admin.get('/api/audit').query({ pageSize: 2, page: 2 }).expect(200);
      expect(p1.body).toMatchObject({ total: all.total, page: 1, pageSize: 2 });
      expect(p2.body.items.map((i: AuditItem) => i.id)).toEqual(all.items.slice(2, 4).map((i) => i.id));

      for (const query of [{ result: 'bogus' }, { from: 'yesterday' }, { to: '2025-13-40' }, { tenantId: 'abc' }, { page: 0 }]) {
        const res = await admin.get('/api/audit').query(query).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('names the actor, tenant and cluster of each row, keeps the recorded name of a deleted tenant, and filters by name', async () => {
      const cluster = (await admin.post('/api/clusters', { name: 'names-dc', kind: 'mysql' }).expect(201)).body.id as number;
      const tenant = async (name: string) =>
        (
          await admin
            .post('/api/tenants', {
              clusterId: cluster,
              name,
              host: STACK.tenantA.host,
              port: STACK.tenantA.port,
              username: 'sessionops',
              password: 'sessionops',
            })
            .expect(201)
        ).body.tenant.id as number;
      const gone = await tenant('names-gone');
      const kept = await tenant('names-kept');
      await admin.del(`/api/tenants/${gone}`).expect((res) => expect(res.status).toBeLessThan(300));

      type Named = AuditItem & {
        actorDisplayName: string | null;
        tenantName: string | null;
        tenantDeleted: boolean;
        clusterName: string | null;
        clusterDeleted: boolean;
      };
      const keptRow = (await auditOf({ action: 'tenant.create', tenantId: kept })).items[0] as Named;
      expect(keptRow).toMatchObject({
        actorName: 'admin',
        tenantName: 'names-kept',
        tenantDeleted: false,
        clusterName: 'names-dc',
        clusterDeleted: false,
      });
      expect(keptRow.actorDisplayName).toBeTruthy();
      const goneRows = (await auditOf({ tenantId: gone })).items as Named[];
      expect(goneRows.map((r) => r.action).sort()).toEqual(['tenant.create', 'tenant.delete']);
      for (const r of goneRows) expect(r).toMatchObject({ tenantName: 'names-gone', tenantDeleted: true, clusterName: 'names-dc' });

      // by name: part of the tenant's or cluster's name, wildcards taken literally
      const byTenant = (await auditOf({ tenant: 'es-ke' })).items as Named[];
      expect(byTenant.length).toBeGreaterThan(0);
      expect(new Set(byTenant.map((r) => r.tenantId))).toEqual(new Set([kept]));
      expect((await auditOf({ tenant: 'names%' })).total).toBe(0);
      const byCluster = (await auditOf({ cluster: 'names-d', action: 'tenant.create' })).items;
      expect(new Set(byCluster.map((r) => r.tenantId))).toEqual(new Set([gone, kept]));
      expect((await auditOf({ actor: 'Administrator', tenantId: kept })).total).toBeGreaterThan(0);

      // the CSV export carries the same names (a deleted tenant by the name its rows recorded)
      const csv = parseCsv(
        (await admin.get('/api/audit/export.csv').query({ cluster: 'names-dc', action: 'tenant.create' }).expect(200)).text.slice(1),
      );
      const col = (r: string[], c: (typeof AUDIT_CSV_COLUMNS)[number]) => r[AUDIT_CSV_COLUMNS.indexOf(c)];
      expect(
        csv
          .slice(1)
          .map((r) => [col(r, 'tenantName'), col(r, 'clusterName'), col(r, 'actorName')])
          .sort(),
      ).toEqual([
        ['names-gone', 'names-dc', 'admin'],
        ['names-kept', 'names-dc', 'admin'],
      ]);
      expect(col(csv[1]!, 'actorDisplayName')).toBe(keptRow.actorDisplayName);
    });

    it('exports the filtered rows as quoted CSV, neutralising formulas', async () => {
      const res = await admin.get('/api/audit/export.csv').query({ actor: trap }).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-[\w-]+\.csv"$/);
      const text = res.text;
      expect(text.startsWith('\uFEFF')).toBe(true);
      expect(text).toContain(`,"'=cmd|' /c calc'!a0,""x""",`);
      const rows = parseCsv(text.slice(1));
      expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
      expect(rows).toHaveLength(2);
      const row = Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, rows[1]![i]]));
      expect(row).toMatchObject({
        actorName: `'${trap}`,
        action: 'auth.login',
        result: 'denied',
        errorCode: 'INVALID_CREDENTIALS',
        actorId: '',
      });
      expect(new Date(row.at!).toISOString()).toBe(row.at);

      const listed = await auditOf({ action: 'user.update' });
      const whole = await admin.get('/api/audit/export.csv').query({ action: 'user.update' }).expect(200);
      const wholeRows = parseCsv(whole.text.slice(1)).slice(1);
      expect(wholeRows.map((r) => r[0])).toEqual(listed.items.map((i) => i.id));
      const withTarget = wholeRows.find((r) => r[0] === listed.items[0]!.id)!;
      expect(JSON.parse(withTarget[AUDIT_CSV_COLUMNS.indexOf('target')]!)).toEqual(listed.items[0]!.target);

      const exports = await auditOf({ action: 'audit.export' });
      expect(exports.items[0]).toMatchObject({
        actorName: 'admin',
        result: 'ok',
        target: { filters: { action: 'user.update' }, rows: listed.total },
      });
      expect((await admin.get('/api/audit/export.csv').query({ result: 'maybe' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('needs the audit.read menu', async () => {
      const hank = await login(t.url, 'hank', 'hank-password-1');
      expect((await hank.get('/api/audit').expect(403)).body.code).toBe('PERMISSION_DENIED');
      await hank.get('/api/audit/export.csv').expect(403);
      await request(t.url).get('/api/audit').expect(401);
    });

    it('is append-only at the database level', async () => {
      const [row] = (await auditOf({ action: 'user.create' })).items;
      await expect(ds.query('UPDATE audit_log SET result = ? WHERE id = ?', ['ok', row!.id])).rejects.toThrow(/append-only/);
      await expect(ds.query('DELETE FROM audit_log WHERE id = ?', [row!.id])).rejects.toThrow(/append-only/);
      const [after] = (await ds.query('SELECT result FROM audit_log WHERE id = ?', [row!.id])) as { result: string }[];
      expect(after?.result).toBe(row!.result);
    });
  });
});
