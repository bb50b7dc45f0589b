import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { dropPrefix, seedRelaySessions } from '../../../test/support/relay-seed';
import { STACK } from '../../../test/support/stack';
import { relayKeys } from './relay-session.keys';
import { RelaySessionReader } from './relay-session.reader';

/** The reader against sessions written in the relay layout on the stack's Redis. */
describe('RelaySessionReader', () => {
  const prefix = `unit:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(STACK.redisUrl, { lazyConnect: true });
  const ttlMs = 300_000;
  const reader = new RelaySessionReader(redis, {
    keys: relayKeys(prefix),
    ttlMs,
    leaseMs: 30_000,
    retentionMs: 900_000,
    currency: 'CNY',
    messagesStored: true,
    messageMaxBytes: 1024,
  });
  const now = Date.now();

  beforeAll(async () => {
    await redis.connect();
    await seedRelaySessions(redis, prefix, [
      ...Array.from({ length: 25 }, (_, i) => ({
        id: `act-${String(i).padStart(2, '0')}`,
        userId: i % 2 ? 1 : 2,
        userName: i % 2 ? 'u1' : 'u2',
        lastAt: now - i * 1000,
      })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `old-${i}`, userId: 1, userName: 'u1', lastAt: now - ttlMs - 10_000 - i * 1000 })),
      { id: 'gone', userId: 1, userName: 'u1', lastAt: now - ttlMs - 2_000_000 },
      { id: 'msgs', userId: 3, userName: 'u3', lastAt: now - 30_000, requests: 45, inFlight: 1, messages: true, responseBodyBytes: 2000 },
    ]);
  });

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('pages the active sessions, most recent first, with the total', async () => {
    const p1 = await reader.list({ kind: 'all' }, 'active', 1, 20, now);
    expect(p1.total).toBe(26);
    expect(p1.items).toHaveLength(20);
    expect(p1.items[0]!.id).toBe('act-00');
    expect(p1.items.every((s) => s.state === 'active')).toBe(true);
    const p2 = await reader.list({ kind: 'all' }, 'active', 2, 20, now);
    expect(p2.items.map((s) => s.id)).toEqual(['act-20', 'act-21', 'act-22', 'act-23', 'act-24', 'msgs']);
    expect(p2.items.find((s) => s.id === 'msgs')).toMatchObject({ inFlight: 1, requests: 45, currency: 'CNY', lastStatus: 'in_progress' });
  });

  it('lists inactive sessions apart and leaves out those past retention', async () => {
    const p = await reader.list({ kind: 'all' }, 'inactive', 1, 20, now);
    expect(p.items.map((s) => s.id)).toEqual(['old-0', 'old-1', 'old-2']);
    expect(p.total).toBe(3);
    expect(p.items.every((s) => s.state === 'inactive')).toBe(true);
  });

  it('shows no request in flight whose lease lapsed: its instance stopped before it could end it', async () => {
    const k = relayKeys(prefix);
    await seedRelaySessions(redis, prefix, [{ id: 'orphan', userId: 4, userName: 'u4', lastAt: now - 60_000, inFlight: 2 }]);
    const inFlight = async () => ({
      listed: (await reader.list({ kind: 'user', userId: 4 }, 'active', 1, 20, now)).items[0]!.inFlight,
      detail: (await reader.session('orphan', now))!.inFlight,
    });
    expect(await inFlight()).toEqual({ listed: 2, detail: 2 });
    // one instance stops: its lease is left to lapse, the session's own count stays
    await redis.zadd(k.inflight(), now - 1, 'orphan|seed-1');
    expect(await inFlight()).toEqual({ listed: 1, detail: 1 });
    await redis.zadd(k.inflight(), now - 1, 'orphan|seed-0');
    expect(await inFlight()).toEqual({ listed: 0, detail: 0 });
    expect(await redis.hget(k.session('orphan'), 'inFlight')).toBe('2');
  });

  it('shows a request recorded in progress as interrupted once its own lease lapsed, and its session with it', async () => {
    const k = relayKeys(prefix);
    // two requests in flight, each with its lease; the session's last request is the second one
    await seedRelaySessions(redis, prefix, [{ id: 'cut', userId: 5, userName: 'u5', lastAt: now - 60_000, requests: 2, inFlight: 1 }]);
    await redis.hset(k.request('cut', 1), { status: 'in_progress', lease: 'first' });
    await redis.hdel(k.request('cut', 1), 'endedAt', 'statusCode', 'durationMs');
    await redis.zadd(k.inflight(), now + 30_000, 'cut|first');
    const shown = async () => ({
      requests: (await reader.requests('cut', 'asc', 1, 20, now)).items.map((r) => r.status),
      detail: (await reader.requestDetail('cut', 2, now))!.status,
      listed: (await reader.list({ kind: 'user', userId: 5 }, 'active', 1, 20, now)).items[0]!.lastStatus,
      session: (await reader.session('cut', now))!.lastStatus,
    });
    expect(await shown()).toEqual({
      requests: ['in_progress', 'in_progress'],
      detail: 'in_progress',
      listed: 'in_progress',
      session: 'in_progress',
    });
    // the last request's instance stops: its lease lapses, the other request's (another instance) still runs
    await redis.zadd(k.inflight(), now - 1, 'cut|seed-0');
    expect(await shown()).toEqual({
      requests: ['in_progress', 'interrupted'],
      detail: 'interrupted',
      listed: 'interrupted',
      session: 'interrupted',
    });
    await redis.zadd(k.inflight(), now - 1, 'cut|first');
    expect(await shown()).toEqual({
      requests: ['interrupted', 'interrupted'],
      detail: 'interrupted',
      listed: 'interrupted',
      session: 'interrupted',
    });
    // the records themselves are left as they were written
    expect(await redis.hget(k.request('cut', 2), 'status')).toBe('in_progress');
  });

  it('keeps a request without a live lease in progress within its first lease period', async () => {
    const k = relayKeys(prefix);
    // on a Redis Cluster the record is written one round trip before admission takes the lease
    await seedRelaySessions(redis, prefix, [{ id: 'opening', userId: 6, userName: 'u6', lastAt: now - 5_000 }]);
    await redis.hset(k.request('opening', 1), { status: 'in_progress', lease: 'not-yet' });
    await redis.hset(k.session('opening'), { lastStatus: 'in_progress', lastLease: 'not-yet' });
    expect((await reader.requestDetail('opening', 1, now))!.status).toBe('in_progress');
    expect((await reader.session('opening', now))!.lastStatus).toBe('in_progress');
    expect((await reader.requestDetail('opening', 1, now + 30_000))!.status).toBe('interrupted');
    expect((await reader.session('opening', now + 30_000))!.lastStatus).toBe('interrupted');
  });

  it('takes a record without a lease id (written by an earlier version) as running while its session holds a lease', async () => {
    const k = relayKeys(prefix);
    await seedRelaySessions(redis, prefix, [{ id: 'legacy', userId: 7, userName: 'u7', lastAt: now - 60_000, inFlight: 1 }]);
    await redis.hdel(k.request('legacy', 1), 'lease');
    await redis.hdel(k.session('legacy'), 'lastLease');
    expect((await reader.requestDetail('legacy', 1, now))!.status).toBe('in_progress');
    expect((await reader.session('legacy', now))!.lastStatus).toBe('in_progress');
    await redis.zadd(k.inflight(), now - 1, 'legacy|seed-0');
    expect((await reader.requestDetail('legacy', 1, now))!.status).toBe('interrupted');
    expect((await reader.session('legacy', now))!.lastStatus).toBe('interrupted');
  });

  it("scopes a user's listing to their own sessions", async () => {
    const p = await reader.list({ kind: 'user', userId: 1 }, 'active', 1, 20, now);
    expect(p.total).toBe(12);
    expect(p.items.every((s) => s.userId === 1)).toBe(true);
    expect((await reader.list({ kind: 'user', userId: 1 }, 'inactive', 1, 20, now)).total).toBe(3);
    expect((await reader.list({ kind: 'user', userId: 99 }, 'active', 1, 20, now)).items).toEqual([]);
  });

  it('pages requests ascending and descending', async () => {
    const asc = await reader.requests('msgs', 'asc', 1, 20);
    expect(asc.total).toBe(45);
    expect(asc.items.map((r) => r.seq).slice(0, 3)).toEqual([1, 2, 3]);
    const desc = await reader.requests('msgs', 'desc', 3, 20);
    expect(desc.items.map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    expect((await reader.requests('msgs', 'desc', 1, 20)).items[0]).toMatchObject({ seq: 45, status: 'in_progress', endedAt: null });
  });

  it('reads one request with headers and bodies, marking a body cut at the size limit', async () => {
    const r = await reader.requestDetail('msgs', 7);
    expect(r).toMatchObject({ seq: 7, status: 'error', statusCode: 529, error: 'upstream overloaded', messagesStored: true });
    expect(r!.requestHeaders).toContain('x-api-key');
    expect(JSON.parse(r!.requestBody!)).toMatchObject({ messages: [{ content: 'request 7 of msgs' }] });
    expect(r!.truncated).toEqual({ requestBody: false, responseBody: true });
    expect(await reader.requestDetail('msgs', 46)).toBeNull();
  });

  it('reads the detail and the owners of a batch in one go', async () => {
    const d = await reader.session('msgs', now);
    expect(d).toMatchObject({ id: 'msgs', userName: 'u3', models: ['claude-sonnet-4-5'], providers: [{ id: 1, name: 'fake-upstream' }] });
    expect(await reader.session('nope')).toBeNull();
    await redis.set(relayKeys(prefix).dead('act-01'), '{}');
    const owners = await reader.owners(['act-00', 'act-01', 'nope']);
    expect(owners.get('act-00')).toEqual({ userId: 2, userName: 'u2', dead: false });
    expect(owners.get('act-01')).toMatchObject({ dead: true });
    expect(owners.get('nope')).toBeNull();
  });
});
