/** Addresses of the local stack started by scripts/stack.sh (fixed 127.0.0.1 ports). */
export const STACK = {
  meta: { host: '127.0.0.1', port: 3316, user: 'sessionops', password: 'sessionops' },
  tenantA: { host: '127.0.0.1', port: 3317, user: 'sessionops', password: 'sessionops' },
  tenantB: { host: '127.0.0.1', port: 3318, user: 'sessionops', password: 'sessionops' },
  redisUrl: 'redis://127.0.0.1:6389/0',
};

/** The connection fields of a tenant registration (POST /api/tenants) for one of the stack's servers. */
export function tenantConnection(server: { host: string; port: number; user: string; password: string } = STACK.tenantA) {
  return { host: server.host, port: server.port, username: server.user, password: server.password };
}
