import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/config';
import { AppError } from './errors';

/**
 * The one Redis client of this process. Commands fail fast while Redis is away (no offline queue)
 * and the client keeps reconnecting in the background, so the server recovers without a restart.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('redis');
  readonly client: Redis;
  private readonly prefix: string;
  private wasDown = false;

  constructor(config: AppConfig) {
    this.prefix = config.redisPrefix;
    this.client = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
      lazyConnect: true,
    });
    this.client.on('error', (err: Error) => {
      if (!this.wasDown) this.logger.warn({ msg: 'redis connection error', error: err.message });
      this.wasDown = true;
    });
    this.client.on('ready', () => {
      if (this.wasDown) this.logger.log('redis connection restored');
      this.wasDown = false;
    });
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      // Keep serving: health reports Redis down and the client reconnects by itself.
      this.logger.warn({ msg: 'redis unavailable at start-up', error: (err as Error).message });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }

  /** A key in this instance's key space. */
  key(...parts: (string | number)[]): string {
    return this.prefix + parts.join(':');
  }

  /** Runs Redis commands, turning connection failures into REDIS_UNAVAILABLE. */
  async run<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('REDIS_UNAVAILABLE', `Redis is unavailable: ${(err as Error).message}`);
    }
  }

  async ping(timeoutMs = 1000): Promise<void> {
    await withTimeout(this.client.ping(), timeoutMs, 'Redis did not answer PING');
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
