import type { AuditAction } from '../audit/audit-actions';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Menu } from '../access/access.decorators';
import { clientIp } from '../access/principal';
import type { PrincipalRequest } from '../access/principal';
import { IdPipe } from '../common/id.pipe';
import { DbSessionsService } from './db-sessions.service';
import {
  ClusterSessionPageDto,
  KillDto,
  KillResponseDto,
  SeenSessionDto,
  SessionListQuery,
  SessionPageDto,
  SessionRowDto,
  TraceConfigDto,
  TraceStateDto,
} from './db-sessions.dto';
import { SessionIdPipe } from './session-id.pipe';

const read = (param: string) => ({ resource: { kind: 'tenant' as const, param, level: 'read_only' as const } });
const operate = (auditAs: AuditAction) => ({ resource: { kind: 'tenant' as const, param: 'id', level: 'operate' as const }, auditAs });

/** Tenant sessions; the cluster-level entry (Autonomous service) and the tenant-level entry. */
@ApiTags('tenant sessions')
@ApiExtraModels(SeenSessionDto)
@Controller()
export class DbSessionsController {
  constructor(private readonly sessions: DbSessionsService) {}

  @Get('tenants/:id/sessions')
  @Menu(['tenant.sessions', 'diagnosis.sessions'], read('id'))
  @ApiOkResponse({ type: SessionPageDto })
  list(@Param('id', IdPipe) id: number, @Query() q: SessionListQuery): Promise<SessionPageDto> {
    return this.sessions.list(id, q);
  }

  @Get('clusters/:id/sessions')
  @Menu('diagnosis.sessions', { resource: { kind: 'cluster', param: 'id', level: 'read_only' }, enterprise: true })
  @ApiOkResponse({ type: ClusterSessionPageDto })
  listCluster(@Param('id', IdPipe) id: number, @Query() q: SessionListQuery, @Req() req: PrincipalRequest): Promise<ClusterSessionPageDto> {
    return this.sessions.listCluster(id, q, req.principal!);
  }

  @Post('tenants/:id/sessions/kill')
  @HttpCode(200)
  @Menu(['tenant.sessions', 'diagnosis.sessions'], operate('session.kill'))
  @ApiOkResponse({ type: KillResponseDto })
  async kill(@Param('id', IdPipe) id: number, @Body() dto: KillDto, @Req() req: PrincipalRequest): Promise<KillResponseDto> {
    return { results: await this.sessions.kill(id, dto, req.principal!, clientIp(req)) };
  }

  @Get('tenants/:id/sessions/:sessionId')
  @Menu(['tenant.sessions', 'diagnosis.sessions'], read('id'))
  @ApiOkResponse({ type: SessionRowDto })
  detail(@Param('id', IdPipe) id: number, @Param('sessionId', SessionIdPipe) sessionId: string): Promise<SessionRowDto> {
    return this.sessions.detail(id, sessionId);
  }

  @Get('tenants/:id/sessions/:sessionId/trace')
  @Menu('tenant.sessions', read('id'))
  @ApiOkResponse({ type: TraceStateDto })
  getTrace(@Param('id', IdPipe) id: number, @Param('sessionId', SessionIdPipe) sessionId: string): Promise<TraceStateDto> {
    return this.sessions.getTrace(id, sessionId);
  }

  @Put('tenants/:id/sessions/:sessionId/trace')
  @Menu('tenant.sessions', operate('session.trace_enable'))
  @ApiOkResponse({ type: TraceStateDto })
  setTrace(
    @Param('id', IdPipe) id: number,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body() dto: TraceConfigDto,
    @Req() req: PrincipalRequest,
  ): Promise<TraceStateDto> {
    return this.sessions.setTrace(id, sessionId, dto, req.principal!, clientIp(req));
  }

  @Delete('tenants/:id/sessions/:sessionId/trace')
  @Menu('tenant.sessions', operate('session.trace_disable'))
  @ApiOkResponse({ type: TraceStateDto })
  disableTrace(
    @Param('id', IdPipe) id: number,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Req() req: PrincipalRequest,
  ): Promise<TraceStateDto> {
    return this.sessions.setTrace(id, sessionId, null, req.principal!, clientIp(req));
  }
}
