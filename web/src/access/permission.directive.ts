import type { Directive } from 'vue';
import { usePermissionStore, type MenuKey } from './permission.store';

export interface PermissionValue {
  menu?: MenuKey | MenuKey[];
  /** operate on this cluster (and tenant) */
  operate?: { clusterId: number; tenantId?: number };
  admin?: boolean;
}

function allowed(v: PermissionValue): boolean {
  const store = usePermissionStore();
  if (v.admin && !store.isAdmin) return false;
  if (v.menu && !store.hasMenu(...[v.menu].flat())) return false;
  if (v.operate && !store.canOperate(v.operate.clusterId, v.operate.tenantId)) return false;
  return true;
}

function apply(el: HTMLElement, v: PermissionValue): void {
  const ok = allowed(v);
  el.style.display = ok ? '' : 'none';
  el.toggleAttribute('data-permission-hidden', !ok);
}

/** `v-permission="{ operate: { clusterId, tenantId } }"`: hides the element when not allowed. */
export const vPermission: Directive<HTMLElement, PermissionValue> = {
  mounted(el, binding) {
    apply(el, binding.value);
  },
  updated(el, binding) {
    apply(el, binding.value);
  },
};

export function usePermission(): (v: PermissionValue) => boolean {
  return allowed;
}
