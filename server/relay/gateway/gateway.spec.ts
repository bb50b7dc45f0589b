import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_RELAY_PRICES, loadConfig } from '../../config/config';
import { boundFirst } from '../sessions/relay-session.tracker';
import { orderProviders, type Endpoint, type RelayGatewayService } from './relay-gateway.service';
import { InvalidSessionId, resolveSessionId } from './session-id';
import { costMicros, emptyUsage, jsonUsage, priceFor, SseUsageReader } from './usage';
import { headersText, CappedCapture } from './message-capture';
import { mountRelayFastPath, relayEndpoint } from './relay-fast-path';

describe('relay usage and cost', () => {
  it('reads SSE usage: message_delta wins, message_start fills the rest, across chunk boundaries', () => {
    const r = new SseUsageReader();
    const text =
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1,"cache_read_input_tokens":7,' +
      '"cache_creation_input_tokens":5,"cache_creation":{"ephemeral_5m_input_tokens":3,"ephemeral_1h_input_tokens":2}}}}\n\n' +
      'event: content_block_delta\ndata: {"usage":{"output_tokens":999}}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":42}}\n\nevent: message_stop\ndata: {}\n\n';
    for (let i = 0; i < text.length; i += 7) r.feed(Buffer.from(text.slice(i, i + 7)));
    expect(r.usage).toEqual({ input: 10, output: 42, cacheCreation: 5, cache5m: 3, cache1h: 2, cacheRead: 7 });
    expect(r.sawStop).toBe(true);
  });

  it('reads SSE usage with CRLF line ends, a usage line split inside a multi-byte character, and skips other events', () => {
    const r = new SseUsageReader();
    const text =
      'event: message_start\r\ndata: {"message":{"id":"é€","usage":{"input_tokens":4,"output_tokens":1}}}\r\n\r\n' +
      'event: content_block_delta\r\ndata: {"delta":{"text":"€€€"},"usage":{"input_tokens":999}}\r\n\r\n' +
      'event:message_delta\r\ndata:{"usage":{"output_tokens":9}}\r\n\r\nevent: message_stop\r\ndata: {}\r\n\r\n';
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 5) r.feed(bytes.subarray(i, i + 5));
    expect(r.usage).toEqual({ input: 4, output: 9, cacheCreation: 0, cache5m: 0, cache1h: 0, cacheRead: 0 });
    expect(r.sawStop).toBe(true);
    expect(r.sawError).toBe(false);
  });

  it('routes only POST /v1/messages and /v1/messages/count_tokens (with a query) to the relay fast path', () => {
    expect(relayEndpoint('POST', '/v1/messages')).toBe('messages');
    expect(relayEndpoint('POST', '/v1/messages?beta=true')).toBe('messages');
    expect(relayEndpoint('POST', '/v1/messages/count_tokens?beta=true')).toBe('count_tokens');
    expect(relayEndpoint('GET', '/v1/messages')).toBeNull();
    expect(relayEndpoint('POST', '/v1/messagesX')).toBeNull();
    expect(relayEndpoint('POST', '/v1/messages/other')).toBeNull();
    expect(relayEndpoint('POST', '/api/v1/messages')).toBeNull();
  });

  it('takes the relay routes on the HTTP server before its other listeners, with a request id, and passes every other request on', async () => {
    const server = createServer((req, res) => res.end(`rest ${req.method} ${req.url}`));
    const gateway = {
      handle: (req: IncomingMessage, res: ServerResponse, endpoint: Endpoint) => {
        req.resume();
        res.end(`relay ${endpoint}`);
        return Promise.resolve();
      },
    } as unknown as RelayGatewayService;
    mountRelayFastPath(server, gateway);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const relayed = await fetch(`${base}/v1/messages?beta=true`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'abc-1' } });
      expect(await relayed.text()).toBe('relay messages');
      expect(relayed.headers.get('x-request-id')).toBe('abc-1');
      const counted = await fetch(`${base}/v1/messages/count_tokens`, { method: 'POST', body: '{}' });
      expect(await counted.text()).toBe('relay count_tokens');
      expect(counted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await (await fetch(`${base}/v1/messages`)).text()).toBe('rest GET /v1/messages');
      expect(await (await fetch(`${base}/api/health`, { method: 'POST' })).text()).toBe('rest POST /api/health');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('prices each bucket in integer micro-units by the longest model prefix', () => {
    const u = jsonUsage(
      JSON.stringify({ usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 2, cache_read_input_tokens: 3 } }),
    );
    expect(u.cache5m).toBe(2);
    const p = priceFor(DEFAULT_RELAY_PRICES, 'claude-opus-4-5-20251101')!;
    expect(p.input).toBe(5_000_000);
    expect(costMicros(p, u)).toBe(Math.floor((5_000_000 + 25_000_000 + 2 * 6_250_000 + 3 * 500_000 + 500_000) / 1_000_000));
    expect(costMicros(undefined, u)).toBe(0);
    // a million requests of a fraction of a micro-unit do not drift: each is rounded once
    let total = 0;
    for (let i = 0; i < 1000; i++) total += costMicros(DEFAULT_RELAY_PRICES['claude-sonnet-4'], { ...emptyUsage(), input: 1 });
    expect(total).toBe(3000);
  });

  it('validates RELAY_PRICES', () => {
    const cfg = loadConfig(
      {
        MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
        RELAY_PRICES: '{"my-model":{"input":1,"output":2,"cacheWrite5m":3,"cacheWrite1h":4,"cacheRead":5}}',
      },
      {},
    );
    expect(cfg.relayPrices['my-model']).toEqual({ input: 1, output: 2, cacheWrite5m: 3, cacheWrite1h: 4, cacheRead: 5 });
    expect(cfg.relayPrices['claude-sonnet-4']).toBeDefined();
    expect(() => loadConfig({ MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), RELAY_PRICES: '{"m":{"input":1.5}}' })).toThrow(
      /RELAY_PRICES/,
    );
  });
});

