import { HttpStatus } from '@nestjs/common';

/** Machine-readable error codes. The console shows `message`; logic switches on `code`. */
export const ErrorCodes = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  ACCOUNT_DISABLED: HttpStatus.FORBIDDEN,
  PASSWORD_CHANGE_REQUIRED: HttpStatus.FORBIDDEN,
  CSRF_INVALID: HttpStatus.FORBIDDEN,
  PERMISSION_DENIED: HttpStatus.FORBIDDEN,
  ROUTE_NOT_DECLARED: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  USER_NOT_FOUND: HttpStatus.NOT_FOUND,
  ROLE_NOT_FOUND: HttpStatus.NOT_FOUND,
  GRANT_NOT_FOUND: HttpStatus.NOT_FOUND,
  CLUSTER_NOT_FOUND: HttpStatus.NOT_FOUND,
  TENANT_NOT_FOUND: HttpStatus.NOT_FOUND,
  SESSION_NOT_FOUND: HttpStatus.NOT_FOUND,
  RELAY_KEY_NOT_FOUND: HttpStatus.NOT_FOUND,
  RELAY_PROVIDER_NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  NAME_TAKEN: HttpStatus.CONFLICT,
  CLUSTER_NOT_EMPTY: HttpStatus.CONFLICT,
  LAST_ADMIN: HttpStatus.CONFLICT,
  BUILTIN_ROLE: HttpStatus.CONFLICT,
  SESSION_CHANGED: HttpStatus.CONFLICT,
  FEATURE_UNAVAILABLE: HttpStatus.UNPROCESSABLE_ENTITY,
  TOO_MANY_REQUESTS: HttpStatus.TOO_MANY_REQUESTS,
  LOGIN_THROTTLED: HttpStatus.TOO_MANY_REQUESTS,
  TENANT_UNREACHABLE: HttpStatus.BAD_GATEWAY,
  TENANT_AUTH_FAILED: HttpStatus.BAD_GATEWAY,
  TENANT_QUERY_FAILED: HttpStatus.BAD_GATEWAY,
  TENANT_NOT_MYSQL: HttpStatus.BAD_GATEWAY,
  TENANT_CIRCUIT_OPEN: HttpStatus.SERVICE_UNAVAILABLE,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  REDIS_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  CREDENTIAL_UNREADABLE: HttpStatus.INTERNAL_SERVER_ERROR,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** A domain error: services throw these, the error filter turns them into the JSON error shape. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ErrorCodes[code];
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { statusCode: this.status, code: this.code, message: this.message };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}
