// The floor of a page load: the same list, rendered with plain DOM calls, no framework.
import { COLUMNS, fetchRows } from './rows';

const table = document.getElementById('t')!;
for (const r of await fetchRows()) {
  const tr = table.appendChild(document.createElement('tr'));
  tr.dataset.test = `session-row-${r.id}`;
  for (const c of COLUMNS) tr.appendChild(document.createElement('td')).textContent = String(r[c] ?? '-');
}
