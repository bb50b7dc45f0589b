import type { MenuKey } from '@/access/permission.store';
import { api } from '@/api/http';
import type { CreateRoleDto, MenuListDto, RoleDto, RolePageDto, UpdateRoleDto } from '@/api/schema';

export type { CreateRoleDto, RoleDto };

export const rolesApi = {
  list: () => api.get<RolePageDto>('/api/roles', { pageSize: 500 }),
  menus: () => api.get<MenuListDto>('/api/roles/menus'),
  create: (body: CreateRoleDto) => api.post<RoleDto>('/api/roles', body),
  update: (id: number, body: UpdateRoleDto) => api.patch<RoleDto>(`/api/roles/${id}`, body),
  remove: (id: number) => api.del<void>(`/api/roles/${id}`),
};

/** i18n key of each menu permission's label. */
export const MENU_LABELS: Record<MenuKey, string> = {
  'diagnosis.sessions': 'roles.menu.diagnosisSessions',
  'tenant.sessions': 'roles.menu.tenantSessions',
  'relay.sessions': 'roles.menu.relaySessions',
  'audit.read': 'roles.menu.auditRead',
  'admin.users': 'roles.menu.adminUsers',
  'admin.tenants': 'roles.menu.adminTenants',
};

/** i18n keys describing the built-in roles, by their fixed names. */
const BUILTIN_DESCRIPTIONS: Record<string, string> = {
  Administrator: 'roles.builtinDescription.administrator',
  DBA: 'roles.builtinDescription.dba',
  Auditor: 'roles.builtinDescription.auditor',
  'Relay user': 'roles.builtinDescription.relayUser',
};

/** The i18n key describing a built-in role, when there is one. */
export function builtinDescriptionKey(role: RoleDto): string | undefined {
  return role.builtin ? BUILTIN_DESCRIPTIONS[role.name] : undefined;
}
