import type { Feature } from '@/app/feature';

/** The Administration group of the side menu; its pages are declared by the features that own them. */
const feature: Feature = {
  routes: [],
  menu: [{ key: 'admin', title: 'menu.admin', icon: 'Setting', order: 90 }],
};
export default feature;
