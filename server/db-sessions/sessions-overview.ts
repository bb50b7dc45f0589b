import { Controller, Get, Injectable, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Menu } from '../access/access.decorators';
import { levelOn } from '../access/permissions';
import type { Principal, PrincipalRequest } from '../access/principal';
import { AppError } from '../common/errors';
import { withTimeout } from '../common/redis.service';
import { AppConfig } from '../config/config';
import { describeTenant } from '../tenants/tenant-pools';
import { Tenant } from '../tenants/tenant.entity';
import type { SessionRow } from './dialects';
import { SessionSnapshots } from './session-snapshots';

export class SessionsOverviewQuery {
  @ApiPropertyOptional({ description: 'one tenant only' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  tenantId?: number;
}

export class LongestStatementDto {
  @ApiProperty() tenantId: number;
  @ApiProperty() sessionId: string;
  @ApiProperty() seconds: number;
  @ApiProperty({ type: String, nullable: true }) sql: string | null;
}

export class TenantOverviewDto {
  @ApiProperty() tenantId: number;
  @ApiProperty() tenantName: string;
  @ApiProperty() clusterId: number;
  @ApiProperty({ description: 'the processlist could be read' }) up: boolean;
  @ApiPropertyOptional() errorCode?: string;
  @ApiProperty() sessions: number;
  @ApiProperty() active: number;
  @ApiProperty() idleInTransaction: number;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds the oldest idle transaction has been open' })
  oldestIdleTransactionSeconds: number | null;
  @ApiProperty({ type: LongestStatementDto, nullable: true }) longest: LongestStatementDto | null;
}

export class SessionsOverviewDto {
  @ApiProperty({ type: [TenantOverviewDto] }) tenants: TenantOverviewDto[];
  @ApiProperty() active: number;
  @ApiProperty() idleInTransaction: number;
  @ApiProperty({ type: Number, nullable: true }) oldestIdleTransactionSeconds: number | null;
  @ApiProperty({ type: LongestStatementDto, nullable: true }) longest: LongestStatementDto | null;
  @ApiProperty() tenantsDown: number;
  @ApiProperty({ description: 'when the overview was put together' }) fetchedAt: string;
}

const SQL_PREVIEW = 200;

function summarise(t: Tenant, rows: SessionRow[]): TenantOverviewDto {
  let active = 0;
  let idle = 0;
  let oldest: number | null = null;
  let longest: LongestStatementDto | null = null;
  for (const r of rows) {
    if (r.system) continue;
    if (r.active) {
      active++;
      if (!longest || r.timeSeconds > longest.seconds) {
        longest = { tenantId: t.id, sessionId: r.id, seconds: r.timeSeconds, sql: r.sql === null ? null : r.sql.slice(0, SQL_PREVIEW) };
      }
    }
    if (r.transactionState === 'IDLE_IN_TRANSACTION') {
      idle++;
      const age = typeof r.extras.trxAgeSeconds === 'number' ? r.extras.trxAgeSeconds : r.timeSeconds;
      if (oldest === null || age > oldest) oldest = age;
    }
  }
  return {
    tenantId: t.id,
    tenantName: t.name,
    clusterId: t.clusterId,
    up: true,
    sessions: rows.length,
    active,
    idleInTransaction: idle,
    oldestIdleTransactionSeconds: oldest,
    longest,
  };
}

/** What needs a look across the tenants a user may read: running statements, idle transactions, tenants down. */
@Injectable()
export class SessionsOverviewService {
  constructor(
    @InjectRepository(Tenant) private readonly tenantRepo: Repository<Tenant>,
    private readonly snapshots: SessionSnapshots,
    private readonly config: AppConfig,
  ) {}

  async overview(p: Principal, tenantId?: number): Promise<SessionsOverviewDto> {
    const readable = (await this.tenantRepo.find({ order: { name: 'ASC' } })).filter(
      (t) => levelOn(p, t.clusterId, t.id) !== null && (tenantId === undefined || t.id === tenantId),
    );
    if (tenantId !== undefined && readable.length === 0) throw new AppError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
    const budget = this.config.tenantConnectTimeoutMs + this.config.tenantQueryTimeoutMs;
    const settled = await Promise.allSettled(
      readable.map((t) => withTimeout(this.snapshots.get(t), budget, `${describeTenant(t)} did not answer`)),
    );
    const tenants = settled.map((s, i): TenantOverviewDto => {
      const t = readable[i]!;
      if (s.status === 'fulfilled') return summarise(t, s.value.rows);
      const code = s.reason instanceof AppError ? s.reason.code : 'TENANT_UNREACHABLE';
      return {
        tenantId: t.id,
        tenantName: t.name,
        clusterId: t.clusterId,
        up: false,
        errorCode: code,
        sessions: 0,
        active: 0,
        idleInTransaction: 0,
        oldestIdleTransactionSeconds: null,
        longest: null,
      };
    });
    const max = <T>(xs: T[], by: (x: T) => number): T | null => xs.reduce<T | null>((a, x) => (a === null || by(x) > by(a) ? x : a), null);
    const ages = tenants.map((t) => t.oldestIdleTransactionSeconds).filter((v): v is number => v !== null);
    return {
      tenants,
      active: tenants.reduce((a, t) => a + t.active, 0),
      idleInTransaction: tenants.reduce((a, t) => a + t.idleInTransaction, 0),
      oldestIdleTransactionSeconds: ages.length ? Math.max(...ages) : null,
      longest: max(
        tenants.map((t) => t.longest).filter((l): l is LongestStatementDto => l !== null),
        (l) => l.seconds,
      ),
      tenantsDown: tenants.filter((t) => !t.up).length,
      fetchedAt: new Date().toISOString(),
    };
  }
}

@ApiTags('tenant sessions')
@Controller()
export class SessionsOverviewController {
  constructor(private readonly overview: SessionsOverviewService) {}

  /** Only tenants the caller may read are counted; the others do not appear. */
  @Get('sessions/overview')
  @Menu(['tenant.sessions', 'diagnosis.sessions'])
  @ApiOkResponse({ type: SessionsOverviewDto })
  get(@Query() q: SessionsOverviewQuery, @Req() req: PrincipalRequest): Promise<SessionsOverviewDto> {
    return this.overview.overview(req.principal!, q.tenantId);
  }
}
