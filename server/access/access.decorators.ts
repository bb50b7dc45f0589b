import type { AuditAction } from '../audit/audit-actions';
import { SetMetadata } from '@nestjs/common';
import type { GrantLevel } from './grant.entity';
import type { MenuKey } from './menus';

export type ResourceKind = 'tenant' | 'cluster';

export interface ResourceRequirement {
  kind: ResourceKind;
  /** route parameter holding the resource id */
  param: string;
  level: GrantLevel;
}

/** What a route requires. Every route declares one; the global guard refuses routes that do not. */
export type AccessRequirement =
  | { kind: 'public' }
  | { kind: 'authenticated'; allowPasswordChange?: boolean }
  | {
      kind: 'menu';
      /** any one of these menus opens the route */
      menus: MenuKey[];
      resource?: ResourceRequirement;
      /** audit action recorded when the guard denies the request */
      auditAs?: AuditAction;
      /** exists only in the enterprise edition (the Autonomous service); community answers 404 */
      enterprise?: boolean;
    };

export const ACCESS_KEY = 'sessionops:access';

export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, { kind: 'public' });

/** Any signed-in user (e.g. their own profile). */
export const Authenticated = (opts: { allowPasswordChange?: boolean } = {}): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'authenticated', ...opts });

/** One of the menus, optionally plus a resource grant on the route's cluster or tenant. */
export const Menu = (
  menus: MenuKey | MenuKey[],
  opts: { resource?: ResourceRequirement; auditAs?: AuditAction; enterprise?: boolean } = {},
): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, { kind: 'menu', menus: [menus].flat(), ...opts });
