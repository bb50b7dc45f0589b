import type { NextFunction, Request, Response } from 'express';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** Vite names build outputs `<name>-<hash>.<ext>` under /assets: their content never changes. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** Which precompressed variant the client accepts, best first (`br`, then `gzip`); q=0 refuses one. */
export function acceptedEncodings(header: string | undefined): ('br' | 'gzip')[] {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(ok);
}

interface CachedAsset {
  type: string;
  /** whole seconds, as Last-Modified carries them */
  modified: number;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

async function readVariant(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

async function loadAsset(file: string, type: string): Promise<CachedAsset | null> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  const [identity, br, gzip] = await Promise.all([readFile(file), readVariant(`${file}.br`), readVariant(`${file}.gz`)]);
  return { type, modified: Math.floor(info.mtimeMs / 1000), identity, br, gzip };
}

/**
 * Serves the hashed assets under /assets from memory: each file and the `<file>.br` / `<file>.gz`
 * written beside it at build time are read once, on first request, and answered from then on in
 * one write (the variant the client accepts, with Content-Encoding and Vary), immutable for a year.
 * Their names change with their content, so nothing read needs invalidating; a file that is not
 * there, or could not be read, is not remembered (a later build may add it). Anything it does not
 * handle goes on to the plain static handler.
 */
export function precompressedAssets(dist: string) {
  const assets = join(dist, 'assets');
  const cache = new Map<string, Promise<CachedAsset | null>>();
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.path.startsWith('/assets/')) return next();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(req.path.slice('/assets/'.length)));
    } catch {
      return next();
    }
    const file = join(assets, rel);
    const type = TYPES[extname(file)];
    if (!file.startsWith(assets + sep) || !type) return next();
    let entry = cache.get(file);
    if (!entry) {
      entry = loadAsset(file, type);
      cache.set(file, entry);
    }
    entry.then(
      (asset) => {
        if (!asset) {
          cache.delete(file);
          return next();
        }
        send(req, res, asset);
      },
      (err: unknown) => {
        // a read that failed is not remembered either: the next request tries again
        cache.delete(file);
        next(err);
      },
    );
  };
}

function send(req: Request, res: Response, asset: CachedAsset): void {
  res.setHeader('Cache-Control', IMMUTABLE_CACHE);
  res.setHeader('Last-Modified', new Date(asset.modified * 1000).toUTCString());
  if (asset.br || asset.gzip) res.setHeader('Vary', 'Accept-Encoding');
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  if (!Number.isNaN(since) && asset.modified * 1000 <= since) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const encoding = acceptedEncodings(req.headers['accept-encoding']).find((enc) => asset[enc] !== undefined);
  const body = encoding ? asset[encoding]! : asset.identity;
  res.setHeader('Content-Type', asset.type);
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', String(body.length));
  res.end(req.method === 'HEAD' ? undefined : body);
}
