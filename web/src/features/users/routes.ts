import type { Feature } from '@/app/feature';
import { registerMessages } from '@/app/i18n';
import messages from './messages';

registerMessages('users', messages);

const feature: Feature = {
  routes: [
    {
      path: '/admin/users',
      name: 'users',
      component: () => import('./UsersView.vue'),
      meta: { menus: ['admin.users'], title: 'menu.users' },
    },
  ],
  menu: [{ key: 'users', title: 'menu.users', path: '/admin/users', order: 10, menus: ['admin.users'], parent: 'admin' }],
};
export default feature;
