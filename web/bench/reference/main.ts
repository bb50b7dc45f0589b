// The console's frameworks and libraries alone: Vue with Element Plus's virtual table (the one the
// session page uses), vue-router, Pinia and vue-i18n with the console's messages, rendering the same
// list and columns; none of the console's own layout, pages or components.
import { createPinia } from 'pinia';
import { createApp, defineComponent, h, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { createRouter, createWebHistory, RouterView } from 'vue-router';
import { ElTableV2 } from 'element-plus';
import 'element-plus/es/components/table-v2/style/css';
import { i18n } from '../../src/app/i18n';
import '../../src/features/db-sessions/i18n';
import { COLUMNS, fetchRows, type Row } from './rows';

const SessionTable = defineComponent(() => {
  const { t } = useI18n();
  const rows = ref<Row[]>([]);
  void fetchRows().then((r) => (rows.value = r));
  const columns = COLUMNS.map((c) => ({
    key: c,
    dataKey: c,
    title: t(`dbSessions.columns.${c === 'timeSeconds' ? 'time' : c}`),
    width: c === 'sql' ? 400 : 120,
  }));
  return () =>
    h(ElTableV2, {
      columns,
      data: rows.value,
      width: 1400,
      height: 800,
      rowHeight: 40,
      rowProps: ({ rowData }: { rowData: Row }) => ({ 'data-test': `session-row-${rowData.id}` }),
    });
});

const router = createRouter({ history: createWebHistory(), routes: [{ path: '/:path(.*)*', component: SessionTable }] });

createApp(defineComponent(() => () => h(RouterView)))
  .use(createPinia())
  .use(i18n)
  .use(router)
  .mount('#app');
