import type { NextFunction, Request, Response } from 'express';
import { existsSync, statSync } from 'node:fs';
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

/**
 * Serves `<file>.br` / `<file>.gz` written at build time for hashed assets when the client accepts
 * them (with Content-Encoding and Vary), and marks every hashed asset immutable for a year.
 * Anything it does not handle goes on to the plain static handler.
 */
export function precompressedAssets(dist: string) {
  const assets = join(dist, 'assets');
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.path.startsWith('/assets/')) return next();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(req.path.slice('/assets/'.length)));
    } catch {
      return next();
    }
    const file = join(assets, rel);
    if (!file.startsWith(assets + sep) || !existsSync(file)) return next();
    res.setHeader('Cache-Control', IMMUTABLE_CACHE);
    const type = TYPES[extname(file)];
    if (!type) return next();
    res.setHeader('Vary', 'Accept-Encoding');
    for (const enc of acceptedEncodings(req.headers['accept-encoding'])) {
      const variant = `${file}${enc === 'br' ? '.br' : '.gz'}`;
      if (!existsSync(variant)) continue;
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', enc);
      res.setHeader('Content-Length', String(statSync(variant).size));
      res.sendFile(variant, { headers: { 'Cache-Control': IMMUTABLE_CACHE }, lastModified: true, cacheControl: false });
      return;
    }
    next();
  };
}
