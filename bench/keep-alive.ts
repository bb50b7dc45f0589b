import { Agent, request as httpRequest } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/**
 * One request on a keep-alive connection, as a browser sends them; resolves with the status when the
 * whole answer has arrived (the body is read and dropped).
 */
export function send(
  url: string,
  path: string,
  opts: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method: opts.method ?? 'GET', agent, headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The cookie header of a signed-in supertest agent, for requests sent with `send`. */
export function cookieOf(agent: { jar: { getCookies(opts: object): unknown } }): string {
  return String(agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }));
}

/** Closes the kept-alive connections (in afterAll, so jest exits cleanly). */
export function closeKeepAlive(): void {
  agent.destroy();
}
