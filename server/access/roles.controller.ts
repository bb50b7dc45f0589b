import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { Menu } from './access.decorators';
import { IdParam } from './admin.dto';
import { clientIp } from './principal';
import type { PrincipalRequest } from './principal';
import { CreateRoleDto, MenuListDto, RoleDto, RolePageDto, UpdateRoleDto } from './roles.dto';
import { RolesService } from './roles.service';

@ApiTags('roles')
@Controller('roles')
@Menu('admin.users')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @ApiOkResponse({ type: RolePageDto })
  list(@Query() q: PageQuery): Promise<RolePageDto> {
    return this.roles.list(q.page, q.pageSize);
  }

  /** Menu permissions a role may carry in this edition. */
  @Get('menus')
  @ApiOkResponse({ type: MenuListDto })
  menus(): MenuListDto {
    return { menus: this.roles.menus() };
  }

  @Post()
  @Menu('admin.users', { auditAs: 'role.create' })
  @ApiCreatedResponse({ type: RoleDto })
  create(@Body() dto: CreateRoleDto, @Req() req: PrincipalRequest): Promise<RoleDto> {
    return this.roles.create(dto, { principal: req.principal!, ip: clientIp(req) });
  }

  /** Built-in roles answer 409 BUILTIN_ROLE. */
  @Patch(':id')
  @Menu('admin.users', { auditAs: 'role.update' })
  @ApiOkResponse({ type: RoleDto })
  update(@Param() p: IdParam, @Body() dto: UpdateRoleDto, @Req() req: PrincipalRequest): Promise<RoleDto> {
    return this.roles.update(p.id, dto, { principal: req.principal!, ip: clientIp(req) });
  }

  /** Built-in roles answer 409 BUILTIN_ROLE; the role's grants are removed with it. */
  @Delete(':id')
  @Menu('admin.users', { auditAs: 'role.delete' })
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param() p: IdParam, @Req() req: PrincipalRequest): Promise<void> {
    await this.roles.remove(p.id, { principal: req.principal!, ip: clientIp(req) });
  }
}
