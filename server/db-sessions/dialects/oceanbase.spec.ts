import { capabilitiesOf, detectDialect } from '../../tenants/dialect';
import { fingerprint } from './fingerprint';
import { OceanBaseAdapter } from './oceanbase';

const adapter = new OceanBaseAdapter();
const ob421 = capabilitiesOf(detectDialect('5.7.25-OceanBase-v4.2.1.0', '4.2.1.0'), false);
const ob420 = capabilitiesOf(detectDialect('5.7.25-OceanBase-v4.2.0.0', '4.2.0.0'), false);

/**
 * Rows shaped like OceanBase's documented GV$OB_PROCESSLIST output (OceanBase 4.3 sample: the
 * first an idle session inside a transaction, the second the query reading the view).
 */
function idleInTransaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '3221487622',
    user: 'root',
    tenant: 'mysql001',
    host: '100.88.12.34:49451',
    db: 'test',
    command: 'Sleep',
    time: '631.462197',
    total_time: '631.462197',
    state: 'SLEEP',
    info: null,
    svr_ip: '172.16.0.21',
    sql_port: 2881,
    proxy_sessid: null,
    user_client_ip: '100.88.12.34',
    sql_id: '',
    trace_id: null,
    trans_state: 'ACTIVE',
    retry_cnt: 0,
    trace_level: 1,
    trace_sample_percentage: 10,
    trace_record_policy: 'SAMPLE_AND_SLOW_QUERY',
    ...overrides,
  };
}

function running(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return idleInTransaction({
    id: '3221487623',
    host: '100.88.12.34:14422',
    db: 'NULL',
    command: 'Query',
    time: '0.005717',
    total_time: '0.005774',
    state: 'ACTIVE',
    info: 'SELECT * FROM oceanbase.GV$OB_PROCESSLIST',
    sql_id: '2E175335D36600B7A8EC72C5094888DD',
    trace_id: 'YB42AC10001E-0006195B0B1F0B8C-0-0',
    trans_state: '',
    trace_level: -1,
    trace_sample_percentage: -1,
    trace_record_policy: null,
    ...overrides,
  });
}

