import type { RouteRecordRaw } from 'vue-router';
import type { MenuKey } from '@/access/permission.store';
import type * as icons from './icons';

declare module 'vue-router' {
  interface RouteMeta {
    /** reachable without signing in */
    public?: boolean;
    /** any one of these menu permissions opens the route */
    menus?: MenuKey[];
    /** only administrators; others go to `redirectIfDenied` (or the 403 page) */
    adminOnly?: boolean;
    redirectIfDenied?: string;
    /** exists only in the enterprise edition */
    enterprise?: boolean;
    /** i18n key of the page title */
    title?: string;
  }
}

/** One entry of the side menu; children make a sub-menu. */
export interface MenuEntry {
  key: string;
  title: string;
  path?: string;
  /** one of the icons main.ts registers (icons.ts): a name it does not know would render nothing */
  icon?: keyof typeof icons;
  order: number;
  menus?: MenuKey[];
  adminOnly?: boolean;
  enterprise?: boolean;
  children?: MenuEntry[];
  /** key of a group entry (declared by any feature) this entry is listed under */
  parent?: string;
}

/** What each feature folder exports from its routes.ts: routes and menu entries together. */
export interface Feature {
  routes: RouteRecordRaw[];
  menu?: MenuEntry[];
}
