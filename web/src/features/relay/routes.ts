import type { Feature } from '@/app/feature';
import { registerMessages } from '@/app/i18n';
import messages from './messages';

registerMessages('relay', messages);

const feature: Feature = {
  routes: [
    {
      path: '/dashboard/sessions',
      name: 'relay-sessions',
      component: () => import('./RelaySessionsView.vue'),
      meta: { adminOnly: true, redirectIfDenied: '/dashboard', title: 'relay.title' },
    },
  ],
  menu: [{ key: 'relay-sessions', title: 'relay.title', path: '/dashboard/sessions', icon: 'Connection', order: 70, adminOnly: true }],
};
export default feature;
