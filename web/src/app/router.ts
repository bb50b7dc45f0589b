import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import { usePermissionStore } from '@/access/permission.store';
import type { Feature, MenuEntry } from './feature';
import MainLayout from './layout/MainLayout.vue';

const modules = import.meta.glob<{ default: Feature }>('../features/*/routes.ts', { eager: true });
export const features: Feature[] = Object.values(modules).map((m) => m.default);

/** The side menu: top-level entries, with entries naming a `parent` gathered under that group. */
function buildMenu(entries: MenuEntry[]): MenuEntry[] {
  const byOrder = (a: MenuEntry, b: MenuEntry) => a.order - b.order;
  const top = entries.filter((e) => !e.parent).map((e) => ({ ...e, children: e.children ? [...e.children] : undefined }));
  for (const child of entries.filter((e) => e.parent)) {
    const group = top.find((e) => e.key === child.parent);
    if (group) (group.children ??= []).push(child);
  }
  for (const e of top) e.children?.sort(byOrder);
  return top.sort(byOrder);
}

export const menuEntries: MenuEntry[] = buildMenu(features.flatMap((f) => f.menu ?? []));

const layoutRoutes = features.flatMap((f) => f.routes.filter((r) => !r.meta?.public));
const publicRoutes = features.flatMap((f) => f.routes.filter((r) => r.meta?.public));

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...publicRoutes,
    { path: '/', component: MainLayout, redirect: '/dashboard', children: layoutRoutes },
    { path: '/:pathMatch(.*)*', redirect: (to) => ({ name: 'not-found', query: { from: to.fullPath } }) },
  ],
});

/** Whether the signed-in user may open a route (the same rule hides menu entries). */
export function mayOpen(meta: RouteLocationNormalized['meta'] | MenuEntry): boolean {
  const store = usePermissionStore();
  if (meta.enterprise && store.me?.edition === 'community') return false;
  if (meta.adminOnly && !store.isAdmin) return false;
  if (meta.menus && meta.menus.length > 0 && !store.hasMenu(...meta.menus)) return false;
  return true;
}

router.beforeEach(async (to) => {
  const store = usePermissionStore();
  if (!store.loaded) await store.load();
  if (to.meta.public) return true;
  if (!store.me) return { name: 'login', query: { redirect: to.fullPath } };
  if (store.me.user.mustChangePassword) return to.name === 'login' ? true : { name: 'login', query: { change: '1' } };
  if (to.meta.enterprise && store.me.edition === 'community') return { name: 'not-found' };
  if (!mayOpen(to.meta)) {
    if (to.meta.redirectIfDenied) return to.meta.redirectIfDenied;
    return { name: 'forbidden', query: { from: to.fullPath } };
  }
  return true;
});
