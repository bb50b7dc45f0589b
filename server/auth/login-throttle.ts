import { Injectable } from '@nestjs/common';
import { RedisService } from '../common/redis.service';

const WINDOW_SECONDS = 300;
const MAX_PER_ACCOUNT = 10;
const MAX_PER_IP = 50;

/** Counts failed logins per account (its throttle name, see username.ts) and per IP in a fixed window. */
@Injectable()
export class LoginThrottle {
  constructor(private readonly redis: RedisService) {}

  private keys(username: string, ip: string): [string, string] {
    return [this.redis.key('login-fail', 'u', username), this.redis.key('login-fail', 'ip', ip)];
  }

  /** Seconds to wait when throttled, else 0. */
  async retryAfter(username: string, ip: string): Promise<number> {
    const [uk, ik] = this.keys(username, ip);
    return this.redis.run(async (r) => {
      const [[, u], [, i]] = (await r.multi().get(uk).get(ik).exec()) as [[null, string | null], [null, string | null]];
      if (Number(u ?? 0) >= MAX_PER_ACCOUNT) return Math.max(1, await r.ttl(uk));
      if (Number(i ?? 0) >= MAX_PER_IP) return Math.max(1, await r.ttl(ik));
      return 0;
    });
  }

  async fail(username: string, ip: string): Promise<void> {
    const [uk, ik] = this.keys(username, ip);
    await this.redis.run((r) => r.multi().incr(uk).expire(uk, WINDOW_SECONDS, 'NX').incr(ik).expire(ik, WINDOW_SECONDS, 'NX').exec());
  }

  async succeed(username: string): Promise<void> {
    const [uk] = this.keys(username, '');
    await this.redis.run((r) => r.del(uk));
  }
}
