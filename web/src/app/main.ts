// Element Plus's variables and reset; each component a template uses brings its own stylesheet
// (vite.config.ts). The two called from scripts, all over the console, are styled here once.
import 'element-plus/es/components/base/style/css';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { START_LOCATION } from 'vue-router';
import { vPermission } from '@/access/permission.directive';
import { usePermissionStore } from '@/access/permission.store';
import { vKeyboardMenu } from './keyboard-menu';
import { vPaginationLabel } from './pagination-label';
import { handleUnauthenticated } from '@/api/http';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './style.css';
import * as icons from './icons';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
// the sign-in check (already asked for by boot.ts), ahead of the route's chunks: every page waits for it
void usePermissionStore(pinia).load();
app.use(i18n);
// the page's language is the console's from the start (index.html says zh-CN): screen readers read by it
document.documentElement.lang = i18n.global.locale.value;
app.use(router);
// the icons templates and menu entries name as strings; everything else is imported where it is used
for (const [name, component] of Object.entries(icons)) app.component(name, component);
app.directive('permission', vPermission);
app.directive('keyboard-menu', vKeyboardMenu);
app.directive('pagination-label', vPaginationLabel);

handleUnauthenticated(() => {
  const current = router.currentRoute.value;
  // Before the first navigation has finished there is no page to return to: its guard sends the
  // visitor to sign in, with the page asked for (a redirect from here would name the start, "/").
  if (current === START_LOCATION || current.meta.public) return;
  void router.push({ name: 'login', query: { redirect: current.fullPath } });
});

// the route's own chunks load alongside the sign-in check rather than after it
for (const record of router.resolve(location.pathname + location.search).matched) {
  const load = record.components?.default;
  if (typeof load === 'function' && !('setup' in load) && !('render' in load))
    void (load as () => Promise<unknown>)().catch(() => undefined);
}

app.mount('#app');
