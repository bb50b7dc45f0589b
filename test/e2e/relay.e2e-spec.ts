import Anthropic from '@anthropic-ai/sdk';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { RelaySessionTerminator } from '../../server/relay/sessions/relay-session.terminator';
import { relayKeys } from '../../server/relay/sessions/relay-session.keys';
import { DEFAULT_USAGE, FakeAnthropic } from '../fixtures/fake-anthropic';
import { login } from '../support/app';
import { waitFor } from '../support/servers';
import { addKey, addProvider, ensureCluster, modeEnv, RedisMode, RelayFixture, scanKeys, sdk, startRelay } from '../support/relay';

const MODES: RedisMode[] = ['standalone', 'cluster'];
const SONNET = 'claude-sonnet-4-6';
/** cost of DEFAULT_USAGE at the default Sonnet 4 prices, in micro-units */
const SONNET_COST = (25 * 3_000_000 + 40 * 15_000_000 + 60 * 3_750_000 + 40 * 6_000_000 + 200 * 300_000) / 1_000_000;

function userMessage(text = 'hello'): Anthropic.MessageParam[] {
  return [{ role: 'user', content: text }];
}

async function post(url: string, key: string | undefined, body: string | object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...(key ? { 'x-api-key': key } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe.each(MODES)('relay gateway on Redis (%s)', (mode) => {
  let f: RelayFixture;
  let keys: ReturnType<typeof relayKeys>;
  const fakes: FakeAnthropic[] = [];
  const fake = async (): Promise<FakeAnthropic> => {
    const x = await FakeAnthropic.start();
    fakes.push(x);
    return x;
  };

  beforeAll(async () => {
    if (mode === 'cluster') ensureCluster();
    f = await startRelay({ ...modeEnv(mode), RELAY_CIRCUIT_FAILURES: '2', RELAY_CIRCUIT_OPEN_SECONDS: '1', RELAY_MAX_BODY_BYTES: '65536' });
    keys = relayKeys(f.t.config.redisPrefix);
  }, 120000);

  afterAll(async () => {
    await f.close();
    await Promise.all(fakes.map((x) => x.close()));
  });

  const session = (sid: string) => f.redis.hgetall(keys.session(sid));

  it('passes JSON and SSE through byte for byte, with the provider key and the client headers', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'bytes', models: ['claude-sonnet-4-6-bytes'] });
    const key = await addKey(f.admin, 'bytes');
    // odd spacing and key order: the upstream must see exactly these bytes
    const body = `{"model":"claude-sonnet-4-6-bytes",  "max_tokens": 5,"messages":[{"role":"user","content":"héllo"}],"metadata":{"session_id":"bytes-1"}}`;
    const res = await post(f.t.url, key.secret, body, { 'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14' });
    expect(res.status).toBe(200);
    const text = await res.text();
    const seen = up.messages().at(-1)!;
    expect(seen.body.equals(Buffer.from(body))).toBe(true);
    expect(text).toBe(seen.response);
    expect(seen.headers['x-api-key']).toBe(up.apiKey);
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['anthropic-beta']).toBe('fine-grained-tool-streaming-2025-05-14');
    expect(seen.headers.authorization).toBeUndefined();
    expect(res.headers.get('x-relay-session-id')).toBe(`k${key.id}_bytes-1`);

    const streamBody = JSON.stringify({
      model: 'claude-sonnet-4-6-bytes',
      max_tokens: 5,
      stream: true,
      messages: userMessage('stream me'),
    });
    const sres = await post(f.t.url, key.secret, streamBody, { 'x-fake-chunks': '20' });
    expect(sres.headers.get('content-type')).toContain('text/event-stream');
    const stext = await sres.text();
    expect(stext).toBe(up.messages().at(-1)!.response);
    expect(stext).toContain('event: message_stop');

    // Authorization: Bearer is accepted too, and the official SDK works both ways
    const c = new Anthropic({ baseURL: f.t.url, authToken: key.secret, apiKey: null, maxRetries: 0 });
    const msg = await c.messages.create({ model: 'claude-sonnet-4-6-bytes', max_tokens: 5, messages: userMessage() });
    expect(msg.usage.output_tokens).toBe(DEFAULT_USAGE.output_tokens);
    const stream = sdk(f.t.url, key.secret).messages.stream({
      model: 'claude-sonnet-4-6-bytes',
      max_tokens: 5,
      messages: userMessage('s'),
    });
    const final = await stream.finalMessage();
    expect(final.usage.input_tokens).toBe(DEFAULT_USAGE.input_tokens);
    expect(final.usage.output_tokens).toBe(DEFAULT_USAGE.output_tokens);

    const counted = await fetch(`${f.t.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key.secret },
      body: JSON.stringify({ model: 'claude-sonnet-4-6-bytes', messages: userMessage() }),
    });
    expect(counted.status).toBe(200);
    expect(((await counted.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
  });

  it('records tokens, cost and every request of a session as the upstream reported them', async () => {
    const up = await fake();
    const pid = await addProvider(f.admin, up, { name: 'usage', models: ['claude-sonnet-4-6-usage'] });
    const key = await addKey(f.admin, 'usage');
    const c = sdk(f.t.url, key.secret, { 'x-session-id': 'usage-1' });
    await c.messages.create({ model: 'claude-sonnet-4-6-usage', max_tokens: 5, messages: userMessage() });
    await c.messages.stream({ model: 'claude-sonnet-4-6-usage', max_tokens: 5, messages: userMessage() }).finalMessage();
    const sid = `k${key.id}_usage-1`;
    await waitFor('request 2 ended', async () => (await f.redis.hget(keys.request(sid, 2), 'status')) === 'completed');
    const s = await session(sid);
    expect(s).toMatchObject({
      userName: 'admin',
      keyId: String(key.id),
      keyName: 'usage',
      idSource: 'x-session-id',
      requests: '2',
      inFlight: '0',
      inputTokens: String(2 * DEFAULT_USAGE.input_tokens),
      outputTokens: String(2 * DEFAULT_USAGE.output_tokens),
      cacheCreationTokens: String(2 * DEFAULT_USAGE.cache_creation_input_tokens),
      cacheReadTokens: String(2 * DEFAULT_USAGE.cache_read_input_tokens),
      costMicros: String(2 * SONNET_COST),
      providerId: String(pid),
      providerName: 'usage',
      model: 'claude-sonnet-4-6-usage',
      lastStatus: 'completed',
    });
    expect(JSON.parse(s.models!)).toEqual(['claude-sonnet-4-6-usage']);
    const r1 = await f.redis.hgetall(keys.request(sid, 1));
    const r2 = await f.redis.hgetall(keys.request(sid, 2));
    expect(r1).toMatchObject({
      seq: '1',
      status: 'completed',
      statusCode: '200',
      stream: '0',
      providerName: 'usage',
      costMicros: String(SONNET_COST),
    });
    expect(r2).toMatchObject({
      seq: '2',
      status: 'completed',
      statusCode: '200',
      stream: '1',
      outputTokens: String(DEFAULT_USAGE.output_tokens),
    });
    expect(r1.userAgent).toMatch(/Anthropic\/JS/);
    expect(Number(r1.durationMs)).toBeGreaterThanOrEqual(0);
    expect(await f.redis.zrange(keys.requests(sid), 0, -1)).toEqual(['1', '2']);
    expect(await f.redis.zscore(keys.active(), sid)).not.toBeNull();
    expect(await f.redis.zscore(keys.byKey(key.id), sid)).not.toBeNull();
    expect(await f.redis.zscore(keys.byProvider(pid), sid)).not.toBeNull();
  });

  it('keeps one session id on one session and one provider', async () => {
    const a = await fake();
    const b = await fake();
    await addProvider(f.admin, a, { name: 'stick-a', models: ['claude-sonnet-4-6-stick'] });
    await addProvider(f.admin, b, { name: 'stick-b', models: ['claude-sonnet-4-6-stick'] });
    const key = await addKey(f.admin, 'stick');
    const uuid = randomUUID();
    const c = sdk(f.t.url, key.secret);
    for (let i = 0; i < 6; i++) {
      await c.messages.create({
        model: 'claude-sonnet-4-6-stick',
        max_tokens: 5,
        messages: userMessage(`turn ${i}`),
        metadata: { user_id: `user_abc_account__session_${uuid}` },
      });
    }
    const sid = `k${key.id}_${uuid}`;
    const s = await session(sid);
    expect(s.requests).toBe('6');
    expect(s.idSource).toBe('metadata.user_id');
    expect(JSON.parse(s.providers!)).toHaveLength(1);
    expect([a.messages().length, b.messages().length].sort()).toEqual([0, 6]);
    // the same client id under another key is another session
    const other = await addKey(f.admin, 'stick-other');
    await sdk(f.t.url, other.secret).messages.create({
      model: 'claude-sonnet-4-6-stick',
      max_tokens: 5,
      messages: userMessage(),
      metadata: { user_id: JSON.stringify({ session_id: uuid }) },
    });
    expect((await session(sid)).requests).toBe('6');
    expect((await session(`k${other.id}_${uuid}`)).requests).toBe('1');
  });

  it('fails over before the first byte and rebinds the session', async () => {
    const bad = await fake();
    const good = await fake();
    bad.behaviour = { status: 529 };
    await addProvider(f.admin, bad, { name: 'fo-bad', priority: 10, models: ['claude-sonnet-4-6-fo'] });
    const goodId = await addProvider(f.admin, good, { name: 'fo-good', priority: 1, models: ['claude-sonnet-4-6-fo'] });
    const key = await addKey(f.admin, 'fo');
    const c = sdk(f.t.url, key.secret, { 'x-session-id': 'fo-1' });
    const msg = await c.messages.stream({ model: 'claude-sonnet-4-6-fo', max_tokens: 5, messages: userMessage() }).finalMessage();
    expect(msg.stop_reason).toBe('end_turn');
    expect(bad.messages()).toHaveLength(1);
    expect(good.messages()).toHaveLength(1);
    const sid = `k${key.id}_fo-1`;
    expect(await f.redis.get(keys.bind(sid))).toBe(String(goodId));
    bad.behaviour = {};
    await c.messages.create({ model: 'claude-sonnet-4-6-fo', max_tokens: 5, messages: userMessage() });
    expect(bad.messages()).toHaveLength(1);
    expect(good.messages()).toHaveLength(2);
    // 429 fails over too
    bad.behaviour = { status: 429 };
    await sdk(f.t.url, key.secret, { 'x-session-id': 'fo-2' }).messages.create({
      model: 'claude-sonnet-4-6-fo',
      max_tokens: 5,
      messages: userMessage(),
    });
    expect(good.messages()).toHaveLength(3);
  });

  it("takes a provider that refuses the relay's key as failed: fails over, and never tells the client its own key is bad", async () => {
    const good = await fake();
    // a provider registered with a wrong key: the fake answers 401 authentication_error
    await addProvider(
      f.admin,
      { url: good.url, apiKey: 'not-the-key' },
      { name: 'pk-wrong', priority: 10, models: ['claude-sonnet-4-6-pk'] },
    );
    await addProvider(f.admin, good, { name: 'pk-good', priority: 1, models: ['claude-sonnet-4-6-pk'] });
    await addProvider(f.admin, { url: good.url, apiKey: 'not-the-key' }, { name: 'pk-only', models: ['claude-sonnet-4-6-pk-only'] });
    const key = await addKey(f.admin, 'pk');
    const msg = await sdk(f.t.url, key.secret, { 'x-session-id': 'pk-1' }).messages.create({
      model: 'claude-sonnet-4-6-pk',
      max_tokens: 5,
      messages: userMessage(),
    });
    expect(msg.stop_reason).toBe('end_turn');
    // both providers are the same fake: the wrong key was refused, then the right one served
    expect(good.messages().map((m) => m.headers['x-api-key'])).toEqual(['not-the-key', 'fake-upstream-key']);
    // no provider left: a 502 api_error, not the provider's 401
    const res = await post(
      f.t.url,
      key.secret,
      { model: 'claude-sonnet-4-6-pk-only', max_tokens: 5, messages: userMessage() },
      { 'x-session-id': 'pk-2' },
    );
    expect(res.status).toBe(502);
    expect(res.headers.get('x-relay-session-id')).toBe(`k${key.id}_pk-2`);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('api_error');
  });

  it("answers in Anthropic's shape when every provider failed, with none of the provider's headers or HTML", async () => {
    const html = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', server: 'nginx/1.18.0', 'x-internal-host': 'gpu-node-17.corp.internal' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
      await addProvider(f.admin, { url, apiKey: 'any' }, { name: 'html', models: ['claude-sonnet-4-6-html'] });
      const key = await addKey(f.admin, 'html');
      for (const stream of [false, true]) {
        const res = await post(f.t.url, key.secret, { model: 'claude-sonnet-4-6-html', max_tokens: 5, stream, messages: userMessage() });
        expect(res.status).toBe(502);
        expect(res.headers.get('x-internal-host')).toBeNull();
        expect(res.headers.get('server')).toBeNull();
        expect(res.headers.get('x-relay-session-id')).toBeTruthy();
        expect(await res.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'The provider answered HTTP 502' } });
      }
    } finally {
      await new Promise<void>((resolve) => html.close(() => resolve()));
    }
  });

  it('opens a shared circuit after repeated failures and half-opens later', async () => {
    const flaky = await fake();
    const spare = await fake();
    flaky.behaviour = { status: 500 };
    const flakyId = await addProvider(f.admin, flaky, { name: 'cb-flaky', priority: 10, models: ['claude-sonnet-4-6-cb'] });
    await addProvider(f.admin, spare, { name: 'cb-spare', priority: 1, models: ['claude-sonnet-4-6-cb'] });
    const key = await addKey(f.admin, 'cb');
    const ask = (sid: string) =>
      sdk(f.t.url, key.secret, { 'x-session-id': sid }).messages.create({
        model: 'claude-sonnet-4-6-cb',
        max_tokens: 5,
        messages: userMessage(),
      });
    await ask('cb-1');
    await ask('cb-2');
    expect(flaky.messages()).toHaveLength(2);
    const circuit = async () =>
      ((await f.admin.get('/api/relay/providers').expect(200)).body.items as { id: number; circuit: string }[]).find(
        (p) => p.id === flakyId,
      )!.circuit;
    expect(await circuit()).toBe('open');
    await ask('cb-3');
    expect(flaky.messages()).toHaveLength(2);
    flaky.behaviour = {};
    // after RELAY_CIRCUIT_OPEN_SECONDS one probe goes through; its success closes the circuit
    let n = 4;
    await waitFor('a half-open probe', async () => {
      await ask(`cb-${n++}`);
      return flaky.messages().length === 3;
    });
    expect(await circuit()).toBe('closed');
  });

  it('terminates a session: its stream is aborted, its slots freed and its next request gets 409', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'term', models: ['claude-sonnet-4-6-term'] });
    const key = await addKey(f.admin, 'term');
    const c = sdk(f.t.url, key.secret, { 'x-session-id': 'term-1', 'x-fake-chunks': '1000', 'x-fake-chunk-delay-ms': '20' });
    const sid = `k${key.id}_term-1`;
    const stream = c.messages.stream({ model: 'claude-sonnet-4-6-term', max_tokens: 5, messages: userMessage() });
    const failed = stream.finalMessage().then(
      () => null,
      (err: unknown) => err,
    );
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    const terminator = f.t.app.get(RelaySessionTerminator);
    expect(await terminator.terminate(sid, { userId: 1, username: 'admin' })).toBe('terminated');
    const err = await failed;
    expect(err).toBeInstanceOf(Error);
    await waitFor('upstream aborted', async () => up.aborted === 1 && up.active === 0);
    expect(await f.redis.zscore(keys.active(), sid)).toBeNull();
    expect(await f.redis.zscore(keys.all(), sid)).toBeNull();
    expect((await f.redis.zrange(keys.inflight(), 0, -1)).filter((m) => m.startsWith(`${sid}|`))).toEqual([]);
    expect(await f.redis.pttl(keys.dead(sid))).toBeGreaterThan(0);
    const next = await sdk(f.t.url, key.secret, { 'x-session-id': 'term-1' })
      .messages.create({ model: 'claude-sonnet-4-6-term', max_tokens: 5, messages: userMessage() })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(next).toBeInstanceOf(Anthropic.ConflictError);
    expect((next as InstanceType<typeof Anthropic.ConflictError>).message).toMatch(/terminated by an administrator/);
    expect(await terminator.terminate(`k${key.id}_never-seen`, { userId: 1, username: 'admin' })).toBe('missing');
  });

  it('frees the slot and aborts the upstream request when the client disconnects', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'abort', models: ['claude-sonnet-4-6-abort'] });
    const key = await addKey(f.admin, 'abort');
    const sid = `k${key.id}_abort-1`;
    const ctl = new AbortController();
    const c = sdk(f.t.url, key.secret, { 'x-session-id': 'abort-1', 'x-fake-chunks': '1000', 'x-fake-chunk-delay-ms': '20' });
    const stream = c.messages.stream({ model: 'claude-sonnet-4-6-abort', max_tokens: 5, messages: userMessage() }, { signal: ctl.signal });
    const done = stream.finalMessage().catch(() => undefined);
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    expect((await f.redis.zrange(keys.inflight(), 0, -1)).filter((m) => m.startsWith(`${sid}|`))).toHaveLength(1);
    ctl.abort();
    await done;
    await waitFor('upstream aborted', async () => up.aborted === 1);
    await waitFor('slot released', async () => (await f.redis.zrange(keys.inflight(), 0, -1)).every((m) => !m.startsWith(`${sid}|`)));
    await waitFor('request recorded', async () => (await f.redis.hget(keys.request(sid, 1), 'status')) === 'error');
    expect((await session(sid)).inFlight).toBe('0');
  });

  it('takes a session whose request stopped with its instance as idle: no fork, nothing shown in flight', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'orphan', models: ['claude-sonnet-4-6-orphan'] });
    const key = await addKey(f.admin, 'orphan');
    const sid = `k${key.id}_orphan-1`;
    // one message: a short request, which a busy session hands to a session of its own (a sub-agent)
    const ask = () =>
      sdk(f.t.url, key.secret, { 'x-session-id': 'orphan-1' }).messages.create({
        model: 'claude-sonnet-4-6-orphan',
        max_tokens: 5,
        messages: userMessage(),
      });
    const listed = async () =>
      ((await f.admin.get('/api/relay/sessions?state=active').expect(200)).body.items as { id: string; inFlight: number }[]).find(
        (x) => x.id === sid,
      );
    await ask();
    // an instance stopped in the middle of a request: the session still counts it, its lease lapsed
    await f.redis.hset(keys.session(sid), 'inFlight', '1', 'lastStatus', 'in_progress');
    await f.redis.zadd(keys.inflight(), Date.now() - 1, `${sid}|stopped`);
    expect((await listed())?.inFlight).toBe(0);
    await ask();
    expect(await session(sid)).toMatchObject({ requests: '2', inFlight: '0', lastStatus: 'completed' });

    // a session busy with a live request still hands a short request to a session of its own
    const ctl = new AbortController();
    const long = sdk(f.t.url, key.secret, { 'x-session-id': 'orphan-1', 'x-fake-chunks': '1000', 'x-fake-chunk-delay-ms': '20' });
    const stream = long.messages.stream(
      { model: 'claude-sonnet-4-6-orphan', max_tokens: 5, messages: userMessage() },
      { signal: ctl.signal },
    );
    const done = stream.finalMessage().catch(() => undefined);
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    expect((await listed())?.inFlight).toBe(1);
    await ask();
    expect((await session(sid)).requests).toBe('3');
    ctl.abort();
    await done;
  });

  it('shows a request left in progress by a stopped instance as interrupted, and a running one in progress', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'cut', models: ['claude-sonnet-4-6-cut'] });
    const key = await addKey(f.admin, 'cut');
    const sid = `k${key.id}_cut-1`;
    const ctl = new AbortController();
    const stream = sdk(f.t.url, key.secret, {
      'x-session-id': 'cut-1',
      'x-fake-chunks': '1000',
      'x-fake-chunk-delay-ms': '20',
    }).messages.stream({ model: 'claude-sonnet-4-6-cut', max_tokens: 5, messages: userMessage() }, { signal: ctl.signal });
    const done = stream.finalMessage().catch(() => undefined);
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    // the record names the lease its instance holds and renews
    const lease = await f.redis.hget(keys.request(sid, 1), 'lease');
    expect(lease).toBeTruthy();
    expect(Number(await f.redis.zscore(keys.inflight(), `${sid}|${lease}`))).toBeGreaterThan(Date.now());
    expect((await session(sid)).lastLease).toBe(lease);
    const shown = async () => ({
      request: (await f.admin.get(`/api/relay/sessions/${encodeURIComponent(sid)}/requests`).expect(200)).body.items[0].status,
      session: (await f.admin.get(`/api/relay/sessions/${encodeURIComponent(sid)}`).expect(200)).body.lastStatus,
    });
    // running for a minute: past its first lease period, its lease runs
    const aMinuteAgo = Date.now() - 60_000;
    await f.redis.hset(keys.request(sid, 1), 'startedAt', aMinuteAgo);
    await f.redis.hset(keys.session(sid), 'lastAt', aMinuteAgo);
    expect(await shown()).toEqual({ request: 'in_progress', session: 'in_progress' });

    ctl.abort();
    await done;
    await waitFor('request ended', async () => (await f.redis.hget(keys.request(sid, 1), 'status')) === 'error');
    // what an instance that stopped mid-request leaves: the record in progress, its lease gone
    await f.redis.hset(keys.request(sid, 1), { status: 'in_progress', startedAt: aMinuteAgo });
    await f.redis.hdel(keys.request(sid, 1), 'endedAt', 'statusCode', 'durationMs', 'error');
    await f.redis.hset(keys.session(sid), { lastStatus: 'in_progress', lastAt: aMinuteAgo });
    expect(await f.redis.zscore(keys.inflight(), `${sid}|${lease}`)).toBeNull();
    expect(await shown()).toEqual({ request: 'interrupted', session: 'interrupted' });
  });

  it('sends an SSE error event and records an error when the upstream closes mid-stream', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'mid', models: ['claude-sonnet-4-6-mid'] });
    const key = await addKey(f.admin, 'mid');
    const c = sdk(f.t.url, key.secret, { 'x-session-id': 'mid-1', 'x-fake-chunks': '10', 'x-fake-close-after': '2' });
    const err = await c.messages
      .stream({ model: 'claude-sonnet-4-6-mid', max_tokens: 5, messages: userMessage() })
      .finalMessage()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    const sid = `k${key.id}_mid-1`;
    await waitFor('request recorded', async () => (await f.redis.hget(keys.request(sid, 1), 'status')) === 'error');
    expect((await session(sid)).lastStatus).toBe('error');
    const raw = await post(
      f.t.url,
      key.secret,
      { model: 'claude-sonnet-4-6-mid', max_tokens: 5, stream: true, messages: userMessage() },
      { 'x-session-id': 'mid-2', 'x-fake-chunks': '10', 'x-fake-close-after': '2' },
    );
    expect(raw.status).toBe(200);
    const text = await raw.text();
    expect(text).toContain('event: content_block_delta');
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
  });

  it('answers bad input in the Anthropic error shape and tracks nothing for a bad key', async () => {
    const up = await fake();
    await addProvider(f.admin, up, { name: 'bad', models: ['claude-sonnet-4-6-bad'] });
    const off = await fake();
    await addProvider(f.admin, off, { name: 'off', models: ['claude-sonnet-4-6-off'], enabled: false });
    const failing = await fake();
    failing.behaviour = { status: 503 };
    await addProvider(f.admin, failing, { name: 'failing', models: ['claude-sonnet-4-6-failing'] });
    const key = await addKey(f.admin, 'bad');
    const ok = { model: 'claude-sonnet-4-6-bad', max_tokens: 5, messages: userMessage() };
    const before = await f.redis.zcard(keys.all());
    const expectError = async (res: Response, status: number, type: string) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(body.type).toBe('error');
      expect(body.error.type).toBe(type);
      expect(body.error.message.length).toBeGreaterThan(0);
    };
    await expectError(await post(f.t.url, undefined, ok), 401, 'authentication_error');
    await expectError(await post(f.t.url, 'sk-so-unknown', ok), 401, 'authentication_error');
    await expectError(await post(f.t.url, 'not-even-a-relay-key', ok), 401, 'authentication_error');
    expect(await f.redis.zcard(keys.all())).toBe(before);
    await expectError(await post(f.t.url, key.secret, '{"model": "claude-sonnet-4-6-bad",'), 400, 'invalid_request_error');
    await expectError(await post(f.t.url, key.secret, { max_tokens: 5, messages: userMessage() }), 400, 'invalid_request_error');
    await expectError(await post(f.t.url, key.secret, { ...ok, messages: userMessage('x'.repeat(70000)) }), 413, 'request_too_large');
    await expectError(await post(f.t.url, key.secret, { ...ok, model: 'no-such-model' }), 404, 'not_found_error');
    await expectError(await post(f.t.url, key.secret, { ...ok, model: 'claude-sonnet-4-6-off' }), 503, 'overloaded_error');
    await expectError(await post(f.t.url, key.secret, { ...ok, model: 'claude-sonnet-4-6-failing' }), 503, 'api_error');
    await expectError(await post(f.t.url, key.secret, ok, { 'x-session-id': 'bad id!' }), 400, 'invalid_request_error');
    await expectError(await post(f.t.url, key.secret, ok, { 'x-session-id': 'a'.repeat(257) }), 400, 'invalid_request_error');
    await expectError(
      await post(f.t.url, key.secret, { ...ok, metadata: { user_id: JSON.stringify({ session_id: 'semi;colon' }) } }),
      400,
      'invalid_request_error',
    );
    expect((await post(f.t.url, key.secret, ok, { 'x-session-id': 'a'.repeat(256) })).status).toBe(200);

    // a disabled key stops working within a second, on every instance (it is only cached that long)
    expect((await post(f.t.url, key.secret, ok)).status).toBe(200);
    await f.admin.patch(`/api/relay/keys/${key.id}`, { enabled: false }).expect(200);
    await waitFor('disabled key refused', async () => (await post(f.t.url, key.secret, ok)).status === 401, undefined, 5000);
    await f.admin.patch(`/api/relay/keys/${key.id}`, { enabled: true }).expect(200);
    await waitFor('enabled key accepted', async () => (await post(f.t.url, key.secret, ok)).status === 200, undefined, 5000);
    await f.admin.del(`/api/relay/keys/${key.id}`).expect(204);
    await waitFor('deleted key refused', async () => (await post(f.t.url, key.secret, ok)).status === 401, undefined, 5000);
    // an expired key
    const soon = (await f.admin.post('/api/relay/keys', { name: 'soon', expiresAt: new Date(Date.now() + 1500).toISOString() }).expect(201))
      .body as { secret: string };
    await waitFor('expired key refused', async () => (await post(f.t.url, soon.secret, ok)).status === 401, undefined, 10000);

    const badUrl = await f.admin.post('/api/relay/providers', { name: 'ftp', baseUrl: 'ftp://example.com', apiKey: 'x' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.code).toBe('VALIDATION_FAILED');
  });

  it('manages keys per owner and never returns secrets or provider keys', async () => {
    const roles = (await f.admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const relayRole = roles.find((r) => r.name === 'Relay user')!.id;
    const uname = `ru_${mode}`;
    const user = (await f.admin.post('/api/users', { username: uname, roleIds: [relayRole], password: 'relay-user-pw-1' }).expect(201)).body
      .user as {
      id: number;
    };
    const u = await login(f.t.url, uname, 'relay-user-pw-1');
    const mine = (await u.post('/api/relay/keys', { name: 'mine' }).expect(201)).body as { id: number; secret: string; prefix: string };
    expect(mine.secret.startsWith(mine.prefix)).toBe(true);
    const hash = createHash('sha256').update(mine.secret).digest('hex');
    const rows = await f.t.app.get(DataSource).query('SELECT secret_hash FROM relay_keys WHERE id = ?', [mine.id]);
    expect(rows[0].secret_hash).toBe(hash);
    const forAdminByAdmin = await addKey(f.admin, 'admin-own');
    await f.admin.post('/api/relay/keys', { name: 'for-user', userId: user.id }).expect(201);
    const listed = (await u.get('/api/relay/keys').expect(200)).body as { items: { id: number; userId: number; name: string }[] };
    expect(listed.items.map((k) => k.name).sort()).toEqual(['for-user', 'mine']);
    expect(JSON.stringify(listed)).not.toContain(mine.secret);
    await u.post('/api/relay/keys', { name: 'theirs', userId: 1 }).expect(403);
    await u.get(`/api/relay/keys/${forAdminByAdmin.id}`).expect(404);
    await u.patch(`/api/relay/keys/${forAdminByAdmin.id}`, { enabled: false }).expect(404);
    await u.del(`/api/relay/keys/${forAdminByAdmin.id}`).expect(404);
    await u.post('/api/relay/keys', { name: '' }).expect(400);
    await u.post('/api/relay/keys', { name: 'past', expiresAt: '2001-01-01T00:00:00Z' }).expect(400);
    const all = (await f.admin.get(`/api/relay/keys?userId=${user.id}&pageSize=100`).expect(200)).body as { items: unknown[] };
    expect(all.items).toHaveLength(2);
    // the user's key works on the relay under the user's name
    const up = await fake();
    await addProvider(f.admin, up, { name: 'own', models: ['claude-sonnet-4-6-own'] });
    await sdk(f.t.url, mine.secret, { 'x-session-id': 'own-1' }).messages.create({
      model: 'claude-sonnet-4-6-own',
      max_tokens: 5,
      messages: userMessage(),
    });
    expect((await session(`k${mine.id}_own-1`)).userName).toBe(uname);
    const providers = (await f.admin.get('/api/relay/providers').expect(200)).body;
    expect(JSON.stringify(providers)).not.toContain(up.apiKey);
    expect(providers.items.every((p: { hasApiKey: boolean }) => p.hasApiKey)).toBe(true);
    await u.get('/api/relay/providers').expect(403);
  });

  it('gives every relay key a TTL', async () => {
    const all = (await scanKeys(f.redis, f.t.config.redisPrefix)).filter((k) => k.startsWith(`${f.t.config.redisPrefix}rs:`));
    expect(all.length).toBeGreaterThan(20);
    const ttls = await Promise.all(all.map((k) => f.redis.pttl(k)));
    expect(all.filter((_, i) => ttls[i]! < 0)).toEqual([]);
  });
});

describe.each(MODES)('relay concurrency limits and stored messages (%s)', (mode) => {
  let f: RelayFixture;
  let keys: ReturnType<typeof relayKeys>;
  let up: FakeAnthropic;

  beforeAll(async () => {
    if (mode === 'cluster') ensureCluster();
    up = await FakeAnthropic.start();
    f = await startRelay({
      ...modeEnv(mode),
      RELAY_SESSION_MAX_IN_FLIGHT: '1',
      RELAY_KEY_MAX_SESSIONS: '2',
      RELAY_USER_MAX_SESSIONS: '3',
      ENABLE_SHORT_CONTEXT_DETECTION: 'false',
      STORE_SESSION_MESSAGES: 'true',
      SESSION_MESSAGE_MAX_BYTES: '1024',
    });
    keys = relayKeys(f.t.config.redisPrefix);
    await addProvider(f.admin, up, { name: 'main', models: [SONNET] });
    await addProvider(f.admin, up, { name: 'small', models: ['claude-sonnet-4-6-small'], maxSessions: 1 });
  }, 120000);

  afterAll(async () => {
    await f.close();
    await up.close();
  });

  let users = 0;
  /** a key of a user of its own, so that the user limit counts only this test's sessions */
  const ownKey = async (name: string): Promise<{ id: number; secret: string }> => {
    const roles = (await f.admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const relayRole = roles.find((r) => r.name === 'Relay user')!.id;
    const user = (
      await f.admin
        .post('/api/users', { username: `lim_${mode}_${++users}`, roleIds: [relayRole], password: 'limit-user-pw-1' })
        .expect(201)
    ).body.user as { id: number };
    return addKey(f.admin, name, user.id);
  };

  const ask = (secret: string, sid: string, model = SONNET) =>
    sdk(f.t.url, secret, { 'x-session-id': sid })
      .messages.create({ model, max_tokens: 5, messages: userMessage() })
      .then(
        () => null,
        (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
      );

  it('limits requests in flight per session', async () => {
    const key = await ownKey('session-limit');
    const c = sdk(f.t.url, key.secret, { 'x-session-id': 'busy', 'x-fake-chunks': '1000', 'x-fake-chunk-delay-ms': '20' });
    const ctl = new AbortController();
    const stream = c.messages.stream({ model: SONNET, max_tokens: 5, messages: userMessage() }, { signal: ctl.signal });
    const done = stream.finalMessage().catch(() => undefined);
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    const err = await ask(key.secret, 'busy');
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err!.message).toMatch(/limit session/);
    ctl.abort();
    await done;
    await waitFor('slot freed', async () => (await ask(key.secret, 'busy')) === null);
  });

  it('limits distinct active sessions per key and per user', async () => {
    const k1 = await ownKey('key-limit');
    expect(await ask(k1.secret, 'k-1')).toBeNull();
    expect(await ask(k1.secret, 'k-2')).toBeNull();
    const over = await ask(k1.secret, 'k-3');
    expect(over).toBeInstanceOf(Anthropic.RateLimitError);
    expect(over!.message).toMatch(/limit key/);
    // an active session keeps working
    expect(await ask(k1.secret, 'k-1')).toBeNull();

    const roles = (await f.admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const relayRole = roles.find((r) => r.name === 'Relay user')!.id;
    const user = (
      await f.admin.post('/api/users', { username: `lim_${mode}`, roleIds: [relayRole], password: 'limit-user-pw-1' }).expect(201)
    ).body.user as { id: number };
    const a = await addKey(f.admin, 'user-a', user.id);
    const b = await addKey(f.admin, 'user-b', user.id);
    expect(await ask(a.secret, 'u-1')).toBeNull();
    expect(await ask(a.secret, 'u-2')).toBeNull();
    expect(await ask(b.secret, 'u-3')).toBeNull();
    const userOver = await ask(b.secret, 'u-4');
    expect(userOver).toBeInstanceOf(Anthropic.RateLimitError);
    expect(userOver!.message).toMatch(/limit user/);
  });

  it('limits distinct active sessions per provider', async () => {
    const key = await ownKey('provider-limit');
    expect(await ask(key.secret, 'p-1', 'claude-sonnet-4-6-small')).toBeNull();
    const over = await ask(key.secret, 'p-2', 'claude-sonnet-4-6-small');
    expect(over).toBeInstanceOf(Anthropic.RateLimitError);
    expect(over!.message).toMatch(/limit provider/);
    expect(await ask(key.secret, 'p-1', 'claude-sonnet-4-6-small')).toBeNull();
  });

  it('stores headers and bodies capped, with secrets masked', async () => {
    const key = await ownKey('store');
    const res = await post(
      f.t.url,
      key.secret,
      { model: SONNET, max_tokens: 5, stream: true, messages: userMessage('y'.repeat(3000)) },
      { 'x-session-id': 'store-1', 'x-custom-token': 'tok-secret', cookie: 'a=b' },
    );
    expect(res.status).toBe(200);
    await res.text();
    const sid = `k${key.id}_store-1`;
    await waitFor('request ended', async () => (await f.redis.hget(keys.request(sid, 1), 'status')) === 'completed');
    const reqh = (await f.redis.get(keys.requestHeaders(sid, 1)))!;
    expect(reqh).toContain('x-api-key: [masked]');
    expect(reqh).toContain('x-custom-token: [masked]');
    expect(reqh).toContain('cookie: [masked]');
    expect(reqh).toContain('anthropic-version: 2023-06-01');
    expect(reqh).not.toContain(key.secret);
    const reqb = (await f.redis.get(keys.requestBody(sid, 1)))!;
    expect(Buffer.byteLength(reqb)).toBe(1024);
    const req = await f.redis.hgetall(keys.request(sid, 1));
    expect(req.requestBodyTruncated).toBe('1');
    expect(await f.redis.get(keys.responseHeaders(sid, 1))).toContain('content-type: text/event-stream');
    const resb = (await f.redis.get(keys.responseBody(sid, 1)))!;
    expect(resb.startsWith('event: message_start')).toBe(true);
    // the whole stream is longer than SESSION_MESSAGE_MAX_BYTES: cut and marked
    expect(Buffer.byteLength(resb)).toBe(1024);
    expect(req.responseBodyTruncated).toBe('1');
    // a small JSON answer is kept whole
    await post(f.t.url, key.secret, { model: SONNET, max_tokens: 5, messages: userMessage() }, { 'x-session-id': 'store-1' });
    await waitFor('request 2 ended', async () => (await f.redis.hget(keys.request(sid, 2), 'status')) === 'completed');
    expect(await f.redis.hget(keys.request(sid, 2), 'responseBodyTruncated')).toBe('0');
    expect(JSON.parse((await f.redis.get(keys.responseBody(sid, 2)))!).type).toBe('message');
    for (const k of [keys.requestHeaders(sid, 1), keys.requestBody(sid, 1), keys.responseHeaders(sid, 1), keys.responseBody(sid, 1)]) {
      expect(await f.redis.pttl(k)).toBeGreaterThan(0);
    }
  });
});
