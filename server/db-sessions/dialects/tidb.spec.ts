import { capabilitiesOf, detectDialect } from '../../tenants/dialect';
import { fingerprint } from './fingerprint';
import { TiDbAdapter, tsoAgeSeconds } from './tidb';

const adapter = new TiDbAdapter();
const caps = capabilitiesOf(detectDialect('8.0.11-TiDB-v7.5.1', null), false);

const DIGEST = 'b1e38e59fbbc3e2b35546db5c8053040db989a497ac6cd71ff8dd4394395701a';

/** A row shaped like TiDB's documented CLUSTER_PROCESSLIST output. */
function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instance: '127.0.0.1:10080',
    id: '1268776964',
    user: 'root',
    host: '127.0.0.1:59922',
    db: null,
    command: 'Query',
    time: 0,
    session_state: 'autocommit',
    info: 'SELECT * FROM information_schema.cluster_processlist',
    digest: DIGEST,
    mem: '0',
    disk: '0',
    txn_start: '07-29 12:39:24.282(451471727468740609)',
    ...overrides,
  };
}

describe('TiDbAdapter', () => {
  it('reads information_schema.CLUSTER_PROCESSLIST', () => {
    expect(caps.processlistSource).toBe('information_schema.CLUSTER_PROCESSLIST');
    const sql = adapter.listSql(caps);
    expect(sql).toMatch(/FROM information_schema\.CLUSTER_PROCESSLIST p$/);
    for (const col of ['INSTANCE', 'ID', 'USER', 'HOST', 'DB', 'COMMAND', 'TIME', 'STATE', 'INFO', 'DIGEST', 'MEM', 'DISK', 'TxnStart']) {
      expect(sql).toContain(`p.${col} AS`);
    }
    expect(adapter.oneSql(caps)).toBe(`${sql}\nWHERE p.ID = ?`);
  });

  it('maps a running statement with its instance, digest, memory and transaction start', () => {
    expect(adapter.mapRow(row(), 4)).toEqual({
      id: '1268776964',
      tenantId: 4,
      sql: 'SELECT * FROM information_schema.cluster_processlist',
      sqlTruncated: false,
      sqlId: DIGEST,
      user: 'root',
      source: '127.0.0.1:59922',
      db: null,
      command: 'Query',
      timeSeconds: 0,
      state: 'ACTIVE',
      active: true,
      server: '127.0.0.1:10080',
      proxy: null,
      transactionState: 'ACTIVE',
      system: false,
      extras: {
        instance: '127.0.0.1:10080',
        mem: 0,
        disk: 0,
        txnStart: '07-29 12:39:24.282(451471727468740609)',
        trxAgeSeconds: expect.any(Number),
        sessionState: 'autocommit',
      },
    });
  });

  it('keeps 64-bit session ids exact', () => {
    expect(adapter.mapRow(row({ id: '2300033189772525975' }), 1).id).toBe('2300033189772525975');
    expect(adapter.mapRow(row({ id: 2300033189772525975n }), 1).id).toBe('2300033189772525975');
  });

  it('flags a sleeping session with a TxnStart as idle in transaction', () => {
    const r = adapter.mapRow(
      row({
        command: 'Sleep',
        time: 95,
        session_state: 'in transaction',
        info: null,
        digest: '',
        mem: null,
        disk: null,
        txn_start: '07-29 12:37:50.101(451471702827532289)',
      }),
      1,
    );
    expect(r).toMatchObject({
      active: false,
      state: 'SLEEP',
      sql: null,
      sqlId: null,
      transactionState: 'IDLE_IN_TRANSACTION',
      timeSeconds: 95,
    });
    expect(r.extras).toMatchObject({ mem: null, disk: null, sessionState: 'in transaction' });
  });

  it('an idle session without transaction has none', () => {
    expect(adapter.mapRow(row({ command: 'Sleep', info: null, digest: '', txn_start: '' }), 1)).toMatchObject({
      active: false,
      transactionState: null,
      extras: expect.objectContaining({ txnStart: null }),
    });
  });

  it('decodes a binary INFO and fingerprints it when there is no digest', () => {
    const sql = 'SELECT * FROM t WHERE id = 3';
    expect(adapter.mapRow(row({ info: Buffer.from(sql), digest: null }), 1)).toMatchObject({ sql, sqlId: fingerprint(sql) });
  });

  it('uses KILL TIDB so that the right TiDB server ends the session', () => {
    expect(adapter.killSql('2300033189772525975', 'session')).toBe('KILL TIDB CONNECTION 2300033189772525975');
    expect(adapter.killSql('2300033189772525975', 'query')).toBe('KILL TIDB QUERY 2300033189772525975');
    expect(() => adapter.killSql('1e9', 'query')).toThrow(/Invalid session id/);
  });
});

describe('tsoAgeSeconds', () => {
  it('reads the physical milliseconds of the TSO in TxnStart', () => {
    const startMs = Date.UTC(2026, 0, 5, 10, 0, 0);
    const tso = (BigInt(startMs) << 18n) + 7n;
    expect(tsoAgeSeconds(`01-05 10:00:00.000(${tso})`, startMs + 90_500)).toBe(90);
  });
  it('answers null without a TSO or with one from the future', () => {
    expect(tsoAgeSeconds(null)).toBeNull();
    expect(tsoAgeSeconds('01-05 10:00:00.000')).toBeNull();
    expect(tsoAgeSeconds(`x(${BigInt(Date.now() + 60_000) << 18n})`)).toBeNull();
  });
});
