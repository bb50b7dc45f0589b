import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../access/access.decorators';
import { RedisService, withTimeout } from '../common/redis.service';

class ComponentHealth {
  @ApiProperty({ enum: ['ok', 'down'] }) status: 'ok' | 'down';
  @ApiProperty({ required: false }) latencyMs?: number;
  @ApiProperty({ required: false }) error?: string;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status: 'ok' | 'degraded';
  @ApiProperty({ type: ComponentHealth }) db: ComponentHealth;
  @ApiProperty({ type: ComponentHealth }) redis: ComponentHealth;
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
  ) {}

  /** 200 when the metadata database and Redis both answer, 503 naming the one that does not. */
  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const [db, redis] = await Promise.all([
      probe(() => this.ds.query('SELECT 1'), 'The metadata database'),
      probe(() => this.redis.ping(PROBE_TIMEOUT_MS), 'Redis'),
    ]);
    const ok = db.status === 'ok' && redis.status === 'ok';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', db, redis };
  }
}
