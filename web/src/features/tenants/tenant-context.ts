import { inject, type InjectionKey, type Ref } from 'vue';
import type { TenantDto } from '@/features/db-sessions/api';

/** The tenant the tenant pages show, loaded once by TenantLayout. */
export const TENANT_KEY: InjectionKey<Readonly<Ref<TenantDto | null>>> = Symbol('tenant');

export function useTenant(): Readonly<Ref<TenantDto | null>> {
  const tenant = inject(TENANT_KEY);
  if (!tenant) throw new Error('useTenant() outside TenantLayout');
  return tenant;
}
