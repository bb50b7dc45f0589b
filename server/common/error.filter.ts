import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import { clientIp } from '../access/principal';
import type { PrincipalRequest } from '../access/principal';
import type { RouteAction } from '../audit/audit-actions';
import type { AuditResult } from '../audit/audit.entity';
import { AuditService } from '../audit/audit.service';
import { wasAudited } from './request-context';
import type { Response } from 'express';
import { AppError, ErrorCode, ErrorCodes } from './errors';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
};

const DB_DOWN = new Set(['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);

/** Turns anything thrown into `{ statusCode, code, message, details? }`; never leaks a stack trace. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message =
      typeof res === 'object' && res !== null && 'message' in res ? [(res as { message: unknown }).message].flat().join('; ') : err.message;
    const code = BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    const e = new AppError(code, message);
    (e as { status: number }).status = status;
    return e;
  }
  const anyErr = err as { type?: string; status?: number; code?: string; message?: string };
  // body-parser errors
  if (anyErr?.type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'The request body is not valid JSON');
  if (anyErr?.type === 'entity.too.complex') return new AppError('BAD_REQUEST', anyErr.message ?? 'The request body is too complex');
  if (anyErr?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
  if (anyErr?.code && DB_DOWN.has(anyErr.code)) {
    return new AppError('DATABASE_UNAVAILABLE', 'The metadata database is unavailable');
  }
  return new AppError('INTERNAL', 'Internal error; see the server log with this request id');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How a refused or failed request is recorded. */
function resultOf(err: AppError): AuditResult {
  if (err.status === 404) return 'not_found';
  if (err.status === 401 || err.status === 403) return 'denied';
  return 'failed';
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(@Optional() private readonly audit?: AuditService) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const res = host.switchToHttp().getResponse<Response>();
    const err = toAppError(exception);
    if (err.code === 'INTERNAL' || err.status >= 500) {
      this.logger.error(exception instanceof Error ? exception : String(exception));
    }
    await this.auditRefusal(host, err);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(err.status ?? ErrorCodes.INTERNAL).json(err.toBody());
  }

  /**
   * Every mutating request of a signed-in caller leaves one audit row whatever its outcome: a
   * refusal or failure that the route did not record itself (CSRF, validation, a missing
   * resource...) is recorded here, under the route's audit action (set by the access guard), else under METHOD /route.
   */
  private async auditRefusal(host: ArgumentsHost, err: AppError): Promise<void> {
    if (!this.audit || host.getType() !== 'http') return;
    const req = host.switchToHttp().getRequest<PrincipalRequest>();
    if (!req || SAFE_METHODS.has(req.method) || !req.principal || wasAudited()) return;
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    const action = req.auditAs ?? (`${req.method} ${route}`.slice(0, 64) as RouteAction);
    try {
      await this.audit.record({
        actor: req.principal,
        ip: clientIp(req),
        action,
        result: resultOf(err),
        errorCode: err.code,
        message: err.message,
      });
    } catch {
      // AuditService has logged it; the caller still gets the original error.
    }
  }
}
