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
    // locals in the loop, written back at the end: this runs over every byte of every body
    let { depth, nodes, inString, escaped } = this;
    const len = buf.length;
    for (let i = 0; i < len; i++) {
      if (inString) {
        if (escaped) {
          escaped = false;
          continue;
        }
        const c = buf[i]!;
        if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      const c = buf[i]!;
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > maxDepth) throw new BodyTooComplexError(`The request body nests deeper than ${maxDepth} levels`);
        nodes++;
      } else if (c === 0x7d || c === 0x5d) depth--;
      else if (c === 0x2c && ++nodes > maxNodes) throw new BodyTooComplexError(`The request body holds more than ${maxNodes} values`);
    }
    this.depth = depth;
    this.nodes = nodes;
    this.inString = inString;
    this.escaped = escaped;
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
          // The body will not be used: stop reading it, so that the parser never completes and
          // parses what was refused, and drop the connection once the answer is out.
          req.removeAllListeners('data');
          req.removeAllListeners('end');
          req.pause();
          res.once('finish', () => req.socket?.destroy());
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
