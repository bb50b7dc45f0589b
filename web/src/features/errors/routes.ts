import type { Feature } from '@/app/feature';
import ErrorView from './ErrorView.vue';

const feature: Feature = {
  routes: [
    { path: '/403', name: 'forbidden', component: ErrorView, props: { kind: 'forbidden' } },
    { path: '/404', name: 'not-found', component: ErrorView, props: { kind: 'notFound' } },
  ],
};
export default feature;
