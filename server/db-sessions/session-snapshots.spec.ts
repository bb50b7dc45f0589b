import { adapterFor } from './dialects';
import { mapSnapshotRows, preview, SQL_PREVIEW_CHARS } from './session-snapshots';

describe('preview', () => {
  it('keeps a statement of up to SQL_PREVIEW_CHARS characters whole', () => {
    const sql = 'x'.repeat(SQL_PREVIEW_CHARS);
    expect(preview(sql)).toEqual({ sql, sqlTruncated: false });
    expect(preview(null)).toEqual({ sql: null, sqlTruncated: false });
  });

  it('cuts a longer statement to SQL_PREVIEW_CHARS characters and says so', () => {
    const cut = preview('y'.repeat(SQL_PREVIEW_CHARS + 1));
    expect(cut).toEqual({ sql: 'y'.repeat(SQL_PREVIEW_CHARS), sqlTruncated: true });
  });

  it('counts characters, not UTF-16 units, and never splits a surrogate pair', () => {
    // each emoji is two UTF-16 units: SQL_PREVIEW_CHARS of them fit the preview whole
    const whole = '😀'.repeat(SQL_PREVIEW_CHARS);
    expect(preview(whole)).toEqual({ sql: whole, sqlTruncated: false });
    const cut = preview(`${whole}😀`);
    expect(cut.sqlTruncated).toBe(true);
    expect(Array.from(cut.sql!)).toHaveLength(SQL_PREVIEW_CHARS);
    expect(cut.sql).toBe(whole);
  });
});

describe('mapSnapshotRows (MariaDB SHOW FULL PROCESSLIST rows)', () => {
  const show = (id: string, command: string, info: string | null): Record<string, unknown> => ({
    Id: id,
    User: 'app',
    Host: '10.0.0.5:5123',
    db: 'shop',
    Command: command,
    Time: '7',
    State: '',
    Info: info,
    Progress: '0.000',
  });

  it('joins each session to its open transaction and cuts SQL to the preview', () => {
    const long = `SELECT '${'z'.repeat(SQL_PREVIEW_CHARS)}'`;
    const rows = mapSnapshotRows(
      adapterFor('mariadb'),
      { id: 3, host: 'db.local', port: 3306 },
      [show('10', 'Sleep', null), show('11', 'Query', long)],
      [{ id: '10', trx_state: 'RUNNING', trx_started: '2026-12-03 08:00:00', trx_age: '95' }],
    );
    expect(rows.map((r) => [r.id, r.state, r.transactionState, r.extras.trxAgeSeconds])).toEqual([
      ['10', 'SLEEP', 'IDLE_IN_TRANSACTION', 95],
      ['11', 'ACTIVE', null, null],
    ]);
    expect(rows[1]!.sql).toHaveLength(SQL_PREVIEW_CHARS);
    expect(rows[1]!.sqlTruncated).toBe(true);
    // the SQL ID is the fingerprint of the whole statement, not of its preview
    expect(rows[1]!.sqlId).toBe(adapterFor('mariadb').mapRow({ id: '11', info: long, command: 'Query', user: 'app' }, 3).sqlId);
    expect(rows.every((r) => r.server === 'db.local:3306' && r.tenantId === 3)).toBe(true);
  });
});
