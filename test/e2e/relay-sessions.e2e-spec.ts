import Redis from 'ioredis';
import { relayKeys } from '../../server/relay/sessions/relay-session.keys';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { RedisServer, waitFor } from '../support/servers';
import { seedRelaySessions, SeedSession } from '../support/relay-seed';
import { STACK } from '../support/stack';

interface SessionRow {
  id: string;
  userId: number;
  state: string;
}

/**
 * The relay sessions admin API on the real stack: sessions are written into Redis through the
 * relay layout (as the gateway's tracker writes them) and read back through the API.
 */
describe('relay sessions admin API', () => {
  let t: TestApp;
  let admin: Client;
  let alice: Client;
  let bob: Client;
  const users: Record<string, number> = {};
  const redis = new Redis(STACK.redisUrl, { lazyConnect: true });

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', SESSION_TTL: '300', SESSION_INACTIVE_RETENTION: '900' });
    await redis.connect();
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const relayRole = roles.find((r) => r.name === 'Relay user')!.id;
    for (const name of ['alice', 'bob', 'carol']) {
      users[name] = (
        await admin.post('/api/users', { username: name, roleIds: [relayRole], password: `${name}-password-1` }).expect(201)
      ).body.user.id;
    }
    alice = await login(t.url, 'alice', 'alice-password-1');
    bob = await login(t.url, 'bob', 'bob-password-1');
    const now = Date.now();
    const seed: SeedSession[] = [];
    // 45 active sessions: 20 alice, 15 bob, 10 carol; 25 inactive (past SESSION_TTL), all carol's but 3 of bob's
    for (let i = 0; i < 45; i++) {
      const who = i < 20 ? 'alice' : i < 35 ? 'bob' : 'carol';
      seed.push({ id: `act-${who}-${i}`, userId: users[who]!, userName: who, lastAt: now - i * 1000, requests: 3 });
    }
    for (let i = 0; i < 25; i++) {
      const who = i < 3 ? 'bob' : 'carol';
      seed.push({ id: `old-${who}-${i}`, userId: users[who]!, userName: who, lastAt: now - 400_000 - i * 1000 });
    }
    seed.push({ id: 'alice-detail', userId: users.alice!, userName: 'alice', lastAt: now + 1000, requests: 25, messages: true });
    await seedRelaySessions(redis, t.config.redisPrefix, seed);
  }, 120000);

  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it('pages active and inactive sessions apart, 20 per page, for an administrator', async () => {
    const p1 = (await admin.get('/api/relay/sessions?state=active&page=1').expect(200)).body;
    expect(p1).toMatchObject({ total: 46, page: 1, pageSize: 20 });
    expect(p1.items).toHaveLength(20);
    expect(p1.items[0]).toMatchObject({ id: 'alice-detail', state: 'active', userName: 'alice', requests: 25, currency: 'USD' });
    const p3 = (await admin.get('/api/relay/sessions?state=active&page=3').expect(200)).body;
    expect(p3.items).toHaveLength(6);
    const seen = new Set<string>();
    for (let page = 1; page <= 3; page++) {
      for (const s of (await admin.get(`/api/relay/sessions?page=${page}`).expect(200)).body.items as SessionRow[]) seen.add(s.id);
    }
    expect(seen.size).toBe(46);
    const inactive = (await admin.get('/api/relay/sessions?state=inactive&page=2').expect(200)).body;
    expect(inactive.total).toBe(25);
    expect(inactive.items).toHaveLength(5);
    expect((inactive.items as SessionRow[]).every((s) => s.state === 'inactive' && s.id.startsWith('old-'))).toBe(true);
  });

  it('gives a non-admin calling the API directly only their own sessions', async () => {
    const mine = (await bob.get('/api/relay/sessions?state=active').expect(200)).body;
    expect(mine.total).toBe(15);
    expect((mine.items as SessionRow[]).every((s) => s.userId === users.bob)).toBe(true);
    expect((await bob.get('/api/relay/sessions?state=inactive').expect(200)).body.total).toBe(3);
    const a = (await alice.get('/api/relay/sessions').expect(200)).body;
    expect(a.total).toBe(21);
    expect((await alice.get('/api/relay/sessions/alice-detail').expect(200)).body).toMatchObject({
      id: 'alice-detail',
      messagesStored: false,
    });
  });

  it("answers someone else's session, its requests and messages exactly like an unknown one", async () => {
    for (const suffix of ['', '/requests', '/requests/1']) {
      const hidden = await bob.get(`/api/relay/sessions/alice-detail${suffix}`).expect(404);
      const unknown = await bob.get(`/api/relay/sessions/no-such-id${suffix}`).expect(404);
      expect(hidden.body.code).toBe('SESSION_NOT_FOUND');
      expect(hidden.body.message.replace('alice-detail', 'X')).toBe(unknown.body.message.replace('no-such-id', 'X'));
    }
  });

  it('pages a session’s requests asc and desc and reads one request with its messages', async () => {
    const asc = (await admin.get('/api/relay/sessions/alice-detail/requests?order=asc&page=1').expect(200)).body;
    expect(asc).toMatchObject({ total: 25, pageSize: 20 });
    expect(asc.items[0].seq).toBe(1);
    const desc = (await admin.get('/api/relay/sessions/alice-detail/requests?order=desc&page=2').expect(200)).body;
    expect(desc.items.map((r: { seq: number }) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    const one = (await alice.get('/api/relay/sessions/alice-detail/requests/3').expect(200)).body;
    expect(one).toMatchObject({ seq: 3, status: 'completed', statusCode: 200, userAgent: expect.stringContaining('claude-cli') });
    expect(JSON.parse(one.requestBody)).toMatchObject({ messages: [{ role: 'user' }] });
    expect(one.responseHeaders).toContain('content-type');
    const out = await admin.get('/api/relay/sessions/alice-detail/requests/26').expect(404);
    expect(out.body.code).toBe('NOT_FOUND');
  });

  it('refuses bad input with 400 and a field name, never a 500', async () => {
    const cases: [string, string][] = [
      ['/api/relay/sessions?state=idle', 'state'],
      ['/api/relay/sessions?page=0', 'page'],
      ['/api/relay/sessions?page=abc', 'page'],
      ['/api/relay/sessions/bad%20id', 'id'],
      [`/api/relay/sessions/${'x'.repeat(257)}`, 'id'],
      ['/api/relay/sessions/alice-detail/requests/abc', 'seq'],
      ['/api/relay/sessions/alice-detail/requests/0', 'seq'],
      ['/api/relay/sessions/alice-detail/requests?order=sideways', 'order'],
    ];
    for (const [path, field] of cases) {
      const res = await admin.get(path);
      expect([path, res.status, res.body.code]).toEqual([path, 400, 'VALIDATION_FAILED']);
      expect(JSON.stringify(res.body.details)).toContain(field);
    }
    const tooMany = await admin.post('/api/relay/sessions/terminate', { ids: Array.from({ length: 201 }, (_, i) => `s-${i}`) }).expect(400);
    expect(tooMany.body.message).toContain('200');
    const badId = await admin.post('/api/relay/sessions/terminate', { ids: ['ok', 'not ok!'] }).expect(400);
    expect(badId.body.code).toBe('VALIDATION_FAILED');
    await admin.post('/api/relay/sessions/terminate', { ids: [] }).expect(400);
  });

  it('counts someone else’s and unknown ids in a batch and audits every one, refusals included', async () => {
    const res = (await bob.post('/api/relay/sessions/terminate', { ids: ['act-alice-0', 'act-alice-0', 'never-seen'] }).expect(200)).body;
    expect(res).toMatchObject({ terminated: 0, unauthorized: 1, missing: 1, failed: 0 });
    expect(res.results).toEqual([
      { id: 'act-alice-0', outcome: 'unauthorized' },
      { id: 'never-seen', outcome: 'missing' },
    ]);
    // the refused session is untouched
    expect(await redis.exists(relayKeys(t.config.redisPrefix).session('act-alice-0'))).toBe(1);
    const single = await bob.del('/api/relay/sessions/act-alice-1').expect(403);
    expect(single.body.code).toBe('PERMISSION_DENIED');
    const audit = (await admin.get('/api/audit?action=relay.session.terminate&actor=bob').expect(200)).body.items as {
      sessionId: string;
      result: string;
    }[];
    expect(audit.map((a) => `${a.sessionId}:${a.result}`).sort()).toEqual([
      'act-alice-0:denied',
      'act-alice-1:denied',
      'never-seen:not_found',
    ]);
  });

  it('answers 503 REDIS_UNAVAILABLE while Redis is down and recovers without a restart', async () => {
    const server = await RedisServer.start();
    const down = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', REDIS_URL: server.url });
    const r = new Redis(server.url, { lazyConnect: true });
    try {
      await r.connect();
      await seedRelaySessions(r, down.config.redisPrefix, [{ id: 'survivor', userId: 1, userName: 'admin' }]);
      const a = await login(down.url, 'admin', ADMIN_PASSWORD);
      await server.stop();
      for (const res of [await a.get('/api/relay/sessions'), await a.post('/api/relay/sessions/terminate', { ids: ['survivor'] })]) {
        expect([res.status, res.body.code]).toEqual([503, 'REDIS_UNAVAILABLE']);
      }
      // the throw-away Redis keeps nothing across a restart: sign in again and write the session again
      await server.start();
      let again: Client | undefined;
      await waitFor('sign-in after Redis is back', async () => {
        again = await login(down.url, 'admin', ADMIN_PASSWORD);
        return true;
      });
      await r.ping();
      await seedRelaySessions(r, down.config.redisPrefix, [{ id: 'survivor', userId: 1, userName: 'admin' }]);
      const list = (await again!.get('/api/relay/sessions').expect(200)).body;
      expect(list.items.map((x: SessionRow) => x.id)).toEqual(['survivor']);
    } finally {
      r.disconnect();
      await down.close();
      await server.stop();
    }
  });
});
