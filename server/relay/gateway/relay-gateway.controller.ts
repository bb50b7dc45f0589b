import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../access/access.decorators';
import { RelayGatewayService } from './relay-gateway.service';

/**
 * The Anthropic Messages API of the relay, outside /api: authenticated by relay API keys
 * (x-api-key or Authorization: Bearer), not by the console's cookie, hence public to the guard.
 * The body is read raw and forwarded byte for byte.
 */
@ApiExcludeController()
@Controller('v1/messages')
export class RelayGatewayController {
  constructor(private readonly gateway: RelayGatewayService) {}

  @Post()
  @Public()
  @HttpCode(200)
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, 'messages');
  }

  @Post('count_tokens')
  @Public()
  @HttpCode(200)
  countTokens(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, 'count_tokens');
  }
}
