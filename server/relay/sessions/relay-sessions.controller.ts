import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../access/access.decorators';
import { clientIp } from '../../access/principal';
import type { PrincipalRequest } from '../../access/principal';
import {
  RelayRequestDetailDto,
  RelayRequestListQuery,
  RelayRequestPageDto,
  RelaySessionDetailDto,
  RelaySessionListQuery,
  RelaySessionPageDto,
  TerminateResultDto,
  TerminateSessionsDto,
} from './relay-sessions.dto';
import { RelaySessionsService } from './relay-sessions.service';
import { RelaySeqPipe, RelaySessionIdPipe } from './relay-session-id.pipe';

/**
 * Relay sessions. The console page is for holders of the relay.sessions menu; the API is open to
 * every signed-in user, who then sees and terminates only their own sessions.
 */
@ApiTags('relay sessions')
@Controller('relay/sessions')
@Authenticated()
export class RelaySessionsController {
  constructor(private readonly sessions: RelaySessionsService) {}

  @Get()
  @ApiOkResponse({ type: RelaySessionPageDto })
  list(@Query() q: RelaySessionListQuery, @Req() req: PrincipalRequest): Promise<RelaySessionPageDto> {
    return this.sessions.list(req.principal!, q.state, q.page);
  }

  @Post('terminate')
  @HttpCode(200)
  @ApiOkResponse({ type: TerminateResultDto })
  terminate(@Body() dto: TerminateSessionsDto, @Req() req: PrincipalRequest): Promise<TerminateResultDto> {
    return this.sessions.terminate(req.principal!, clientIp(req), dto.ids);
  }

  @Get(':id')
  @ApiOkResponse({ type: RelaySessionDetailDto })
  detail(@Param('id', RelaySessionIdPipe) id: string, @Req() req: PrincipalRequest): Promise<RelaySessionDetailDto> {
    return this.sessions.detail(req.principal!, id);
  }

  @Get(':id/requests')
  @ApiOkResponse({ type: RelayRequestPageDto })
  requests(
    @Param('id', RelaySessionIdPipe) id: string,
    @Query() q: RelayRequestListQuery,
    @Req() req: PrincipalRequest,
  ): Promise<RelayRequestPageDto> {
    return this.sessions.requests(req.principal!, id, q.order, q.page);
  }

  @Get(':id/requests/:seq')
  @ApiOkResponse({ type: RelayRequestDetailDto })
  request(
    @Param('id', RelaySessionIdPipe) id: string,
    @Param('seq', RelaySeqPipe) seq: number,
    @Req() req: PrincipalRequest,
  ): Promise<RelayRequestDetailDto> {
    return this.sessions.request(req.principal!, id, seq);
  }

  @Delete(':id')
  @ApiOkResponse({ type: TerminateResultDto })
  remove(@Param('id', RelaySessionIdPipe) id: string, @Req() req: PrincipalRequest): Promise<TerminateResultDto> {
    return this.sessions.terminateOne(req.principal!, clientIp(req), id);
  }
}