describe('OceanBaseAdapter', () => {
  it('reads GV$OB_PROCESSLIST, with the trace columns from 4.2.1 on', () => {
    expect(ob421.fullLinkTrace).toBe(true);
    expect(ob420.fullLinkTrace).toBe(false);
    const full = adapter.listSql(ob421);
    expect(full).toMatch(/FROM oceanbase\.GV\$OB_PROCESSLIST p$/);
    for (const col of [
      'ID',
      'USER',
      'TENANT',
      'HOST',
      'DB',
      'COMMAND',
      'TIME',
      'TOTAL_TIME',
      'STATE',
      'INFO',
      'SVR_IP',
      'SQL_PORT',
      'PROXY_SESSID',
      'USER_CLIENT_IP',
      'SQL_ID',
      'TRACE_ID',
      'TRANS_STATE',
      'RETRY_CNT',
      'SAMPLE_PERCENTAGE',
      'RECORD_POLICY',
    ]) {
      expect(full).toContain(`p.${col} AS`);
    }
    expect(full).toContain('p.`LEVEL` AS trace_level');
    const older = adapter.listSql(ob420);
    expect(older).not.toMatch(/LEVEL|SAMPLE_PERCENTAGE|RECORD_POLICY/);
    expect(adapter.oneSql(ob421)).toBe(`${full}\nWHERE p.ID = ?`);
  });

  it('maps an idle session inside a transaction', () => {
    expect(adapter.mapRow(idleInTransaction(), 9)).toEqual({
      id: '3221487622',
      tenantId: 9,
      sql: null,
      sqlTruncated: false,
      sqlId: null,
      user: 'root',
      source: '100.88.12.34:49451',
      db: 'test',
      command: 'Sleep',
      timeSeconds: 631.4,
      state: 'SLEEP',
      active: false,
      server: '172.16.0.21:2881',
      proxy: null,
      transactionState: 'IDLE_IN_TRANSACTION',
      system: false,
      extras: {
        tenant: 'mysql001',
        traceId: null,
        retryCount: 0,
        totalTime: 631.4,
        transState: 'ACTIVE',
        traceLevel: 1,
        traceSamplePercentage: 10,
        traceRecordPolicy: 'SAMPLE_AND_SLOW_QUERY',
      },
    });
  });

  it("maps a running statement with OceanBase's SQL ID; DB 'NULL' means no database", () => {
    const r = adapter.mapRow(running(), 9);
    expect(r).toMatchObject({
      sql: 'SELECT * FROM oceanbase.GV$OB_PROCESSLIST',
      sqlId: '2E175335D36600B7A8EC72C5094888DD',
      db: null,
      active: true,
      state: 'ACTIVE',
      timeSeconds: 0,
      transactionState: null,
      extras: expect.objectContaining({
        traceId: 'YB42AC10001E-0006195B0B1F0B8C-0-0',
        transState: null,
        traceLevel: null,
        traceSamplePercentage: null,
        traceRecordPolicy: null,
      }),
    });
  });

  it('shows the transaction state of an active session as OceanBase reports it', () => {
    expect(adapter.mapRow(running({ trans_state: 'IMPLICIT_ACTIVE' }), 1).transactionState).toBe('IMPLICIT_ACTIVE');
    expect(adapter.mapRow(running({ trans_state: 'ACTIVE' }), 1).transactionState).toBe('ACTIVE');
    expect(adapter.mapRow(idleInTransaction({ trans_state: '' }), 1).transactionState).toBeNull();
    expect(adapter.mapRow(idleInTransaction({ trans_state: 'IDLE' }), 1).transactionState).toBeNull();
  });

  it('names the real client behind an OBProxy, and the proxy session id', () => {
    const r = adapter.mapRow(running({ host: '10.0.0.3:36542', user_client_ip: '192.168.1.50', proxy_sessid: '12345678901234567' }), 1);
    expect(r).toMatchObject({ source: '192.168.1.50', proxy: '12345678901234567', server: '172.16.0.21:2881' });
    expect(adapter.mapRow(running({ proxy_sessid: 77 }), 1).proxy).toBe('77');
  });

  it('falls back to HOST when the client IP is unknown', () => {
    expect(adapter.mapRow(running({ host: '10.0.0.3:36542', user_client_ip: null }), 1).source).toBe('10.0.0.3:36542');
    expect(adapter.mapRow(running({ host: '10.0.0.3:36542', user_client_ip: '' }), 1).source).toBe('10.0.0.3:36542');
  });

  it('brackets IPv6 OBServer addresses and matches IPv6 clients', () => {
    const r = adapter.mapRow(
      running({ svr_ip: '2001:db8::21', sql_port: '2881', host: '[2001:db8::50]:40000', user_client_ip: '2001:db8::50' }),
      1,
    );
    expect(r).toMatchObject({ server: '[2001:db8::21]:2881', source: '[2001:db8::50]:40000' });
  });

  it('uses the fingerprint when SQL_ID is empty, integer TIME before 4.3', () => {
    const sql = 'SELECT * FROM t WHERE id = 1';
    expect(adapter.mapRow(running({ info: sql, sql_id: '', time: 5, total_time: 7 }), 1)).toMatchObject({
      sqlId: fingerprint(sql),
      timeSeconds: 5,
      extras: expect.objectContaining({ totalTime: 7 }),
    });
  });

  it('reads rows without the trace columns (before 4.2.1)', () => {
    const raw = running();
    delete raw.trace_level;
    delete raw.trace_sample_percentage;
    delete raw.trace_record_policy;
    expect(adapter.mapRow(raw, 1).extras).toMatchObject({ traceLevel: null, traceSamplePercentage: null, traceRecordPolicy: null });
  });

  it('treats every state but ACTIVE as not active', () => {
    for (const state of ['SLEEP', 'INIT', 'QUERY_KILLED', 'SESSION_KILLED', 'INACTIVE']) {
      expect(adapter.mapRow(running({ state }), 1)).toMatchObject({ active: false, state });
    }
  });

  it('builds KILL statements and refuses non-numeric ids', () => {
    expect(adapter.killSql('3221487622', 'session')).toBe('KILL CONNECTION 3221487622');
    expect(adapter.killSql('3221487622', 'query')).toBe('KILL QUERY 3221487622');
    expect(() => adapter.killSql('3221487622,1', 'session')).toThrow(/Invalid session id/);
  });
});
