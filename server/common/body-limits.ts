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
export const AUTH_BODY_LIMIT = 8 * 1024;
export const API_BODY_LIMIT = 1024 * 1024;

export class BodyTooComplexError extends Error {
  readonly type = 'entity.too.complex';
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BodyTooComplexError';
  }
}

/**
 * A linear pass over raw JSON text, fed chunk by chunk as it arrives: nesting depth and the number
 * of values (keys and array elements), outside string literals. Throws BodyTooComplexError as soon
 * as a bound is passed, so the cost is bounded by the bytes read and never by what the parser or
 * validator would do.
 */
export class JsonBoundsScanner {
  private depth = 0;
  private nodes = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly bounds: JsonBounds = API_JSON_BOUNDS) {}

  feed(buf: Uint8Array): void {
    const { maxDepth, maxNodes } = this.bounds;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      switch (c) {
        case 0x22: // "
          this.inString = true;
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (++this.depth > maxDepth) throw new BodyTooComplexError(`The request body nests deeper than ${maxDepth} levels`);
          this.nodes++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.depth--;
          break;
        case 0x2c: // , separates values
          if (++this.nodes > maxNodes) throw new BodyTooComplexError(`The request body holds more than ${maxNodes} values`);
          break;
        default:
          break;
      }
    }
  }
}

export function checkJsonBounds(buf: Uint8Array, bounds: JsonBounds = API_JSON_BOUNDS): void {
  new JsonBoundsScanner(bounds).feed(buf);
}

interface ScannedRequest extends Request {
  /** the bounds were checked on the raw bytes while they arrived */
  boundsChecked?: boolean;
}

function verify(req: Request, _res: Response, buf: Buffer): void {
  if (!(req as ScannedRequest).boundsChecked) checkJsonBounds(buf);
}

/**
 * A refusal before the whole body was read: the answer goes out at once and the connection closes
 * after it, instead of reading the rest of a hostile upload.
 */
function refuseEarly(res: Response, next: NextFunction, err: Error): void {
  res.setHeader('Connection', 'close');
  next(err);
}

/**
 * Body parsing bounded before anything parses: a declared length over the limit is refused before a
 * byte is read; an uncompressed body is scanned as it arrives and refused at the first byte that
 * passes a bound; a compressed one is scanned once inflated.
 */
function boundedJson(limit: number): RequestHandler {
  const parser = express.json({ limit, verify });
  return (req: ScannedRequest, res, next) => {
    if (Number(req.headers['content-length']) > limit) {
      return refuseEarly(res, next, Object.assign(new Error('The request body is too large'), { type: 'entity.too.large', status: 413 }));
    }
    let done = false;
    const once: NextFunction = (err?: unknown) => {
      if (done) return;
      done = true;
      next(err);
    };
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity' && req.is('json')) {
      const scanner = new JsonBoundsScanner();
      req.boundsChecked = true;
      const onData = (chunk: Buffer): void => {
        try {
          scanner.feed(chunk);
        } catch (err) {
          req.off('data', onData);
          refuseEarly(res, once, err as Error);
        }
      };
      req.on('data', onData);
    }
    return parser(req, res, once);
  };
}

/**
 * JSON body parsing: a small size limit for the sign-in routes, a moderate one elsewhere in /api,
 * and the depth and value-count bounds on every body. Other paths are not parsed here (the relay,
 * /v1, reads its body raw).
 */
export function apiJsonParser(): RequestHandler {
  const auth = boundedJson(AUTH_BODY_LIMIT);
  const api = boundedJson(API_BODY_LIMIT);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/auth/')) return auth(req, res, next);
    if (req.path.startsWith('/api/') || req.path === '/api') return api(req, res, next);
    // nothing else is parsed here: the relay (/v1) reads its body raw
    return next();
  };
}
