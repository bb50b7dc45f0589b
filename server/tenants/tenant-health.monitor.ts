import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { TenantPools } from './tenant-pools';
import { Tenant } from './tenant.entity';

/** Checks every tenant through its pool on an interval, concurrently, each under its own timeout. */
@Injectable()
export class TenantHealthMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('tenant-health');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectRepository(Tenant) private readonly tenantRepo: Repository<Tenant>,
    private readonly pools: TenantPools,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.tenantHealthIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.checkAll(), this.config.tenantHealthIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async check(t: Tenant): Promise<void> {
    const started = performance.now();
    let error: string | null = null;
    try {
      await this.pools.query(t, 'SELECT 1');
    } catch (err) {
      error = err instanceof AppError ? err.message : String(err);
    }
    await this.tenantRepo.update(
      { id: t.id },
      {
        healthStatus: error ? 'down' : 'up',
        healthLatencyMs: error ? null : Math.round(performance.now() - started),
        healthError: error ? error.slice(0, 1024) : null,
        healthCheckedAt: new Date(),
      },
    );
  }

  async checkAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const tenants = await this.tenantRepo.find();
      await Promise.allSettled(tenants.map((t) => this.check(t)));
    } catch (err) {
      this.logger.warn({ msg: 'tenant health round failed', error: (err as Error).message });
    } finally {
      this.running = false;
    }
  }
}
