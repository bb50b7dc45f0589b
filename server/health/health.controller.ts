import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../access/access.decorators';
import { RedisService, withTimeout } from '../common/redis.service';
import { RelayRedis, REDIS_GUARANTEES } from '../relay/sessions/relay-redis';

class ComponentHealth {
  @ApiProperty({ enum: ['ok', 'down'] }) status: 'ok' | 'down';
  @ApiProperty({ required: false }) latencyMs?: number;
  @ApiProperty({ required: false }) error?: string;
}

class RelayHealth {
  @ApiProperty({ enum: ['ok', 'down'], description: "the relay's Redis (a cluster when REDIS_CLUSTER_NODES is set)" })
  redis: 'ok' | 'down';
  @ApiProperty() cluster: boolean;
  @ApiProperty({ type: [String], description: 'guarantees suspended while Redis is down; the relay keeps forwarding' })
  suspended: string[];
  @ApiProperty({ description: 'requests forwarded without tracking since start-up' })
  untrackedRequests: number;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status: 'ok' | 'degraded';
  @ApiProperty({ type: ComponentHealth }) db: ComponentHealth;
  @ApiProperty({ type: ComponentHealth }) redis: ComponentHealth;
  @ApiProperty({ type: RelayHealth }) relay: RelayHealth;
}

const PROBE_TIMEOUT_MS = 1000;

async function probe(fn: () => Promise<unknown>, what: string): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await withTimeout(Promise.resolve().then(fn), PROBE_TIMEOUT_MS, `${what} did not answer`);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'down', error: (err as Error).message };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    private readonly redis: RedisService,
    private readonly relayRedis: RelayRedis,
  ) {}

  /** 200 when the metadata database and Redis both answer, 503 naming the one that does not. */
  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const [db, redis, relayRedis] = await Promise.all([
      probe(() => this.ds.query('SELECT 1'), 'The metadata database'),
      probe(() => this.redis.ping(PROBE_TIMEOUT_MS), 'Redis'),
      this.relayRedis.cluster ? probe(() => this.relayRedis.ping(), 'Redis Cluster') : undefined,
    ]);
    const relayUp = (relayRedis ?? redis).status === 'ok';
    const relay: RelayHealth = {
      redis: relayUp ? 'ok' : 'down',
      cluster: this.relayRedis.cluster,
      suspended: relayUp ? [] : REDIS_GUARANTEES,
      untrackedRequests: this.relayRedis.skipped,
    };
    const ok = db.status === 'ok' && redis.status === 'ok' && relayUp;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', db, redis, relay };
  }
}
