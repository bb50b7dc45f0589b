import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, setCsrfToken } from '@/api/http';
import type { MeDto } from '@/api/schema';

export type MenuKey = 'diagnosis.sessions' | 'tenant.sessions' | 'relay.sessions' | 'audit.read' | 'admin.users' | 'admin.tenants';

/** The one permission store: menus, route guards and v-permission all read it. */
export const usePermissionStore = defineStore('permission', () => {
  const me = ref<MeDto | null>(null);
  const loaded = ref(false);

  function set(value: MeDto | null): void {
    me.value = value;
    setCsrfToken(value?.csrfToken ?? '');
    loaded.value = true;
  }

  /** one request at a time: the check started at boot (main.ts) is the one the router's first guard waits for */
  let pending: Promise<MeDto | null> | null = null;
  function load(): Promise<MeDto | null> {
    pending ??= api
      .get<MeDto>('/api/auth/me')
      .then(set, () => set(null))
      .then(() => me.value)
      .finally(() => (pending = null));
    return pending;
  }

  const isAdmin = computed(() => me.value?.allAccess ?? false);

  function hasMenu(...menus: MenuKey[]): boolean {
    return menus.some((m) => me.value?.menus.includes(m) ?? false);
  }

  /** Level on a tenant (with its cluster) or a cluster, mirroring the server's rule. */
  function levelOn(clusterId: number, tenantId?: number): 'operate' | 'read_only' | null {
    const m = me.value;
    if (!m) return null;
    if (m.allAccess) return 'operate';
    let best: 'operate' | 'read_only' | null = null;
    for (const g of m.grants) {
      const covers =
        g.scope === 'all' ||
        (g.scope === 'cluster' && g.resourceId === clusterId) ||
        (g.scope === 'tenant' && tenantId !== undefined && g.resourceId === tenantId);
      if (covers && best !== 'operate') best = g.level;
    }
    if (best && m.readOnly) return 'read_only';
    return best;
  }

  function canOperate(clusterId: number, tenantId?: number): boolean {
    return levelOn(clusterId, tenantId) === 'operate';
  }

  return { me, loaded, set, load, isAdmin, hasMenu, levelOn, canOperate };
});
