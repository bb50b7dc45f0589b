import type { Capabilities } from '../../tenants/dialect';
import type { DialectAdapter, KillScope, SessionRow } from './dialect-adapter';
import { fingerprint } from './fingerprint';
import { idString, joinHostPort, killStatement, nonEmpty, num, splitHostPort, tenths, text } from './row-values';

/**
 * OceanBase 4.x, MySQL mode: `oceanbase.GV$OB_PROCESSLIST` lists the sessions of every OBServer of
 * the tenant (of every tenant when read from the sys tenant, with TENANT naming it).
 *
 * What the columns hold (OceanBase documentation and `ob_show_processlist.cpp`):
 * - STATE is OceanBase's session state, `ACTIVE` while a request runs, `SLEEP` when idle (also
 *   `INIT`, `QUERY_KILLED`, `SESSION_KILLED`); only `ACTIVE` counts as active.
 * - HOST is the peer address: the OBProxy (ODP) when the client came through one, with
 *   PROXY_SESSID set; USER_CLIENT_IP is the real client IP when known.
 * - DB reads the string `NULL` when the session has no default database.
 * - SQL_ID, TRACE_ID and INFO are filled only while a statement runs (empty or NULL otherwise).
 * - TRANS_STATE is empty outside a transaction, else the transaction's state (`ACTIVE`,
 *   `IMPLICIT_ACTIVE`, `ROLLBACK_SAVEPOINT`, `COMMITTED`...).
 * - TIME and TOTAL_TIME are integer seconds before 4.3 and decimal seconds since.
 * - LEVEL / SAMPLE_PERCENTAGE / RECORD_POLICY (4.2.1+) describe the session's full-link trace:
 *   -1 / -1 / NULL when none applies; SAMPLE_PERCENTAGE is a percentage (0.5 sampling → 50).
 * - The view lists user sessions only (no server threads), so no row is a system thread.
 */
const COLUMNS = `p.ID AS id, p.USER AS user, p.TENANT AS tenant, p.HOST AS host, p.DB AS db, p.COMMAND AS command,
  p.TIME AS time, p.TOTAL_TIME AS total_time, p.STATE AS state, p.INFO AS info,
  p.SVR_IP AS svr_ip, p.SQL_PORT AS sql_port, p.PROXY_SESSID AS proxy_sessid, p.USER_CLIENT_IP AS user_client_ip,
  p.SQL_ID AS sql_id, p.TRACE_ID AS trace_id, p.TRANS_STATE AS trans_state, p.RETRY_CNT AS retry_cnt`;
const TRACE_COLUMNS =
  ',\n  p.`LEVEL` AS trace_level, p.SAMPLE_PERCENTAGE AS trace_sample_percentage, p.RECORD_POLICY AS trace_record_policy';
const FROM = '\nFROM oceanbase.GV$OB_PROCESSLIST p';

/** Transaction states that mean "no transaction open". */
const NO_TRANSACTION = new Set(['', 'IDLE', 'INVALID']);

export class OceanBaseAdapter implements DialectAdapter {
  readonly dialect = 'oceanbase' as const;

  listSql(caps: Capabilities): string {
    return `SELECT ${COLUMNS}${caps.fullLinkTrace ? TRACE_COLUMNS : ''}${FROM}`;
  }

  /** GV$OB_PROCESSLIST carries TRANS_STATE: nothing to read apart */
  transactionsSql(_caps: Capabilities): null {
    return null;
  }

  mapListRow(raw: Record<string, unknown>, tenantId: number): SessionRow {
    return this.mapRow(raw, tenantId);
  }

  oneSql(caps: Capabilities): string {
    return `${this.listSql(caps)}\nWHERE p.ID = ?`;
  }

  mapRow(raw: Record<string, unknown>, tenantId: number): SessionRow {
    const host = text(raw.host) ?? '';
    const rawState = (text(raw.state) ?? '').toUpperCase();
    const active = rawState === 'ACTIVE';
    const sql = text(raw.info);
    const db = nonEmpty(raw.db);
    const transState = (text(raw.trans_state) ?? '').toUpperCase();
    const svrIp = nonEmpty(raw.svr_ip);
    const sqlPort = nonEmpty(raw.sql_port);
    const time = num(raw.time);
    const totalTime = num(raw.total_time);
    const traceLevel = num(raw.trace_level);
    const samplePercentage = num(raw.trace_sample_percentage);
    return {
      id: idString(raw.id),
      tenantId,
      sql,
      sqlTruncated: false,
      sqlId: sql === null ? null : (nonEmpty(raw.sql_id) ?? fingerprint(sql)),
      user: text(raw.user) ?? '',
      source: sourceOf(host, nonEmpty(raw.user_client_ip)),
      db: db === null || db === 'NULL' ? null : db,
      command: text(raw.command) ?? '',
      timeSeconds: time === null ? 0 : tenths(time),
      state: rawState === '' ? 'SLEEP' : rawState,
      active,
      server: svrIp === null ? null : sqlPort === null ? svrIp : joinHostPort(svrIp, sqlPort),
      proxy: raw.proxy_sessid === null || raw.proxy_sessid === undefined ? null : idString(raw.proxy_sessid),
      transactionState: NO_TRANSACTION.has(transState) ? null : active ? transState : 'IDLE_IN_TRANSACTION',
      system: false,
      extras: {
        tenant: nonEmpty(raw.tenant),
        traceId: nonEmpty(raw.trace_id),
        retryCount: num(raw.retry_cnt),
        totalTime: totalTime === null ? null : tenths(totalTime),
        transState: transState === '' ? null : transState,
        traceLevel: traceLevel !== null && traceLevel > 0 ? traceLevel : null,
        traceSamplePercentage:
          samplePercentage !== null && samplePercentage >= 0 && traceLevel !== null && traceLevel > 0 ? samplePercentage : null,
        traceRecordPolicy: nonEmpty(raw.trace_record_policy),
      },
    };
  }

  /** `KILL CONNECTION|QUERY id`; through an old OBProxy the caller retries on the session's OBServer. */
  killSql(id: string, scope: KillScope): string {
    return killStatement(id, scope);
  }
}

/**
 * The client as far as OceanBase knows it: USER_CLIENT_IP when known (with HOST's port when HOST is
 * that same client, i.e. no proxy in between), otherwise HOST (the OBProxy, or the client itself).
 */
function sourceOf(host: string, clientIp: string | null): string {
  if (clientIp === null) return host;
  const peer = splitHostPort(host);
  if (peer.host === clientIp) return host;
  return clientIp;
}
