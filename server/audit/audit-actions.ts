/**
 * Every action the audit trail records. Writers take `AuditAction`, so a new action has to be
 * listed here, and the console checks that each one has a name in every language.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.password',
  'session.kill',
  'session.kill_query',
  'session.trace_enable',
  'session.trace_disable',
  'user.create',
  'user.update',
  'user.reset_password',
  'role.create',
  'role.update',
  'role.delete',
  'grant.create',
  'grant.update',
  'grant.delete',
  'cluster.create',
  'cluster.update',
  'cluster.delete',
  'tenant.create',
  'tenant.update',
  'tenant.delete',
  'tenant.test',
  'audit.export',
  'relay.session.terminate',
  'relay.key.create',
  'relay.key.update',
  'relay.key.enable',
  'relay.key.disable',
  'relay.key.delete',
  'relay.provider.create',
  'relay.provider.update',
  'relay.provider.delete',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A refused request that no action covers is recorded under its method and route, e.g. `POST /api/users`. */
export type RouteAction = `${string} /${string}`;
