import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { withRequestId } from '../../common/request-context';
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

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The relay's hot path: the two Messages routes are taken on the HTTP server itself, before Express
 * sees the request (request id and access log kept), so none of the console's middleware, router,
 * guard or filter runs for them. Every other request, and any other form of these paths, goes to
 * the listeners the server had (Express and Nest, whose RelayGatewayController serves the same routes).
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
