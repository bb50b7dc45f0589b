/** A row of the tenant's list, as the console's session page asks for it. */
export interface Row {
  id: string;
  user: string;
  source: string;
  db: string | null;
  command: string;
  timeSeconds: number;
  state: string;
  sql: string | null;
}

export const COLUMNS: (keyof Row)[] = ['id', 'sql', 'user', 'source', 'db', 'command', 'timeSeconds', 'state'];

/** The first page of the list of the tenant the page's `?tenant=` names. */
export async function fetchRows(): Promise<Row[]> {
  const tenant = new URLSearchParams(location.search).get('tenant');
  const res = await fetch(`/api/tenants/${tenant}/sessions?pageSize=500&sort=activity:desc`, { credentials: 'same-origin' });
  return ((await res.json()) as { items: Row[] }).items;
}
