import type { Feature } from '@/app/feature';
import './i18n';

const feature: Feature = {
  routes: [
    {
      path: '/admin/clusters',
      name: 'admin-clusters',
      component: () => import('./ClustersView.vue'),
      meta: { title: 'menu.clusters', menus: ['admin.tenants'] },
    },
  ],
  menu: [{ key: 'clusters', title: 'menu.clusters', path: '/admin/clusters', parent: 'admin', order: 40, menus: ['admin.tenants'] }],
};
export default feature;
