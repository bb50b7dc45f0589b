import { capabilitiesOf, detectDialect } from '../../tenants/dialect';
import { fingerprint } from './fingerprint';
import { MariaDbAdapter } from './mariadb';

const adapter = new MariaDbAdapter();
const caps = capabilitiesOf(detectDialect('10.11.6-MariaDB-0+deb12u1', null), true);

/** A row of listSql as mysql2 returns it with supportBigNumbers + bigNumberStrings + dateStrings. */
function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '42',
    user: 'app',
    host: '10.0.0.5:51234',
    db: 'shop',
    command: 'Query',
    time: 3,
    time_ms: '3456.789',
    thread_state: 'Sending data',
    info: 'SELECT * FROM orders WHERE id = 5',
    stage: 0,
    max_stage: 0,
    progress: '0.000',
    memory_used: '81920',
    query_id: '1234',
    tid: '5678',
    trx_state: null,
    trx_started: null,
    ...overrides,
  };
}

describe('MariaDbAdapter', () => {
  it('lists with SHOW FULL PROCESSLIST and INNODB_TRX apart; one session from information_schema with MariaDB columns', () => {
    expect(adapter.listSql(caps)).toBe('SHOW FULL PROCESSLIST');
    expect(adapter.transactionsSql(caps)).toBe(
      'SELECT trx_mysql_thread_id AS id, trx_state, trx_started, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS trx_age FROM information_schema.INNODB_TRX',
    );
    const one = adapter.oneSql(caps);
    expect(one).toMatch(/FROM information_schema\.PROCESSLIST p/);
    expect(one).toMatch(/LEFT JOIN information_schema\.INNODB_TRX t ON t\.trx_mysql_thread_id = p\.ID/);
    for (const col of ['TIME_MS', 'STAGE', 'MAX_STAGE', 'PROGRESS', 'MEMORY_USED', 'QUERY_ID', 'TID', 'trx_state', 'trx_started']) {
      expect(one).toContain(`.${col} AS`);
    }
    expect(one).toMatch(/WHERE p\.ID = \?$/);
    expect(one.split('?')).toHaveLength(2);
  });

  it('maps a SHOW FULL PROCESSLIST row with its transaction like the detail row, minus the detail-only columns', () => {
    const show = {
      Id: '42',
      User: 'app',
      Host: '10.0.0.5:51234',
      db: 'shop',
      Command: 'Query',
      Time: 3,
      State: 'Sending data',
      Info: 'SELECT * FROM orders WHERE id = 5',
      Progress: '0.000',
    };
    const listed = adapter.mapListRow(show, 3, { state: 'RUNNING', started: '2026-01-02 03:04:05' });
    const detail = adapter.mapRow(row({ trx_state: 'RUNNING', trx_started: '2026-01-02 03:04:05' }), 3);
    expect(listed).toEqual({
      ...detail,
      timeSeconds: 3,
      extras: { ...detail.extras, stage: null, maxStage: null, memoryUsed: null, queryId: null, timeMs: null, tid: null },
    });
    expect(listed.transactionState).toBe('RUNNING');
    const idle = adapter.mapListRow({ ...show, Command: 'Sleep', Info: null, Time: 7 }, 3, { state: 'RUNNING', started: null });
    expect(idle).toMatchObject({ active: false, sql: null, sqlId: null, transactionState: 'IDLE_IN_TRANSACTION', timeSeconds: 7 });
  });

  it('maps a running statement', () => {
    const r = adapter.mapRow(row(), 3);
    expect(r).toEqual({
      id: '42',
      tenantId: 3,
      sql: 'SELECT * FROM orders WHERE id = 5',
      sqlTruncated: false,
      sqlId: fingerprint('SELECT * FROM orders WHERE id = 5'),
      user: 'app',
      source: '10.0.0.5:51234',
      db: 'shop',
      command: 'Query',
      timeSeconds: 3.4,
      state: 'ACTIVE',
      active: true,
      server: null,
      proxy: null,
      transactionState: null,
      system: false,
      extras: {
        threadState: 'Sending data',
        stage: 0,
        maxStage: 0,
        progress: 0,
        memoryUsed: 81920,
        queryId: '1234',
        timeMs: 3456.789,
        tid: 5678,
        trxStarted: null,
        trxAgeSeconds: null,
      },
    });
  });

  it('shows the progress of a long ALTER TABLE', () => {
    const r = adapter.mapRow(
      row({ info: 'ALTER TABLE big ADD COLUMN c INT', stage: 1, max_stage: 2, progress: '45.123', thread_state: 'copy to tmp table' }),
      1,
    );
    expect(r.extras).toMatchObject({ stage: 1, maxStage: 2, progress: 45.123, threadState: 'copy to tmp table' });
  });

  it('falls back to TIME when TIME_MS is absent', () => {
    expect(adapter.mapRow(row({ time_ms: null, time: 17 }), 1).timeSeconds).toBe(17);
  });

  it('flags a sleeping session with an open InnoDB transaction as idle in transaction', () => {
    const r = adapter.mapRow(
      row({
        command: 'Sleep',
        info: null,
        thread_state: '',
        trx_state: 'RUNNING',
        trx_started: '2026-01-05 10:00:00',
        time: 120,
        time_ms: '120004.5',
      }),
      1,
    );
    expect(r).toMatchObject({
      active: false,
      state: 'SLEEP',
      sql: null,
      sqlId: null,
      transactionState: 'IDLE_IN_TRANSACTION',
      timeSeconds: 120,
      extras: expect.objectContaining({ trxStarted: '2026-01-05 10:00:00', threadState: null }),
    });
  });

  it("shows InnoDB's transaction state for an active session", () => {
    const r = adapter.mapRow(row({ info: 'UPDATE t SET a = 1 WHERE id = 2', thread_state: 'Updating', trx_state: 'LOCK WAIT' }), 1);
    expect(r).toMatchObject({ active: true, state: 'ACTIVE', transactionState: 'LOCK WAIT' });
  });

  it('idle without transaction', () => {
    expect(adapter.mapRow(row({ command: 'Sleep', info: null, db: null }), 1)).toMatchObject({
      active: false,
      state: 'SLEEP',
      transactionState: null,
      db: null,
      sqlId: null,
    });
  });

  it.each([
    ['system user', '', 'Daemon', null],
    ['system user', '', 'Slave_SQL', 'Slave has read all relay log; waiting for more updates'],
    ['system user', '', 'Slave_IO', 'Waiting for master to send event'],
    ['system user', '', 'Slave_worker', 'Waiting for work from SQL thread'],
    ['system user', '', 'Connect', 'InnoDB purge coordinator'],
    ['event_scheduler', 'localhost', 'Daemon', 'Waiting on empty queue'],
    ['repl', '10.0.0.9:40000', 'Binlog Dump', 'Master has sent all binlog to slave; waiting for more updates'],
    ['repl', '10.0.0.9:40001', 'Binlog Dump GTID', 'Master has sent all binlog to slave; waiting for more updates'],
  ])('marks %s / %s / %s as a system thread, never active', (user, host, command, threadState) => {
    const r = adapter.mapRow(row({ user, host, command, thread_state: threadState, info: null, db: null }), 1);
    expect(r).toMatchObject({ system: true, active: false, state: 'SLEEP', source: host });
  });

  it('does not mistake an unauthenticated client for a system thread', () => {
    const r = adapter.mapRow(row({ user: 'unauthenticated user', command: 'Connect', info: null, db: null }), 1);
    expect(r).toMatchObject({ system: false, active: true });
  });

  it('decodes INFO delivered as a Buffer (lossy UTF-8) and keeps the full text', () => {
    const long = `SELECT '${'x'.repeat(5000)}'`;
    expect(adapter.mapRow(row({ info: Buffer.from(long) }), 1)).toMatchObject({ sql: long, sqlTruncated: false });
    const binary = Buffer.concat([Buffer.from("INSERT INTO b VALUES ('"), Buffer.from([0xff, 0xfe]), Buffer.from("')")]);
    expect(adapter.mapRow(row({ info: binary }), 1).sql).toBe("INSERT INTO b VALUES ('\ufffd\ufffd')");
  });

  it('turns numeric and bigint ids into decimal strings', () => {
    expect(adapter.mapRow(row({ id: 7 }), 1).id).toBe('7');
    expect(adapter.mapRow(row({ id: 18446744073709551615n }), 1).id).toBe('18446744073709551615');
    expect(adapter.mapRow(row({ id: '9007199254740993' }), 1).id).toBe('9007199254740993');
  });

  it('builds KILL statements for validated ids only', () => {
    expect(adapter.killSql('42', 'session')).toBe('KILL CONNECTION 42');
    expect(adapter.killSql('42', 'query')).toBe('KILL QUERY 42');
    expect(adapter.killSql('18446744073709551615', 'query')).toBe('KILL QUERY 18446744073709551615');
    for (const bad of ['', '-1', '1.5', '42 OR 1=1', '42; DROP TABLE t', '0x2A', ' 42', '123456789012345678901', '18446744073709551616']) {
      expect(() => adapter.killSql(bad, 'session')).toThrow(/Invalid session id/);
    }
  });
});
