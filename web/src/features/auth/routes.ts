import type { Feature } from '@/app/feature';

const feature: Feature = {
  routes: [{ path: '/login', name: 'login', component: () => import('./LoginView.vue'), meta: { public: true } }],
};
export default feature;
