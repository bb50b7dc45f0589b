import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import * as Icons from '@element-plus/icons-vue';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { vPermission } from '@/access/permission.directive';
import { handleUnauthenticated } from '@/api/http';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './style.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);
app.use(ElementPlus);
for (const [name, component] of Object.entries(Icons)) app.component(name, component);
app.directive('permission', vPermission);

handleUnauthenticated(() => {
  const current = router.currentRoute.value;
  if (!current.meta.public) void router.push({ name: 'login', query: { redirect: current.fullPath } });
});

app.mount('#app');
