import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import { RedisService } from '../../common/redis.service';
import { AppConfig } from '../../config/config';
import { relayKeys, RelayKeys } from './relay-session.keys';
import * as scripts from './relay-session.scripts';

export type ScriptName = keyof typeof scripts;
type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Guarantees that need Redis; suspended while it is unreachable. */
export const REDIS_GUARANTEES = ['concurrency limits', 'session tombstones', 'provider stickiness', 'shared circuit breaker', 'tracking'];

/**
 * The relay's Redis: the stack's Redis (REDIS_URL), or a Redis Cluster when REDIS_CLUSTER_NODES is
 * set. Commands fail fast while Redis is away; the gateway keeps forwarding and counts what it
 * could not track. A second connection subscribes to the terminate channel.
 */
@Injectable()
export class RelayRedis implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('relay-redis');
  readonly client: Redis | Cluster;
  readonly keys: RelayKeys;
  readonly cluster: boolean;
  private sub: Redis | Cluster | undefined;
  private readonly ownsClient: boolean;
  private readonly config: AppConfig;
  private readonly listeners: ((sid: string) => void)[] = [];
  /** requests forwarded without tracking because Redis was unavailable */
  skipped = 0;
  /** sequential Redis round trips and script calls made by the gateway (benchmark figures) */
  roundTrips = 0;
  private lastSkipLog = 0;
  subscribed: Promise<void> = Promise.resolve();

  constructor(config: AppConfig, redis: RedisService) {
    this.config = config;
    this.keys = relayKeys(config.redisPrefix);
    this.cluster = config.redisClusterNodes !== undefined;
    if (config.redisClusterNodes) {
      this.client = new Cluster(config.redisClusterNodes, {
        enableOfflineQueue: false,
        lazyConnect: true,
        clusterRetryStrategy: (times) => Math.min(times * 100, 1000),
        redisOptions: { connectTimeout: 1000, maxRetriesPerRequest: 1 },
      });
      this.client.on('error', () => undefined);
      this.ownsClient = true;
    } else {
      this.client = redis.client;
      this.ownsClient = false;
    }
    for (const [name, lua] of Object.entries(scripts)) this.client.defineCommand(`relay${name}`, { lua });
  }

  async onModuleInit(): Promise<void> {
    if (this.ownsClient) {
      await this.client
        .connect()
        .catch((err: Error) => this.logger.warn({ msg: 'redis cluster unavailable at start-up', error: err.message }));
    }
    // the subscriber queues SUBSCRIBE until Redis answers, and re-subscribes after reconnects
    const retry = (times: number): number => Math.min(times * 100, 1000);
    this.sub = this.config.redisClusterNodes
      ? new Cluster(this.config.redisClusterNodes, { clusterRetryStrategy: retry, redisOptions: { connectTimeout: 1000 } })
      : new Redis(this.config.redisUrl, { connectTimeout: 1000, retryStrategy: retry, maxRetriesPerRequest: null });
    this.sub.on('error', () => undefined);
    this.sub.on('message', (channel: string, sid: string) => {
      if (channel === this.keys.terminateChannel()) for (const l of this.listeners) l(sid);
    });
    this.subscribed = this.sub.subscribe(this.keys.terminateChannel()).then(
      () => undefined,
      (err: Error) => this.logger.warn({ msg: 'terminate channel not subscribed', error: err.message }),
    );
    if (this.up) await this.subscribed;
  }

  async onModuleDestroy(): Promise<void> {
    this.sub?.disconnect();
    if (this.ownsClient) this.client.disconnect();
  }

  /** True while commands can be sent (no offline queue: otherwise they fail at once). */
  get up(): boolean {
    return this.client.status === 'ready';
  }

  onTerminate(listener: (sid: string) => void): void {
    this.listeners.push(listener);
  }

  run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const fn = (this.client as unknown as Record<string, ScriptFn>)[`relay${name}`]!;
    return fn.call(this.client, keys.length, ...keys, ...args);
  }

  /** Two scripts of different slots in one round trip: a pipeline, or in parallel on a cluster. */
  async runBoth(
    a: [ScriptName, string[], (string | number)[]],
    b: [ScriptName, string[], (string | number)[]],
  ): Promise<[unknown, unknown]> {
    if (this.cluster) return Promise.all([this.run(...a), this.run(...b)]);
    const p = this.client.pipeline() as unknown as Record<string, (...args: unknown[]) => unknown> & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    p[`relay${a[0]}`]!(a[1].length, ...a[1], ...a[2]);
    p[`relay${b[0]}`]!(b[1].length, ...b[1], ...b[2]);
    const res = (await p.exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    return [res[0]?.[1], res[1]?.[1]];
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  skip(reason: string): void {
    this.skipped += 1;
    const now = Date.now();
    if (now - this.lastSkipLog > 10000) {
      this.lastSkipLog = now;
      this.logger.warn({ msg: 'relay tracking skipped: Redis unavailable', reason, skippedSoFar: this.skipped });
    }
  }
}
