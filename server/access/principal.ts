import type { Request } from 'express';
import type { Grant } from './grant.entity';
import type { MenuKey } from './menus';

/** Who is calling, loaded fresh from the metadata database on every request. */
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
}

export function clientIp(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}
