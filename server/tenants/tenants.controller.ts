import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Menu } from '../access/access.decorators';
import { clientIp } from '../access/principal';
import type { PrincipalRequest } from '../access/principal';
import { IdPipe } from '../common/id.pipe';
import { REGISTRY_READERS } from './clusters.controller';
import { TenantsService } from './tenants.service';
import {
  CreateTenantDto,
  TenantConnectionDto,
  TenantDto,
  TenantListQuery,
  TenantPageDto,
  TenantSavedDto,
  TestResultDto,
  UpdateTenantDto,
} from './tenants.dto';

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Menu([...REGISTRY_READERS])
  @ApiOkResponse({ type: TenantPageDto })
  list(@Query() q: TenantListQuery, @Req() req: PrincipalRequest): Promise<TenantPageDto> {
    return this.tenants.list(req.principal!, q.page, q.pageSize, q.clusterId);
  }

  @Post('test')
  @Menu('admin.tenants')
  @HttpCode(200)
  @ApiOkResponse({ type: TestResultDto })
  testUnsaved(@Body() dto: TenantConnectionDto, @Req() req: PrincipalRequest): Promise<TestResultDto> {
    return this.tenants.testUnsaved(dto, req.principal!, clientIp(req));
  }

  @Get(':id')
  @Menu([...REGISTRY_READERS], { resource: { kind: 'tenant', param: 'id', level: 'read_only' } })
  @ApiOkResponse({ type: TenantDto })
  get(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<TenantDto> {
    return this.tenants.get(id, req.principal!);
  }

  @Post()
  @Menu('admin.tenants', { auditAs: 'tenant.create' })
  @ApiOkResponse({ type: TenantSavedDto })
  create(@Body() dto: CreateTenantDto, @Req() req: PrincipalRequest): Promise<TenantSavedDto> {
    return this.tenants.create(dto, req.principal!, clientIp(req));
  }

  @Patch(':id')
  @Menu('admin.tenants', { auditAs: 'tenant.update' })
  @ApiOkResponse({ type: TenantSavedDto })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateTenantDto, @Req() req: PrincipalRequest): Promise<TenantSavedDto> {
    return this.tenants.update(id, dto, req.principal!, clientIp(req));
  }

  @Delete(':id')
  @Menu('admin.tenants', { auditAs: 'tenant.delete' })
  @HttpCode(204)
  remove(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<void> {
    return this.tenants.remove(id, req.principal!, clientIp(req));
  }

  @Post(':id/test')
  @Menu('admin.tenants')
  @HttpCode(200)
  @ApiOkResponse({ type: TestResultDto })
  test(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<TestResultDto> {
    return this.tenants.test(id, req.principal!, clientIp(req));
  }
}
