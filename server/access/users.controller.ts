import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Menu } from './access.decorators';
import { IdPipe } from '../common/id.pipe';
import { clientIp } from './principal';
import type { PrincipalRequest } from './principal';
import { CreatedUserDto, CreateUserDto, InitialPasswordDto, UpdateUserDto, UserDto, UserPageDto, UserQuery } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@Menu('admin.users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() q: UserQuery): Promise<UserPageDto> {
    return this.users.list(q);
  }

  /** Without a password, one is generated, answered once, and must be changed at first sign-in. */
  @Post()
  @Menu('admin.users', { auditAs: 'user.create' })
  @ApiCreatedResponse({ type: CreatedUserDto })
  create(@Body() dto: CreateUserDto, @Req() req: PrincipalRequest): Promise<CreatedUserDto> {
    return this.users.create(dto, { principal: req.principal!, ip: clientIp(req) });
  }

  /** Disabling ends the user's console sessions at once; role changes apply from their next request. */
  @Patch(':id')
  @Menu('admin.users', { auditAs: 'user.update' })
  @ApiOkResponse({ type: UserDto })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateUserDto, @Req() req: PrincipalRequest): Promise<UserDto> {
    return this.users.update(id, dto, { principal: req.principal!, ip: clientIp(req) });
  }

  @Post(':id/reset-password')
  @Menu('admin.users', { auditAs: 'user.reset_password' })
  @HttpCode(200)
  @ApiOkResponse({ type: InitialPasswordDto })
  resetPassword(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<InitialPasswordDto> {
    return this.users.resetPassword(id, { principal: req.principal!, ip: clientIp(req) });
  }
}
