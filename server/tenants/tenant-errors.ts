import { AppError } from '../common/errors';
import { FULL_AUTH_REFUSED } from './tenant-auth';

interface DriverError {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
const NOT_MYSQL = /packets out of order|malformed|unexpected packet|handshake|protocol/i;

/** Whether a failure says the tenant itself is unavailable (these count for the circuit breaker). */
export function isConnectionFailure(err: unknown): boolean {
  const e = err as DriverError;
  return (e.code !== undefined && UNREACHABLE.has(e.code)) || e.code === 'PROTOCOL_CONNECTION_LOST' || e.code === 'ER_CON_COUNT_ERROR';
}

/** A driver error as a domain error, naming the tenant and keeping the database's own message. */
export function tenantError(err: unknown, where: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as DriverError;
  const msg = e.sqlMessage ?? e.message ?? String(err);
  if (msg.includes(FULL_AUTH_REFUSED)) {
    return new AppError('TENANT_AUTH_FAILED', `${where}: ${msg}`, { reason: 'full_authentication_refused' });
  }
  if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045 || e.errno === 1044) {
    return new AppError('TENANT_AUTH_FAILED', `${where}: ${msg}`, { errno: e.errno });
  }
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
    return new AppError('TENANT_QUERY_FAILED', `${where} did not answer in time`, { code: e.code });
  }
  if (isConnectionFailure(err) || /connect ETIMEDOUT|timeout/i.test(msg)) {
    return new AppError('TENANT_UNREACHABLE', `${where} is unreachable: ${msg}`, { code: e.code });
  }
  if (e.errno === undefined && e.code !== undefined && e.code.startsWith('PROTOCOL_') && NOT_MYSQL.test(msg)) {
    return new AppError('TENANT_NOT_MYSQL', `${where} does not speak the MySQL protocol: ${msg}`, { code: e.code });
  }
  if (e.errno === undefined && NOT_MYSQL.test(msg)) {
    return new AppError('TENANT_NOT_MYSQL', `${where} does not speak the MySQL protocol: ${msg}`);
  }
  return new AppError('TENANT_QUERY_FAILED', `${where}: ${msg}`, { errno: e.errno, sqlState: e.sqlState });
}
