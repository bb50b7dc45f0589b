import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Menu } from './access.decorators';
import { IdPipe } from '../common/id.pipe';
import { CreateGrantDto, GrantDto, GrantPageDto, GrantQuery } from './grants.dto';
import { GrantsService } from './grants.service';
import { clientIp } from './principal';
import type { PrincipalRequest } from './principal';

@ApiTags('grants')
@Controller('grants')
@Menu('admin.users')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Get()
  @ApiOkResponse({ type: GrantPageDto })
  list(@Query() q: GrantQuery): Promise<GrantPageDto> {
    return this.grants.list(q);
  }

  /** 201 with a new grant; 200 when the subject already had a grant on that resource and only its level changed. */
  @Post()
  @Menu('admin.users', { auditAs: 'grant.create' })
  @ApiCreatedResponse({ type: GrantDto, description: 'granted' })
  @ApiOkResponse({ type: GrantDto, description: 'the existing grant, with the new level' })
  async create(@Body() dto: CreateGrantDto, @Req() req: PrincipalRequest, @Res({ passthrough: true }) res: Response): Promise<GrantDto> {
    const { grant, created } = await this.grants.upsert(dto, { principal: req.principal!, ip: clientIp(req) });
    res.status(created ? 201 : 200);
    return grant;
  }

  @Delete(':id')
  @Menu('admin.users', { auditAs: 'grant.delete' })
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<void> {
    await this.grants.remove(id, { principal: req.principal!, ip: clientIp(req) });
  }
}
