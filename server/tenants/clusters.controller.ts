import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Menu } from '../access/access.decorators';
import { clientIp } from '../access/principal';
import type { PrincipalRequest } from '../access/principal';
import { IdPipe } from '../common/id.pipe';
import { ClustersService } from './clusters.service';
import { ClusterDto, ClusterPageDto, CreateClusterDto, UpdateClusterDto } from './tenants.dto';

/** Who may look up clusters and tenants: the session pages, the grants page, tenant administration. */
export const REGISTRY_READERS = ['admin.tenants', 'admin.users', 'diagnosis.sessions', 'tenant.sessions'] as const;

@ApiTags('clusters')
@Controller('clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Get()
  @Menu([...REGISTRY_READERS])
  @ApiOkResponse({ type: ClusterPageDto })
  async list(@Req() req: PrincipalRequest): Promise<ClusterPageDto> {
    const items = await this.clusters.list(req.principal!);
    return { items, total: items.length, page: 1, pageSize: items.length };
  }

  @Get(':id')
  @Menu([...REGISTRY_READERS], { resource: { kind: 'cluster', param: 'id', level: 'read_only' } })
  @ApiOkResponse({ type: ClusterDto })
  get(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<ClusterDto> {
    return this.clusters.get(id, req.principal!);
  }

  @Post()
  @Menu('admin.tenants', { auditAs: 'cluster.create' })
  @ApiOkResponse({ type: ClusterDto })
  create(@Body() dto: CreateClusterDto, @Req() req: PrincipalRequest): Promise<ClusterDto> {
    return this.clusters.create(dto, req.principal!, clientIp(req));
  }

  @Patch(':id')
  @Menu('admin.tenants', { auditAs: 'cluster.update' })
  @ApiOkResponse({ type: ClusterDto })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateClusterDto, @Req() req: PrincipalRequest): Promise<ClusterDto> {
    return this.clusters.update(id, dto, req.principal!, clientIp(req));
  }

  @Delete(':id')
  @Menu('admin.tenants', { auditAs: 'cluster.delete' })
  @HttpCode(204)
  remove(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<void> {
    return this.clusters.remove(id, req.principal!, clientIp(req));
  }
}