describe('relay session ids', () => {
  it('takes the client id in order of precedence, scoped to the key', () => {
    expect(resolveSessionId(3, { 'x-claude-code-session-id': 'abc', 'x-session-id': 'zzz' }, {})).toEqual({
      sid: 'k3_abc',
      source: 'header',
    });
    expect(resolveSessionId(3, {}, { metadata: { user_id: 'user_x_account__session_1234-ab' } })).toEqual({
      sid: 'k3_1234-ab',
      source: 'metadata.user_id',
    });
    expect(resolveSessionId(3, {}, { metadata: { user_id: '{"session_id":"s-1"}', session_id: 'other' } }).sid).toBe('k3_s-1');
    expect(resolveSessionId(3, {}, { metadata: { session_id: 'm-1' } }).source).toBe('metadata.session_id');
    expect(resolveSessionId(3, { 'x-session-id': 'x-1' }, {}).sid).toBe('k3_x-1');
  });

  it('hashes the first message per key, or makes a new id, and refuses bad ids', () => {
    const a = resolveSessionId(1, {}, { messages: [{ role: 'user', content: 'hi' }] });
    const b = resolveSessionId(
      1,
      {},
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'yo' },
        ],
      },
    );
    const c = resolveSessionId(2, {}, { messages: [{ role: 'user', content: 'hi' }] });
    expect(a.source).toBe('hash');
    expect(a.sid).toBe(b.sid);
    expect(a.sid).not.toBe(c.sid);
    expect(resolveSessionId(1, {}, {}).source).toBe('new');
    expect(() => resolveSessionId(1, { 'x-session-id': 'a b' }, {})).toThrow(InvalidSessionId);
    expect(() => resolveSessionId(1, { 'x-session-id': 'a'.repeat(257) }, {})).toThrow(InvalidSessionId);
    expect(resolveSessionId(1, { 'x-session-id': 'a'.repeat(256) }, {}).sid.length).toBeLessThanOrEqual(256);
  });
});

describe('relay provider order and message capture', () => {
  it('puts the highest priority first, weighted inside a group, the bound provider before all', () => {
    const ps = [
      { id: 1, priority: 1, weight: 1 },
      { id: 2, priority: 5, weight: 1 },
      { id: 3, priority: 5, weight: 9 },
    ];
    let firstIs3 = 0;
    for (let i = 0; i < 1000; i++) {
      const o = orderProviders(ps, null);
      expect(o[2]!.id).toBe(1);
      if (o[0]!.id === 3) firstIs3 += 1;
    }
    expect(firstIs3).toBeGreaterThan(800);
    expect(orderProviders(ps, 1)[0]!.id).toBe(1);
    const list = [{ id: 4 }, { id: 5 }, { id: 6 }];
    expect(boundFirst(list, 6).map((p) => p.id)).toEqual([6, 4, 5]);
    expect(boundFirst(list, 4)).toBe(list);
    expect(boundFirst(list, 9)).toBe(list);
    expect(boundFirst(list, null)).toBe(list);
    expect(list.map((p) => p.id)).toEqual([4, 5, 6]);
  });

  it('masks secret headers and caps bodies', () => {
    const t = headersText({ 'x-api-key': 'sk', authorization: 'Bearer x', 'x-refresh-token': 't', 'anthropic-version': '1' });
    expect(t).toBe('x-api-key: [masked]\nauthorization: [masked]\nx-refresh-token: [masked]\nanthropic-version: 1');
    const c = new CappedCapture(5);
    c.add(Buffer.from('abc'));
    c.add(Buffer.from('defg'));
    expect(c.text()).toBe('abcde');
    expect(c.truncated).toBe(true);
  });
});
