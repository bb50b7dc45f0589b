import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { requestIdMiddleware, withRequestId } from '../../common/request-context';
import type { Endpoint, RelayGatewayService } from './relay-gateway.service';

/** The endpoint of a relay request (`POST /v1/messages[/count_tokens][?query]`), or null. */
export function relayEndpoint(method: string | undefined, url: string | undefined): Endpoint | null {
  if (method !== 'POST' || url === undefined || !url.startsWith('/v1/messages')) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path === '/v1/messages') return 'messages';
  if (path === '/v1/messages/count_tokens') return 'count_tokens';
  return null;
}

/**
 * The relay's hot path mounted ahead of everything else: the two Messages routes go straight to the
 * gateway (request id and access log kept), skipping the console's security headers, cookie and
 * body parsers, Nest's router, guard and exception filter, none of which the relay uses. Every other
 * request, and any other form of these paths, continues to Nest, whose RelayGatewayController
 * serves the same routes.
 */
export function relayFastPath(gateway: RelayGatewayService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const endpoint = relayEndpoint(req.method, req.url);
    if (endpoint === null) {
      next();
      return;
    }
    requestIdMiddleware(req, res, () => void gateway.handle(req, res, endpoint));
  };
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The same two routes taken on the HTTP server itself, before Express sees the request: no
 * prototype swap of the request and response, no router walk. Every other request goes to the
 * listeners the server had (Express). `relayFastPath` stays mounted first in Express for servers
 * that reach it another way.
 */
export function mountRelayFastPath(server: Server, gateway: RelayGatewayService): void {
  const others = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const endpoint = relayEndpoint(req.method, req.url);
    if (endpoint === null) {
      for (const l of others) l.call(server, req, res);
      return;
    }
    withRequestId(req, res, () => void gateway.handle(req, res, endpoint));
  });
}
