import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tenant } from '../tenants/tenant.entity';

export interface RequestContext {
  requestId: string;
  /** set once an audit row was written for this request */
  audited?: boolean;
  /** the tenant the access check read for this request (read once per request, not per layer) */
  tenant?: Tenant;
  /** the registry's version counter, read with the console session (RegistryVersion) */
  registryVersion?: string;
}

/** Notes that the current request has its audit row. */
export function markAudited(): void {
  const store = requestContext.getStore();
  if (store) store.audited = true;
}

/** Keeps the tenant row read for this request, for the handler to reuse. */
export function rememberTenant(t: Tenant): void {
  const store = requestContext.getStore();
  if (store) store.tenant = t;
}

/** The tenant row this request already read, when it has that id. */
export function tenantOfRequest(id: number): Tenant | undefined {
  const t = requestContext.getStore()?.tenant;
  return t?.id === id ? t : undefined;
}

/** Keeps the registry version read with this request's console session. */
export function rememberRegistryVersion(version: string): void {
  const store = requestContext.getStore();
  if (store) store.registryVersion = version;
}

/** The registry version this request read with its console session, if it read one. */
export function registryVersionOfRequest(): string | undefined {
  return requestContext.getStore()?.registryVersion;
}

export function wasAudited(): boolean {
  return requestContext.getStore()?.audited === true;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

const INCOMING_ID = /^[\w.:-]{1,128}$/;

const accessLog = new Logger('http');

/**
 * Gives every request an id (kept from `X-Request-Id` when it is sane), echoed in the response,
 * and writes one access-log line when the response is finished.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  withRequestId(req, res, next);
}

/** requestIdMiddleware on Node's own request and response, for handlers mounted ahead of Express. */
export function withRequestId(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void {
  const header = req.headers['x-request-id'];
  const incoming = Array.isArray(header) ? header[0] : header;
  const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const started = performance.now();
  requestContext.run({ requestId }, () => {
    res.on('finish', () => {
      accessLog.log({
        msg: 'request',
        method: req.method,
        path: (req.originalUrl ?? req.url ?? '').split('?')[0],
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });
    next();
  });
}
