import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { Menu } from './access.decorators';
import { IdPipe } from '../common/id.pipe';
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
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateRoleDto, @Req() req: PrincipalRequest): Promise<RoleDto> {
    return this.roles.update(id, dto, { principal: req.principal!, ip: clientIp(req) });
  }

  /** Built-in roles answer 409 BUILTIN_ROLE; the role's grants are removed with it. */
  @Delete(':id')
  @Menu('admin.users', { auditAs: 'role.delete' })
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<void> {
    await this.roles.remove(id, { principal: req.principal!, ip: clientIp(req) });
  }
}
