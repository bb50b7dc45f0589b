import type { AuditAction } from '../audit/audit-actions';
import { isIP } from 'node:net';
import type { Request } from 'express';
import type { Grant } from './grant.entity';
import type { MenuKey } from './menus';

/** Who is calling: loaded from the metadata database, cached per console session until a change to users, roles or grants. */
export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  mustChangePassword: boolean;
  roles: { id: number; name: string }[];
  menus: MenuKey[];
  /** Administrator: operate everywhere */
  allAccess: boolean;
  /** Auditor: never operate, whatever the grants say */
  readOnly: boolean;
  grants: Pick<Grant, 'scope' | 'resourceId' | 'level'>[];
  sessionHash: string;
  csrfToken: string;
}

export interface PrincipalRequest extends Request {
  principal?: Principal;
  /** the route's audit action, for refusals recorded by the error filter */
  auditAs?: AuditAction;
}

/**
 * The caller's address: the socket peer, or X-Forwarded-For only when the peer is a proxy named in
 * TRUST_PROXY (Express applies that rule to `req.ip`). Always a valid IP address, else "".
 */
export function clientIp(req: Request): string {
  const ip = (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(ip) !== 0 ? ip : '';
}
