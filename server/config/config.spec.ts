import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './config';

const key = randomBytes(32).toString('base64');

describe('loadConfig', () => {
  it('defaults to the local stack', () => {
    const c = loadConfig({ MASTER_KEY: key });
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toContain('127.0.0.1:3316');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6389/0');
    expect(c.edition).toBe('enterprise');
    expect(c.masterKey).toHaveLength(32);
  });

  it('reports one line per problem with the variable, the value seen and what is expected', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', REDIS_URL: 'foo', EDITION: 'gold', MASTER_KEY: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).message.split('\n');
    expect(lines).toEqual([
      'PORT: got "abc"; expected an integer from 0 to 65535',
      'REDIS_URL: got "foo"; expected a URL starting with redis:// or rediss://',
      'MASTER_KEY: got "short"; expected 32 random bytes, base64-encoded (openssl rand -base64 32)',
      'EDITION: got "gold"; expected one of enterprise, community',
    ]);
  });

  it('rejects an out-of-range port and a malformed boolean', () => {
    expect(() => loadConfig({ MASTER_KEY: key, PORT: '70000', DEMO: 'maybe' })).toThrow(
      /PORT: got "70000"[\s\S]*DEMO: got "maybe"; expected true or false/,
    );
  });
});

describe('security settings', () => {
  it('trusts no proxy and keeps the API docs private by default', () => {
    const c = loadConfig({ MASTER_KEY: key });
    expect(c.trustProxy).toEqual([]);
    expect(c.apiDocsPublic).toBe(false);
    expect(c.consoleSessionMaxAgeSeconds).toBe(86400);
    expect(c.consoleSessionsPerUser).toBe(10);
  });

  it('reads TRUST_PROXY as addresses, CIDRs and named ranges', () => {
    expect(loadConfig({ MASTER_KEY: key, TRUST_PROXY: 'none' }).trustProxy).toEqual([]);
    expect(loadConfig({ MASTER_KEY: key, TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::1',
    ]);
    for (const bad of ['*', 'true', '10.0.0.0/33', 'proxy.example.com', '1.2.3.4/8/9']) {
      expect(() => loadConfig({ MASTER_KEY: key, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });
});
