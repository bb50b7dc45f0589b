import type { Feature } from '@/app/feature';
import './i18n';

const menus = ['diagnosis.sessions' as const];

/** Entry 1: Autonomous service → cluster → Real-time diagnosis → Session management (enterprise edition). */
const feature: Feature = {
  routes: [
    { path: '/autonomous', redirect: '/autonomous/clusters' },
    {
      path: '/autonomous/clusters',
      name: 'autonomous-clusters',
      component: () => import('./ClusterListView.vue'),
      meta: { title: 'menu.autonomous', menus, enterprise: true },
    },
    {
      path: '/autonomous/clusters/:id(\\d+)/diagnosis',
      name: 'autonomous-diagnosis',
      component: () => import('./DiagnosisView.vue'),
      meta: { title: 'autonomous.diagnosis', menus, enterprise: true },
    },
  ],
  menu: [
    { key: 'autonomous', title: 'menu.autonomous', path: '/autonomous/clusters', icon: 'Monitor', order: 10, menus, enterprise: true },
  ],
};
export default feature;
