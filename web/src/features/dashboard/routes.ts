import type { Feature } from '@/app/feature';

const feature: Feature = {
  routes: [{ path: '/dashboard', name: 'dashboard', component: () => import('./DashboardView.vue'), meta: { title: 'menu.dashboard' } }],
  menu: [{ key: 'dashboard', title: 'menu.dashboard', path: '/dashboard', icon: 'Odometer', order: 0 }],
};
export default feature;
