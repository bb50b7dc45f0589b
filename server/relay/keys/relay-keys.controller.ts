import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../access/access.decorators';
import { clientIp } from '../../access/principal';
import type { PrincipalRequest } from '../../access/principal';
import { IdPipe } from '../../common/id.pipe';
import {
  CreateRelayKeyDto,
  RelayKeyCreatedDto,
  RelayKeyDto,
  RelayKeyListQuery,
  RelayKeyPageDto,
  UpdateRelayKeyDto,
} from './relay-keys.dto';
import { RelayKeysService } from './relay-keys.service';

/**
 * Relay API keys. Every signed-in user may use the relay, so every signed-in user manages keys:
 * their own; an administrator everybody's.
 */
@ApiTags('relay')
@Controller('relay/keys')
export class RelayKeysController {
  constructor(private readonly keys: RelayKeysService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: RelayKeyPageDto })
  list(@Query() q: RelayKeyListQuery, @Req() req: PrincipalRequest): Promise<RelayKeyPageDto> {
    return this.keys.list(req.principal!, q.page, q.pageSize, q.userId);
  }

  @Post()
  @Authenticated()
  @ApiOkResponse({ type: RelayKeyCreatedDto })
  create(@Body() dto: CreateRelayKeyDto, @Req() req: PrincipalRequest): Promise<RelayKeyCreatedDto> {
    return this.keys.create(dto, req.principal!, clientIp(req));
  }

  @Get(':id')
  @Authenticated()
  @ApiOkResponse({ type: RelayKeyDto })
  get(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<RelayKeyDto> {
    return this.keys.view(id, req.principal!);
  }

  @Patch(':id')
  @Authenticated()
  @ApiOkResponse({ type: RelayKeyDto })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateRelayKeyDto, @Req() req: PrincipalRequest): Promise<RelayKeyDto> {
    return this.keys.update(id, dto, req.principal!, clientIp(req));
  }

  @Delete(':id')
  @Authenticated()
  @HttpCode(204)
  remove(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<void> {
    return this.keys.remove(id, req.principal!, clientIp(req));
  }
}
