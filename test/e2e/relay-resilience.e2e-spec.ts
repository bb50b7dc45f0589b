import Anthropic from '@anthropic-ai/sdk';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, closeApp } from '../../server/app.factory';
import { JsonLogger } from '../../server/common/logger';
import { RelaySessionTerminator } from '../../server/relay/sessions/relay-session.terminator';
import { relayKeys } from '../../server/relay/sessions/relay-session.keys';
import { FakeAnthropic } from '../fixtures/fake-anthropic';
import { RedisServer, waitFor } from '../support/servers';
import { addKey, addProvider, RelayFixture, scanKeys, sdk, startRelay } from '../support/relay';

const MODEL = 'claude-sonnet-4-6';

async function secondInstance(f: RelayFixture): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createApp(f.t.config, { logger: new JsonLogger('error', () => undefined) });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

const ask = (url: string, secret: string, sid: string) =>
  sdk(url, secret, { 'x-session-id': sid })
    .messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
    .then(
      () => null,
      (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
    );

describe('two relay instances on one Redis', () => {
  let f: RelayFixture;
  let b: { app: NestExpressApplication; url: string };
  let up: FakeAnthropic;

  beforeAll(async () => {
    up = await FakeAnthropic.start();
    f = await startRelay({ RELAY_KEY_MAX_SESSIONS: '1' });
    b = await secondInstance(f);
    await addProvider(f.admin, up, { name: 'shared', models: [MODEL] });
  }, 120000);

  afterAll(async () => {
    await closeApp(b.app);
    await f.close();
    await up.close();
  });

  it('aborts a stream held by instance B when instance A terminates its session', async () => {
    const key = await addKey(f.admin, 'two-term');
    const sid = `k${key.id}_two-1`;
    const stream = sdk(b.url, key.secret, {
      'x-session-id': 'two-1',
      'x-fake-chunks': '1000',
      'x-fake-chunk-delay-ms': '20',
    }).messages.stream({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'long' }],
    });
    const failed = stream.finalMessage().then(
      () => null,
      (e: unknown) => e,
    );
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    expect(await f.t.app.get(RelaySessionTerminator).terminate(sid, { userId: 1, username: 'admin' })).toBe('terminated');
    expect(await failed).toBeInstanceOf(Error);
    await waitFor('upstream aborted on B', async () => up.aborted >= 1 && up.active === 0);
    expect(await ask(b.url, key.secret, 'two-1')).toBeInstanceOf(Anthropic.ConflictError);
    expect(await ask(f.t.url, key.secret, 'two-1')).toBeInstanceOf(Anthropic.ConflictError);
  });

  it('counts limits across both instances', async () => {
    const key = await addKey(f.admin, 'two-limit');
    expect(await ask(f.t.url, key.secret, 'lim-1')).toBeNull();
    const over = await ask(b.url, key.secret, 'lim-2');
    expect(over).toBeInstanceOf(Anthropic.RateLimitError);
    expect(over!.message).toMatch(/limit key/);
    expect(await ask(b.url, key.secret, 'lim-1')).toBeNull();
  });
});

describe('relay with Redis stopped mid-run', () => {
  let redis: RedisServer;
  let f: RelayFixture;
  let up: FakeAnthropic;

  beforeAll(async () => {
    redis = await RedisServer.start();
    up = await FakeAnthropic.start();
    f = await startRelay({ REDIS_URL: redis.url, RELAY_KEY_MAX_SESSIONS: '1' });
    await addProvider(f.admin, up, { name: 'solo', models: [MODEL] });
  }, 120000);

  afterAll(async () => {
    await redis.start().catch(() => undefined);
    await f.close();
    await redis.stop();
    await up.close();
  });

  it('keeps forwarding, says what is suspended, and resumes tracking without a restart', async () => {
    const key = await addKey(f.admin, 'down');
    const keys = relayKeys(f.t.config.redisPrefix);
    expect(await ask(f.t.url, key.secret, 'before')).toBeNull();
    expect(await f.redis.exists(keys.session(`k${key.id}_before`))).toBe(1);
    const healthy = await fetch(`${f.t.url}/api/health`);
    expect(((await healthy.json()) as { relay: { suspended: string[] } }).relay.suspended).toEqual([]);

    await redis.stop();
    // limits are suspended too: a second session of the key passes while Redis is away
    expect(await ask(f.t.url, key.secret, 'during-1')).toBeNull();
    expect(await ask(f.t.url, key.secret, 'during-2')).toBeNull();
    const streamed = await sdk(f.t.url, key.secret, { 'x-session-id': 'during-3' })
      .messages.stream({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(streamed.stop_reason).toBe('end_turn');
    const down = await fetch(`${f.t.url}/api/health`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as {
      redis: { status: string };
      relay: { redis: string; suspended: string[]; untrackedRequests: number };
    };
    expect(body.redis.status).toBe('down');
    expect(body.relay.redis).toBe('down');
    expect(body.relay.suspended).toEqual(expect.arrayContaining(['concurrency limits', 'session tombstones']));
    expect(body.relay.untrackedRequests).toBeGreaterThanOrEqual(3);

    await redis.start();
    await waitFor('health recovered', async () => (await fetch(`${f.t.url}/api/health`)).status === 200);
    let n = 0;
    await waitFor('tracking resumed', async () => {
      const sid = `after-${n++}`;
      await ask(f.t.url, key.secret, sid);
      return (await f.redis.exists(keys.session(`k${key.id}_${sid}`))) === 1;
    });
    // and the limits are back
    const over = await ask(f.t.url, key.secret, 'after-limited');
    expect(over).toBeInstanceOf(Anthropic.RateLimitError);
  });
});

describe('relay keys expire', () => {
  let f: RelayFixture;
  let up: FakeAnthropic;

  beforeAll(async () => {
    up = await FakeAnthropic.start();
    up.record = false;
    f = await startRelay({ SESSION_TTL: '1', SESSION_INACTIVE_RETENTION: '1', RELAY_SLOT_LEASE_SECONDS: '3' });
    await addProvider(f.admin, up, { name: 'burst', models: [MODEL] });
  }, 120000);

  afterAll(async () => {
    await f.close();
    await up.close();
  });

  it('leaves no relay key after a burst of 1,000 sessions and SESSION_TTL + retention, and none without a TTL at any moment', async () => {
    const key = await addKey(f.admin, 'burst');
    const prefix = `${f.t.config.redisPrefix}rs:`;
    const withoutTtl: string[] = [];
    let sampling = true;
    let samples = 0;
    const sampler = (async () => {
      while (sampling) {
        const found = await scanKeys(f.redis, prefix);
        const ttls = await Promise.all(found.map((k) => f.redis.pttl(k)));
        found.forEach((k, i) => ttls[i] === -1 && withoutTtl.push(k));
        samples += 1;
      }
    })();
    let next = 0;
    const worker = async () => {
      while (next < 1000) {
        const i = next++;
        const res = await fetch(`${f.t.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key.secret, 'x-session-id': `burst-${i}` },
          body: JSON.stringify({ model: MODEL, max_tokens: 5, stream: i % 2 === 0, messages: [{ role: 'user', content: `n${i}` }] }),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    expect((await scanKeys(f.redis, prefix)).length).toBeGreaterThan(1000);
    await waitFor('every relay key expired', async () => (await scanKeys(f.redis, prefix)).length === 0, undefined, 60000);
    sampling = false;
    await sampler;
    expect(samples).toBeGreaterThan(1);
    expect(withoutTtl).toEqual([]);
  });
});
