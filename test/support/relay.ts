import Anthropic from '@anthropic-ai/sdk';
import { spawnSync } from 'node:child_process';
import Redis, { Cluster } from 'ioredis';
import { resolve } from 'node:path';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from './app';
import { FakeAnthropic } from '../fixtures/fake-anthropic';

/** Ports of the local Redis Cluster that `scripts/stack.sh cluster` starts. */
export const CLUSTER_NODES = '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';

export type RedisMode = 'standalone' | 'cluster';

/** Starts the stack's 3-master Redis Cluster when it is not up (idempotent). */
export function ensureCluster(): void {
  const r = spawnSync('bash', [resolve(__dirname, '../../scripts/stack.sh'), 'cluster'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis cluster did not start: ${r.stdout}${r.stderr}`);
}

export function modeEnv(mode: RedisMode): Record<string, string> {
  return mode === 'cluster' ? { REDIS_CLUSTER_NODES: CLUSTER_NODES } : {};
}

/** A Redis client for the relay's key space of an app (cluster-aware). */
export function relayRedisOf(t: TestApp): Redis | Cluster {
  const nodes = t.config.redisClusterNodes;
  return nodes
    ? new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } })
    : new Redis(t.config.redisUrl, { maxRetriesPerRequest: 1 });
}

/** Every key of the prefix, over every master of a cluster. */
export async function scanKeys(r: Redis | Cluster, prefix: string): Promise<string[]> {
  const nodes = r instanceof Cluster ? r.nodes('master') : [r];
  const out: string[] = [];
  for (const n of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await n.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      out.push(...keys);
    } while (cursor !== '0');
  }
  return out;
}

export async function deleteRelayKeys(r: Redis | Cluster, prefix: string): Promise<void> {
  for (const k of await scanKeys(r, prefix)) await r.del(k);
}

export interface RelayFixture {
  t: TestApp;
  admin: Client;
  redis: Redis | Cluster;
  close(): Promise<void>;
}

export async function startRelay(env: Record<string, string> = {}): Promise<RelayFixture> {
  const t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', ...env });
  const admin = await login(t.url, 'admin', ADMIN_PASSWORD);
  const redis = relayRedisOf(t);
  return {
    t,
    admin,
    redis,
    async close() {
      if (t.config.redisClusterNodes) await deleteRelayKeys(redis, t.config.redisPrefix).catch(() => undefined);
      redis.disconnect();
      await t.close();
    },
  };
}

export async function addProvider(
  admin: Client,
  fake: FakeAnthropic,
  opts: { name: string; priority?: number; weight?: number; models?: string[]; maxSessions?: number; enabled?: boolean },
): Promise<number> {
  const res = await admin.post('/api/relay/providers', { baseUrl: fake.url, apiKey: fake.apiKey, ...opts });
  if (res.status !== 201) throw new Error(`provider: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: number }).id;
}

export async function addKey(admin: Client, name: string, userId?: number): Promise<{ id: number; secret: string }> {
  const res = await admin.post('/api/relay/keys', { name, ...(userId ? { userId } : {}) });
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; secret: string };
}

export function sdk(url: string, apiKey: string, headers: Record<string, string> = {}): Anthropic {
  return new Anthropic({ baseURL: url, apiKey, maxRetries: 0, defaultHeaders: headers });
}
