import type { Feature } from '@/app/feature';
import './i18n';

const menus = ['tenant.sessions' as const];

/** Entry 2: Tenant → Overview → Session management. */
const feature: Feature = {
  routes: [
    {
      path: '/tenants',
      name: 'tenants',
      component: () => import('./TenantListView.vue'),
      meta: { title: 'menu.tenants', menus },
    },
    {
      path: '/tenants/:id(\\d+)',
      component: () => import('./TenantLayout.vue'),
      meta: { title: 'menu.tenants', menus },
      children: [
        { path: '', name: 'tenant-overview', component: () => import('./TenantOverview.vue'), meta: { title: 'tenants.overview', menus } },
        {
          path: 'sessions',
          name: 'tenant-sessions',
          component: () => import('./TenantSessionsView.vue'),
          meta: { title: 'tenants.sessions', menus },
        },
      ],
    },
  ],
  menu: [{ key: 'tenants', title: 'menu.tenants', path: '/tenants', icon: 'Coin', order: 20, menus }],
};
export default feature;
