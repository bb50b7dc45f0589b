import type { SessionRow } from './dialects';
import { filterRows, sortRows } from './db-sessions.service';

function row(id: string, active: boolean, timeSeconds: number, trxAgeSeconds: number | null = null): SessionRow {
  return {
    id,
    tenantId: 1,
    sql: active ? 'SELECT 1' : null,
    sqlTruncated: false,
    sqlId: null,
    user: 'u',
    source: 'h:1',
    db: null,
    command: active ? 'Query' : 'Sleep',
    timeSeconds,
    state: active ? 'ACTIVE' : 'SLEEP',
    active,
    server: null,
    proxy: null,
    transactionState: trxAgeSeconds === null ? null : 'IDLE_IN_TRANSACTION',
    system: false,
    extras: { trxAgeSeconds },
  };
}

describe('session list order and transaction filter', () => {
  const rows = [row('1', false, 2000), row('2', true, 5), row('3', true, 50), row('4', false, 10, 600)];

  it('activity:desc lists running statements first, longest first, then idle sessions by time', () => {
    expect(sortRows(rows, 'activity:desc').map((r) => r.id)).toEqual(['3', '2', '1', '4']);
  });

  it('transaction:desc puts the oldest open transaction first', () => {
    expect(sortRows(rows, 'transaction:desc')[0]?.id).toBe('4');
  });

  it('minTransactionSeconds keeps only transactions open at least that long', () => {
    const q = { page: 1, pageSize: 50 };
    expect(filterRows(rows, { ...q, minTransactionSeconds: 300 }).map((r) => r.id)).toEqual(['4']);
    expect(filterRows(rows, { ...q, minTransactionSeconds: 601 })).toEqual([]);
  });
});
