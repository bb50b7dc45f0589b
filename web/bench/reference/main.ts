// The console's frameworks alone: Vue and Element Plus's virtual table (the one the session page
// uses), with the same list and columns, and nothing else (no router, store, i18n or layout).
import { createApp, defineComponent, h, ref } from 'vue';
import { ElTableV2 } from 'element-plus';
import 'element-plus/es/components/table-v2/style/css';
import { COLUMNS, fetchRows, type Row } from './rows';

const App = defineComponent(() => {
  const rows = ref<Row[]>([]);
  void fetchRows().then((r) => (rows.value = r));
  const columns = COLUMNS.map((c) => ({ key: c, dataKey: c, title: c, width: c === 'sql' ? 400 : 120 }));
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

createApp(App).mount('#app');
