import type { Feature } from '@/app/feature';
import { registerMessages } from '@/app/i18n';
import messages from './messages';

registerMessages('roles', messages);

const feature: Feature = {
  routes: [
    {
      path: '/admin/roles',
      name: 'roles',
      component: () => import('./RolesView.vue'),
      meta: { menus: ['admin.users'], title: 'menu.roles' },
    },
  ],
  menu: [{ key: 'roles', title: 'menu.roles', path: '/admin/roles', order: 20, menus: ['admin.users'], parent: 'admin' }],
};
export default feature;
