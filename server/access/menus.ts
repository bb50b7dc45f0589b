/** Menu permissions: what a role may open. */
export const MENUS = ['diagnosis.sessions', 'tenant.sessions', 'relay.sessions', 'audit.read', 'admin.users', 'admin.tenants'] as const;

export type MenuKey = (typeof MENUS)[number];

/** Menus that exist only in the enterprise edition (the Autonomous service). */
export const ENTERPRISE_MENUS: readonly MenuKey[] = ['diagnosis.sessions'];
