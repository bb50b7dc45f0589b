import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Menu } from '../../access/access.decorators';
import { clientIp } from '../../access/principal';
import type { PrincipalRequest } from '../../access/principal';
import { IdPipe } from '../../common/id.pipe';
import { CreateRelayProviderDto, RelayProviderDto, RelayProviderListDto, UpdateRelayProviderDto } from './relay-providers.dto';
import { RelayProvidersService } from './relay-providers.service';

/** Upstream providers of the relay: administrators (the relay's menu) only. */
@ApiTags('relay')
@Controller('relay/providers')
export class RelayProvidersController {
  constructor(private readonly providers: RelayProvidersService) {}

  @Get()
  @Menu('relay.sessions')
  @ApiOkResponse({ type: RelayProviderListDto })
  list(): Promise<RelayProviderListDto> {
    return this.providers.list();
  }

  @Get(':id')
  @Menu('relay.sessions')
  @ApiOkResponse({ type: RelayProviderDto })
  get(@Param('id', IdPipe) id: number): Promise<RelayProviderDto> {
    return this.providers.get(id);
  }

  @Post()
  @Menu('relay.sessions', { auditAs: 'relay.provider.create' })
  @ApiOkResponse({ type: RelayProviderDto })
  create(@Body() dto: CreateRelayProviderDto, @Req() req: PrincipalRequest): Promise<RelayProviderDto> {
    return this.providers.create(dto, req.principal!, clientIp(req));
  }

  @Patch(':id')
  @Menu('relay.sessions', { auditAs: 'relay.provider.update' })
  @ApiOkResponse({ type: RelayProviderDto })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateRelayProviderDto, @Req() req: PrincipalRequest): Promise<RelayProviderDto> {
    return this.providers.update(id, dto, req.principal!, clientIp(req));
  }

  @Delete(':id')
  @Menu('relay.sessions', { auditAs: 'relay.provider.delete' })
  @HttpCode(204)
  remove(@Param('id', IdPipe) id: number, @Req() req: PrincipalRequest): Promise<void> {
    return this.providers.remove(id, req.principal!, clientIp(req));
  }
}
