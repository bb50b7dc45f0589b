import express from 'express';
import { mkdtempSync, mkdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { acceptedEncodings, IMMUTABLE_CACHE, precompressedAssets } from './static-assets';

describe('acceptedEncodings', () => {
  it('prefers brotli, then gzip, honouring q=0 and the wildcard', () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('gzip')).toEqual(['gzip']);
    expect(acceptedEncodings('br;q=0, gzip;q=0.8')).toEqual(['gzip']);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings(undefined)).toEqual([]);
    expect(acceptedEncodings('identity')).toEqual([]);
  });
});

describe('precompressedAssets', () => {
  const script = 'export const answer = 42;\n'.repeat(100);
  let dist: string;
  let app: express.Express;

  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'assets-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'app-abc.js'), script);
    writeFileSync(join(dist, 'assets', 'app-abc.js.br'), brotliCompressSync(script));
    writeFileSync(join(dist, 'assets', 'app-abc.js.gz'), gzipSync(script));
    writeFileSync(join(dist, 'assets', 'tiny-abc.css'), 'a{}');
    writeFileSync(join(dist, 'secret.js'), 'outside');
    utimesSync(join(dist, 'assets', 'app-abc.js'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    app = express();
    app.use(precompressedAssets(dist));
    app.use((_req, res) => res.status(404).send('not handled'));
  });

  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('answers the variant the client accepts, immutable, with its length', async () => {
    const br = await request(app).get('/assets/app-abc.js').set('Accept-Encoding', 'gzip, br').expect(200);
    expect(br.headers).toMatchObject({
      'content-encoding': 'br',
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': IMMUTABLE_CACHE,
      vary: 'Accept-Encoding',
      'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT',
      'content-length': String(brotliCompressSync(script).length),
    });
    expect(br.text).toBe(script);
    const gz = await request(app).get('/assets/app-abc.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toBe(script);
    const plain = await request(app).get('/assets/app-abc.js').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-length']).toBe(String(script.length));
    expect(plain.text).toBe(script);
    // a file without compressed variants is answered as it is, without Vary
    const tiny = await request(app).get('/assets/tiny-abc.css').set('Accept-Encoding', 'br').expect(200);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.headers.vary).toBeUndefined();
    expect(tiny.text).toBe('a{}');
  });

  it('reads a file once and answers it from memory afterwards', async () => {
    await request(app).get('/assets/app-abc.js').set('Accept-Encoding', 'br').expect(200);
    for (const f of ['app-abc.js', 'app-abc.js.br', 'app-abc.js.gz']) unlinkSync(join(dist, 'assets', f));
    const again = await request(app).get('/assets/app-abc.js').set('Accept-Encoding', 'br').expect(200);
    expect(again.text).toBe(script);
  });

  it('does not remember a missing file: it is served once a build adds it', async () => {
    expect((await request(app).get('/assets/later-abc.js').expect(404)).text).toBe('not handled');
    writeFileSync(join(dist, 'assets', 'later-abc.js'), 'export {};');
    expect((await request(app).get('/assets/later-abc.js').expect(200)).text).toBe('export {};');
  });

  it('answers HEAD without a body, and 304 to a copy that is not older than the file', async () => {
    const head = await request(app).head('/assets/app-abc.js').set('Accept-Encoding', 'br').expect(200);
    expect(head.headers['content-length']).toBe(String(brotliCompressSync(script).length));
    expect(head.text).toBeUndefined();
    await request(app).get('/assets/app-abc.js').set('If-Modified-Since', 'Fri, 02 Jan 2026 03:04:05 GMT').expect(304);
    await request(app).get('/assets/app-abc.js').set('If-Modified-Since', 'Fri, 02 Jan 2026 03:04:04 GMT').expect(200);
  });

  it('leaves paths outside /assets, unknown types and other methods to the next handler', async () => {
    await request(app).get('/assets/..%2fsecret.js').expect(404);
    await request(app).get('/assets/%E0%A4%A').expect(404);
    writeFileSync(join(dist, 'assets', 'font-abc.woff2'), 'x');
    await request(app).get('/assets/font-abc.woff2').expect(404);
    await request(app).post('/assets/app-abc.js').expect(404);
  });
});
