import type { Feature } from '@/app/feature';
import { registerMessages } from '@/app/i18n';
import messages from './messages';

registerMessages('audit', messages);

const feature: Feature = {
  routes: [
    {
      path: '/audit',
      name: 'audit',
      component: () => import('./AuditView.vue'),
      meta: { menus: ['audit.read'], title: 'menu.audit' },
    },
  ],
  menu: [{ key: 'audit', title: 'menu.audit', path: '/audit', icon: 'Document', order: 80, menus: ['audit.read'] }],
};
export default feature;
