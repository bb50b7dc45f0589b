import type { Feature } from '@/app/feature';
import { registerMessages } from '@/app/i18n';
import messages from './messages';

registerMessages('grants', messages);

const feature: Feature = {
  routes: [
    {
      path: '/admin/grants',
      name: 'grants',
      component: () => import('./GrantsView.vue'),
      meta: { menus: ['admin.users'], title: 'menu.grants' },
    },
  ],
  menu: [{ key: 'grants', title: 'menu.grants', path: '/admin/grants', order: 30, menus: ['admin.users'], parent: 'admin' }],
};
export default feature;
