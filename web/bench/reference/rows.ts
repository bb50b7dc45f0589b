import type { SessionRowDto } from '../../src/api/schema';

/** The fields of a session row the reference pages show. */
export type Row = Pick<SessionRowDto, 'id' | 'sql' | 'user' | 'source' | 'db' | 'command' | 'timeSeconds' | 'state'>;

export const COLUMNS: (keyof Row)[] = ['id', 'sql', 'user', 'source', 'db', 'command', 'timeSeconds', 'state'];

/** The first page of the list of the tenant the page's `?tenant=` names, as the console's session page asks for it. */
export async function fetchRows(): Promise<Row[]> {
  const tenant = new URLSearchParams(location.search).get('tenant');
  const res = await fetch(`/api/tenants/${tenant}/sessions?pageSize=500&sort=activity:desc`, { credentials: 'same-origin' });
  return ((await res.json()) as { items: Row[] }).items;
}
