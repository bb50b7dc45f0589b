import type { Feature } from '@/app/feature';
import { registerMessages } from '@/app/i18n';
import messages from './messages';

registerMessages('relay', messages);

/** The relay sessions pages open with the relay.sessions menu (administrators); others go to the overview. */
const sessionsMeta = { menus: ['relay.sessions' as const], redirectIfDenied: '/dashboard' };

const feature: Feature = {
  routes: [
    {
      path: '/dashboard/sessions',
      name: 'relay-sessions',
      component: () => import('./RelaySessionsView.vue'),
      meta: { ...sessionsMeta, title: 'relay.title' },
    },
    {
      path: '/dashboard/sessions/:id/messages',
      name: 'relay-session-detail',
      component: () => import('./RelaySessionDetailView.vue'),
      meta: { ...sessionsMeta, title: 'relay.title' },
    },
    {
      path: '/relay/keys',
      name: 'relay-keys',
      component: () => import('./RelayKeysView.vue'),
      meta: { title: 'relay.keys.title' },
    },
    {
      path: '/relay/providers',
      name: 'relay-providers',
      component: () => import('./RelayProvidersView.vue'),
      meta: { menus: ['relay.sessions'], redirectIfDenied: '/dashboard', title: 'relay.providers.title' },
    },
  ],
  menu: [
    { key: 'relay-sessions', title: 'relay.title', path: '/dashboard/sessions', icon: 'Connection', order: 70, menus: ['relay.sessions'] },
    { key: 'relay-keys', title: 'relay.keys.title', path: '/relay/keys', icon: 'Key', order: 71 },
    {
      key: 'relay-providers',
      title: 'relay.providers.title',
      path: '/relay/providers',
      icon: 'Share',
      order: 72,
      menus: ['relay.sessions'],
    },
  ],
};
export default feature;
