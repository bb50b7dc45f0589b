import express from 'express';
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiJsonParser, BodyTooComplexError, checkJsonBounds, JsonBoundsScanner } from './body-limits';

describe('checkJsonBounds', () => {
  const bounds = { maxDepth: 4, maxNodes: 10 };
  const check = (text: string) => () => checkJsonBounds(Buffer.from(text), bounds);

  it('accepts bodies within the bounds', () => {
    expect(check('{"a":[1,2,3],"b":{"c":"d"}}')).not.toThrow();
    expect(check('[[[[]]]]')).not.toThrow();
  });

  it('refuses nesting deeper than the bound', () => {
    expect(check('[[[[[]]]]]')).toThrow(BodyTooComplexError);
    expect(check('{"a":{"b":{"c":{"d":{}}}}}')).toThrow(/deeper than 4/);
  });

  it('refuses more values than the bound', () => {
    expect(check(`[${Array.from({ length: 12 }, (_, i) => i).join(',')}]`)).toThrow(/more than 10 values/);
  });

  it('ignores brackets and commas inside strings, escaped quotes included', () => {
    expect(check(`{"a":"[[[[[[,,,,,,,,,,,,,,]]]]]]","b":"\\"[[[[[[[\\""}`)).not.toThrow();
  });
});

describe('JsonBoundsScanner', () => {
  it('gives the same answer whatever the chunks, escapes split across them included', () => {
    const text = `{"a":"\\"[[[[[[","b":[[[[1]]]]}`;
    const whole = () => checkJsonBounds(Buffer.from(text), { maxDepth: 4, maxNodes: 10 });
    expect(whole).toThrow(/deeper than 4/);
    for (let cut = 1; cut < text.length; cut++) {
      const s = new JsonBoundsScanner({ maxDepth: 4, maxNodes: 10 });
      expect(() => {
        s.feed(Buffer.from(text.slice(0, cut)));
        s.feed(Buffer.from(text.slice(cut)));
      }).toThrow(/deeper than 4/);
    }
    const ok = `{"a":"\\"[[[[[[","b":[[[1]]]}`;
    for (let cut = 1; cut < ok.length; cut++) {
      const s = new JsonBoundsScanner({ maxDepth: 4, maxNodes: 10 });
      s.feed(Buffer.from(ok.slice(0, cut)));
      expect(() => s.feed(Buffer.from(ok.slice(cut)))).not.toThrow();
    }
  });
});

describe('apiJsonParser', () => {
  it('never parses a body it refused while it arrived, and drops the connection after the answer', async () => {
    const app = express();
    app.use(apiJsonParser());
    app.post('/api/x', (_req, res) => res.json({ reached: true }));
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).json({ status: err.status });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const parse = jest.spyOn(JSON, 'parse');
    try {
      // 900 KB: refused in its first chunk for its depth; the rest must not be read and parsed
      const body = `{"name":${'['.repeat(450000)}${']'.repeat(450000)}}`;
      const answer = await new Promise<{ status: number; closed: boolean }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/api/x', method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => {
              const socket = res.socket;
              if (socket.destroyed) resolve({ status: res.statusCode!, closed: true });
              else socket.once('close', () => resolve({ status: res.statusCode!, closed: true }));
            });
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
        req.end(body);
      });
      expect(answer).toEqual({ status: 400, closed: true });
      expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 1000)).toHaveLength(0);
    } finally {
      parse.mockRestore();
      server.close();
    }
  });
});
