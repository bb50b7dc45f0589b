import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Bounds on a JSON request body, checked on the raw bytes before anything parses or validates it. */
export interface JsonBounds {
  /** deepest nesting of objects and arrays */
  maxDepth: number;
  /** object keys plus array elements in the whole body */
  maxNodes: number;
}

export const API_JSON_BOUNDS: JsonBounds = { maxDepth: 16, maxNodes: 10000 };
/** Sign-in and password changes carry two short strings. */
export const AUTH_BODY_LIMIT = '8kb';
export const API_BODY_LIMIT = '1mb';

export class BodyTooComplexError extends Error {
  readonly type = 'entity.too.complex';
  constructor(message: string) {
    super(message);
    this.name = 'BodyTooComplexError';
  }
}

/**
 * One linear pass over the raw JSON text: nesting depth and the number of values (keys and array
 * elements), outside string literals. Throws BodyTooComplexError as soon as a bound is passed, so
 * the cost is bounded by the body size limit and never by what the parser or validator would do.
 */
export function checkJsonBounds(buf: Buffer, bounds: JsonBounds = API_JSON_BOUNDS): void {
  let depth = 0;
  let nodes = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    switch (c) {
      case 0x22: // "
        inString = true;
        break;
      case 0x7b: // {
      case 0x5b: // [
        if (++depth > bounds.maxDepth) throw new BodyTooComplexError(`The request body nests deeper than ${bounds.maxDepth} levels`);
        nodes++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        break;
      case 0x2c: // , separates values
        if (++nodes > bounds.maxNodes) throw new BodyTooComplexError(`The request body holds more than ${bounds.maxNodes} values`);
        break;
      default:
        break;
    }
  }
}

function verify(_req: Request, _res: Response, buf: Buffer): void {
  checkJsonBounds(buf);
}

/**
 * JSON body parsing for /api: a small size limit for the sign-in routes, a moderate one elsewhere,
 * and the depth and value-count bounds on every body. The relay (/v1) keeps its own parser; other
 * paths take no body.
 */
export function apiJsonParser(fallback: RequestHandler): RequestHandler {
  const auth = express.json({ limit: AUTH_BODY_LIMIT, verify });
  const api = express.json({ limit: API_BODY_LIMIT, verify });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/auth/')) return auth(req, res, next);
    if (req.path.startsWith('/api/') || req.path === '/api') return api(req, res, next);
    if (req.path.startsWith('/v1/')) return fallback(req, res, next);
    // nothing else takes a request body
    return next();
  };
}
