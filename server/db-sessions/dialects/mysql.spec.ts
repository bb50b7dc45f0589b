import { capabilitiesOf, detectDialect } from '../../tenants/dialect';
import { fingerprint } from './fingerprint';
import { MySqlAdapter } from './mysql';

const adapter = new MySqlAdapter();
const mysql8 = capabilitiesOf(detectDialect('8.0.36', null), true);
const mysql8NoPs = capabilitiesOf(detectDialect('8.0.36', null), false);
const mysql57 = capabilitiesOf(detectDialect('5.7.44-log', null), true);

const DIGEST = '3ef8a0c4f5a2b18e7d9c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6d5c4b3a2';

/** A performance_schema.processlist row (MySQL 8.0.22+) as mysql2 returns it. */
function psRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '8',
    user: 'app',
    host: '172.17.0.1:40522',
    db: 'shop',
    command: 'Query',
    time: 12,
    thread_state: 'executing',
    info: 'SELECT * FROM orders WHERE customer_id = 17',
    thread_id: '48',
    digest: DIGEST,
    trx_state: null,
    trx_started: null,
    ...overrides,
  };
}

describe('MySqlAdapter', () => {
  it('lists from performance_schema.processlist with the digest on 8.0.22+, transactions apart', () => {
    expect(mysql8.processlistSource).toBe('performance_schema.processlist');
    const sql = adapter.listSql(mysql8);
    expect(sql).toMatch(/FROM performance_schema\.processlist p/);
    expect(sql).toMatch(/LEFT JOIN performance_schema\.threads th ON th\.PROCESSLIST_ID = p\.ID/);
    expect(sql).toMatch(/performance_schema\.events_statements_current s\s+WHERE s\.THREAD_ID = th\.THREAD_ID AND s\.END_EVENT_ID IS NULL/);
    expect(sql).not.toMatch(/INNODB_TRX/);
    expect(sql).not.toMatch(/information_schema\.PROCESSLIST/);
    expect(adapter.transactionsSql(mysql8)).toMatch(
      /^SELECT trx_mysql_thread_id AS id, trx_state, trx_started, TIMESTAMPDIFF\(SECOND, trx_started, NOW\(\)\) AS trx_age FROM information_schema\.INNODB_TRX$/,
    );
    const one = adapter.oneSql(mysql8);
    expect(one).toMatch(/LEFT JOIN information_schema\.INNODB_TRX t ON t\.trx_mysql_thread_id = p\.ID\nWHERE p\.ID = \?$/);
    expect(one).toMatch(/FROM performance_schema\.processlist p/);
  });

  it('lists with SHOW FULL PROCESSLIST on 5.7 or without performance_schema; one session from information_schema', () => {
    for (const caps of [mysql57, mysql8NoPs]) {
      expect(caps.processlistSource).toBe('information_schema.PROCESSLIST');
      expect(adapter.listSql(caps)).toBe('SHOW FULL PROCESSLIST');
      expect(adapter.transactionsSql(caps)).toMatch(/INNODB_TRX/);
      const one = adapter.oneSql(caps);
      expect(one).toMatch(/FROM information_schema\.PROCESSLIST p\nLEFT JOIN information_schema\.INNODB_TRX t/);
      expect(one).not.toMatch(/performance_schema/);
      expect(one).toMatch(/WHERE p\.ID = \?$/);
    }
  });

  it('maps SHOW FULL PROCESSLIST rows and a performance_schema list row with their transaction joined in process', () => {
    const show = { Id: '9', User: 'app', Host: '10.1.1.1:5000', db: 'shop', Command: 'Sleep', Time: 40, State: '', Info: null };
    const trx = { state: 'RUNNING', started: '2026-01-02 03:04:05' };
    expect(adapter.mapListRow(show, 5, trx)).toMatchObject({
      id: '9',
      user: 'app',
      source: '10.1.1.1:5000',
      db: 'shop',
      command: 'Sleep',
      timeSeconds: 40,
      active: false,
      sql: null,
      transactionState: 'IDLE_IN_TRANSACTION',
      extras: { trxStarted: '2026-01-02 03:04:05' },
    });
    expect(adapter.mapListRow(show, 5, undefined).transactionState).toBeNull();
    const { trx_state: _s, trx_started: _t, ...listRow } = psRow();
    expect(adapter.mapListRow(listRow, 5, trx)).toEqual(
      adapter.mapRow(psRow({ trx_state: 'RUNNING', trx_started: '2026-01-02 03:04:05' }), 5),
    );
  });

  it('maps a MySQL 8 row with the statement digest as SQL ID', () => {
    expect(adapter.mapRow(psRow(), 5)).toEqual({
      id: '8',
      tenantId: 5,
      sql: 'SELECT * FROM orders WHERE customer_id = 17',
      sqlTruncated: false,
      sqlId: DIGEST,
      user: 'app',
      source: '172.17.0.1:40522',
      db: 'shop',
      command: 'Query',
      timeSeconds: 12,
      state: 'ACTIVE',
      active: true,
      server: null,
      proxy: null,
      transactionState: null,
      system: false,
      extras: { threadState: 'executing', trxStarted: null, trxAgeSeconds: null, digest: DIGEST, threadId: '48' },
    });
  });

  it('falls back to the fingerprint when no digest is there', () => {
    const sql = 'SELECT * FROM orders WHERE customer_id = 17';
    const r = adapter.mapRow(psRow({ digest: null }), 1);
    expect(r.sqlId).toBe(fingerprint(sql));
    expect(r.extras).not.toHaveProperty('digest');
    const legacy = adapter.mapRow(
      { id: 3, user: 'app', host: 'localhost', db: null, command: 'Query', time: 0, thread_state: 'init', info: sql },
      1,
    );
    expect(legacy).toMatchObject({ sqlId: fingerprint(sql), source: 'localhost', db: null });
    expect(legacy.extras).not.toHaveProperty('threadId');
  });

  it('maps idle and idle-in-transaction sessions', () => {
    expect(adapter.mapRow(psRow({ command: 'Sleep', info: null, digest: null, thread_state: null }), 1)).toMatchObject({
      active: false,
      state: 'SLEEP',
      sql: null,
      sqlId: null,
      transactionState: null,
    });
    expect(
      adapter.mapRow(psRow({ command: 'Sleep', info: null, digest: null, trx_state: 'RUNNING', trx_started: '2026-01-05 09:59:00' }), 1),
    ).toMatchObject({ active: false, transactionState: 'IDLE_IN_TRANSACTION' });
    expect(adapter.mapRow(psRow({ trx_state: 'LOCK WAIT', thread_state: 'updating' }), 1)).toMatchObject({
      active: true,
      transactionState: 'LOCK WAIT',
    });
  });

  it.each([
    ['event_scheduler', 'localhost', 'Daemon', 'Waiting on empty queue'],
    ['system user', '', 'Connect', 'Waiting for source to send event'],
    ['system user', '', 'Query', 'Replica has read all relay log; waiting for more updates'],
    ['repl', '10.1.1.2:51000', 'Binlog Dump GTID', 'Source has sent all binlog to replica; waiting for more updates'],
    ['repl', '10.1.1.2:51001', 'Binlog Dump', 'Source has sent all binlog to replica; waiting for more updates'],
  ])('marks %s / %s / %s as a system thread', (user, host, command, threadState) => {
    const r = adapter.mapRow(psRow({ user, host, command, thread_state: threadState, info: null, digest: null, db: null }), 1);
    expect(r).toMatchObject({ system: true, active: false, state: 'SLEEP' });
  });

  it('builds KILL CONNECTION / KILL QUERY and refuses non-numeric ids', () => {
    expect(adapter.killSql('8', 'session')).toBe('KILL CONNECTION 8');
    expect(adapter.killSql('8', 'query')).toBe('KILL QUERY 8');
    expect(() => adapter.killSql('8 ', 'query')).toThrow(/Invalid session id/);
    expect(() => adapter.killSql('abc', 'session')).toThrow(/Invalid session id/);
  });
});
