import Anthropic from '@anthropic-ai/sdk';
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { relayKeys } from '../../server/relay/sessions/relay-session.keys';
import { DEFAULT_USAGE, FakeAnthropic } from '../fixtures/fake-anthropic';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { deleteRelayKeys, ensureCluster, modeEnv, RedisMode, relayRedisOf } from '../support/relay';
import { waitFor } from '../support/servers';

const MODEL = 'claude-sonnet-4-5';

interface SessionRow {
  id: string;
  userName: string;
  userId: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  costMicros: number;
}

/**
 * The acceptance scenario with real traffic: three users call the relay with the official SDK
 * through a local fake upstream; the administrator and the users then use the sessions API.
 */
const MODES: RedisMode[] = ['standalone', 'cluster'];

describe.each(MODES)('relay sessions API with real traffic from three users (Redis %s)', (mode) => {
  let t: TestApp;
  let fake: FakeAnthropic;
  let admin: Client;
  const users: Record<string, { client: Client; sdk: Anthropic; id: number }> = {};
  let redis: Redis | Cluster;
  let keys: ReturnType<typeof relayKeys>;

  /** One conversation: the client names its session the way Claude Code does. */
  async function converse(user: string, stream: boolean): Promise<string> {
    const clientSid = randomUUID();
    const params = {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: `hello from ${user}` }],
      metadata: { user_id: `user_${user}_account__session_${clientSid}` },
    };
    const sdk = users[user]!.sdk;
    if (stream) {
      const final = await sdk.messages.stream(params).finalMessage();
      expect(final.content[0]).toMatchObject({ type: 'text' });
    } else {
      const msg = await sdk.messages.create(params);
      expect(msg.usage.output_tokens).toBe(DEFAULT_USAGE.output_tokens);
    }
    return clientSid;
  }

  async function list(c: Client, state = 'active'): Promise<SessionRow[]> {
    const out: SessionRow[] = [];
    for (let page = 1; ; page++) {
      const body = (await c.get(`/api/relay/sessions?state=${state}&page=${page}`).expect(200)).body as {
        items: SessionRow[];
        total: number;
      };
      out.push(...body.items);
      if (out.length >= body.total || body.items.length === 0) return out;
    }
  }

  /** The relay's id of a user's session, found through the administrator's listing. */
  async function sidOf(user: string, clientSid: string): Promise<string> {
    const row = (await list(admin)).find((s) => s.userName === user && s.id.endsWith(clientSid));
    if (!row) throw new Error(`no session ${clientSid} of ${user}`);
    return row.id;
  }

  /** Lets Redis expire a session's data, as SESSION_TTL + retention would. */
  async function expire(sid: string): Promise<void> {
    await redis.pexpire(keys.session(sid), 1);
    await waitFor(`expiry of ${sid}`, async () => (await redis.exists(keys.session(sid))) === 0);
  }

  beforeAll(async () => {
    if (mode === 'cluster') ensureCluster();
    fake = await FakeAnthropic.start();
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', STORE_SESSION_MESSAGES: 'true', ...modeEnv(mode) });
    keys = relayKeys(t.config.redisPrefix);
    redis = relayRedisOf(t);
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    await admin.post('/api/relay/providers', { name: 'fake', baseUrl: fake.url, apiKey: fake.apiKey, models: [] }).expect(201);
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const relayRole = roles.find((r) => r.name === 'Relay user')!.id;
    for (const name of ['ann', 'ben', 'cat']) {
      const id = (await admin.post('/api/users', { username: name, roleIds: [relayRole], password: `${name}-password-1` }).expect(201)).body
        .user.id as number;
      const client = await login(t.url, name, `${name}-password-1`);
      const secret = (await client.post('/api/relay/keys', { name: `${name}-cli` }).expect(201)).body.secret as string;
      users[name] = { client, id, sdk: new Anthropic({ apiKey: secret, baseURL: t.url, maxRetries: 0 }) };
    }
  }, 120000);

  afterAll(async () => {
    if (mode === 'cluster') await deleteRelayKeys(redis, t.config.redisPrefix).catch(() => undefined);
    redis?.disconnect();
    await t?.close();
    await fake?.close();
  });

  it('lists everyone’s sessions for the administrator, with the usage the upstream reported', async () => {
    for (const user of ['ann', 'ben', 'cat']) {
      await converse(user, true);
      await converse(user, false);
    }
    const all = await list(admin);
    expect(all).toHaveLength(6);
    expect(all.map((s) => s.userName).sort()).toEqual(['ann', 'ann', 'ben', 'ben', 'cat', 'cat']);
    for (const s of all) {
      expect(s).toMatchObject({
        requests: 1,
        inputTokens: DEFAULT_USAGE.input_tokens,
        outputTokens: DEFAULT_USAGE.output_tokens,
        cacheReadTokens: DEFAULT_USAGE.cache_read_input_tokens,
      });
      expect(s.costMicros).toBeGreaterThan(0);
    }
    const detail = (await admin.get(`/api/relay/sessions/${all[0]!.id}/requests/1`).expect(200)).body;
    expect(detail).toMatchObject({ status: 'completed', statusCode: 200, model: MODEL, messagesStored: true });
    expect(detail.userAgent).toMatch(/Anthropic\/JS/i);
    expect(detail.requestHeaders).not.toMatch(/sk-|secret/i);
  });

  it('gives a non-admin calling the API directly only their own sessions, details and messages', async () => {
    const ann = users.ann!.client;
    const mine = await list(ann);
    expect(mine).toHaveLength(2);
    expect(mine.every((s) => s.userId === users.ann!.id)).toBe(true);
    const bens = (await list(admin)).find((s) => s.userName === 'ben')!;
    for (const suffix of ['', '/requests', '/requests/1']) {
      const hidden = await ann.get(`/api/relay/sessions/${bens.id}${suffix}`).expect(404);
      const unknown = await ann.get(`/api/relay/sessions/k1_nothing-here${suffix}`).expect(404);
      expect(hidden.body.message.replace(bens.id, 'X')).toBe(unknown.body.message.replace('k1_nothing-here', 'X'));
    }
    expect((await ann.get(`/api/relay/sessions/${mine[0]!.id}/requests`).expect(200)).body.total).toBe(1);
  });

  it('counts {own, someone else’s, expired, unknown} for a non-admin and for an administrator, and audits each', async () => {
    // a non-admin
    const annOwn = await sidOf('ann', await converse('ann', false));
    const annOld = await sidOf('ann', await converse('ann', true));
    const bens = await sidOf('ben', await converse('ben', false));
    await expire(annOld);
    const byAnn = (
      await users.ann!.client.post('/api/relay/sessions/terminate', { ids: [annOwn, bens, annOld, 'k999_never-seen', annOwn] }).expect(200)
    ).body;
    expect(byAnn).toMatchObject({ terminated: 1, unauthorized: 1, missing: 2, failed: 0 });
    expect(Object.fromEntries(byAnn.results.map((r: { id: string; outcome: string }) => [r.id, r.outcome]))).toEqual({
      [annOwn]: 'terminated',
      [bens]: 'unauthorized',
      [annOld]: 'missing',
      'k999_never-seen': 'missing',
    });
    // ann's terminated session stays readable until it expires, marked as terminated; ben's is untouched
    expect((await users.ann!.client.get(`/api/relay/sessions/${annOwn}`).expect(200)).body).toMatchObject({ terminated: true });
    expect((await admin.get(`/api/relay/sessions/${bens}`).expect(200)).body).toMatchObject({ terminated: false });
    // ben's session is untouched and still answers; ann's terminated session refuses its next request
    expect((await list(admin)).some((s) => s.id === bens)).toBe(true);
    const clientSid = annOwn.replace(/^k\d+_/, '');
    const refused = await users
      .ann!.sdk.messages.create({
        model: MODEL,
        max_tokens: 8,
        messages: [{ role: 'user', content: 'again' }],
        metadata: { user_id: `user_ann_account__session_${clientSid}` },
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.APIError);
    expect((refused as InstanceType<typeof Anthropic.APIError>).status).toBe(409);

    // an administrator
    const cats = await sidOf('cat', await converse('cat', true));
    const catOld = await sidOf('cat', await converse('cat', false));
    await expire(catOld);
    const byAdmin = (await admin.post('/api/relay/sessions/terminate', { ids: [cats, bens, catOld, 'k999_never-seen'] }).expect(200)).body;
    expect(byAdmin).toMatchObject({ terminated: 2, unauthorized: 0, missing: 2, failed: 0 });
    const left = (await list(admin)).map((s) => s.id);
    expect(left).not.toContain(cats);
    expect(left).not.toContain(bens);

    const audit = (await admin.get('/api/audit?action=relay.session.terminate&pageSize=50').expect(200)).body.items as {
      actorName: string;
      sessionId: string;
      result: string;
    }[];
    const rows = audit.map((a) => `${a.actorName} ${a.sessionId} ${a.result}`).sort();
    expect(rows).toEqual(
      [
        `ann ${annOwn} ok`,
        `ann ${bens} denied`,
        `ann ${annOld} not_found`,
        'ann k999_never-seen not_found',
        `admin ${cats} ok`,
        `admin ${bens} ok`,
        `admin ${catOld} not_found`,
        'admin k999_never-seen not_found',
      ].sort(),
    );
  });
});
