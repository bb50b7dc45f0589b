import type { Capabilities } from '../../tenants/dialect';
import type { DialectAdapter, KillScope, SessionRow, TransactionRow } from './dialect-adapter';
import { fromShowProcesslist, TRANSACTIONS_SQL } from './show-processlist';
import { fingerprint } from './fingerprint';
import {
  idString,
  innodbTransactionState,
  isActiveCommand,
  isSystemThread,
  killStatement,
  mysqlState,
  nonEmpty,
  num,
  text,
} from './row-values';

/**
 * MySQL 8.0.22+ with performance_schema: `performance_schema.processlist` (no global mutex, unlike
 * the deprecated `information_schema.PROCESSLIST`), the statement digest of the running statement
 * from `events_statements_current` reached through `threads` (PROCESSLIST_ID → THREAD_ID), and the
 * InnoDB transaction from `information_schema.INNODB_TRX`. The digest comes from a scalar subquery
 * so that nested statements (stored programs) never multiply a session: the innermost running
 * statement wins, which is the one INFO shows.
 *
 * MySQL 5.7 or no performance_schema: `information_schema.PROCESSLIST` + INNODB_TRX for one session,
 * `SHOW FULL PROCESSLIST` for the list, and the SQL ID is the documented fingerprint.
 *
 * The list reads INNODB_TRX apart and joins it in process: a join inside the server costs more
 * than both statements apart.
 */
const PERFORMANCE_SCHEMA_LIST = `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command,
  p.TIME AS time, p.STATE AS thread_state, p.INFO AS info, th.THREAD_ID AS thread_id,
  (SELECT s.DIGEST FROM performance_schema.events_statements_current s
    WHERE s.THREAD_ID = th.THREAD_ID AND s.END_EVENT_ID IS NULL
    ORDER BY s.NESTING_EVENT_LEVEL DESC LIMIT 1) AS digest
FROM performance_schema.processlist p
LEFT JOIN performance_schema.threads th ON th.PROCESSLIST_ID = p.ID`;

const PERFORMANCE_SCHEMA = `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command,
  p.TIME AS time, p.STATE AS thread_state, p.INFO AS info, th.THREAD_ID AS thread_id,
  (SELECT s.DIGEST FROM performance_schema.events_statements_current s
    WHERE s.THREAD_ID = th.THREAD_ID AND s.END_EVENT_ID IS NULL
    ORDER BY s.NESTING_EVENT_LEVEL DESC LIMIT 1) AS digest,
  t.trx_state AS trx_state, t.trx_started AS trx_started, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS trx_age
FROM performance_schema.processlist p
LEFT JOIN performance_schema.threads th ON th.PROCESSLIST_ID = p.ID
LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID`;

const INFORMATION_SCHEMA = `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command,
  p.TIME AS time, p.STATE AS thread_state, p.INFO AS info,
  t.trx_state AS trx_state, t.trx_started AS trx_started, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS trx_age
FROM information_schema.PROCESSLIST p
LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID`;

export class MySqlAdapter implements DialectAdapter {
  readonly dialect = 'mysql' as const;
  readonly fullInfoSql = 'SHOW FULL PROCESSLIST';

  listSql(caps: Capabilities): string {
    return caps.processlistSource === 'performance_schema.processlist' ? PERFORMANCE_SCHEMA_LIST : 'SHOW FULL PROCESSLIST';
  }

  transactionsSql(_caps: Capabilities): string {
    return TRANSACTIONS_SQL;
  }

  mapListRow(raw: Record<string, unknown>, tenantId: number, trx: TransactionRow | undefined): SessionRow {
    if ('Id' in raw) return this.mapRow(fromShowProcesslist(raw, trx), tenantId);
    return this.mapRow(
      { ...raw, trx_state: trx?.state ?? null, trx_started: trx?.started ?? null, trx_age: trx?.ageSeconds ?? null },
      tenantId,
    );
  }

  oneSql(caps: Capabilities): string {
    const sql = caps.processlistSource === 'performance_schema.processlist' ? PERFORMANCE_SCHEMA : INFORMATION_SCHEMA;
    return `${sql}\nWHERE p.ID = ?`;
  }

  mapRow(raw: Record<string, unknown>, tenantId: number): SessionRow {
    const user = text(raw.user) ?? '';
    const command = text(raw.command) ?? '';
    const system = isSystemThread(user, command);
    const active = isActiveCommand(command, system);
    const sql = text(raw.info);
    const digest = nonEmpty(raw.digest);
    const extras: SessionRow['extras'] = {
      threadState: nonEmpty(raw.thread_state),
      trxStarted: nonEmpty(raw.trx_started),
      trxAgeSeconds: num(raw.trx_age),
    };
    if (digest !== null) extras.digest = digest;
    if (raw.thread_id !== undefined && raw.thread_id !== null) extras.threadId = idString(raw.thread_id);
    return {
      id: idString(raw.id),
      tenantId,
      sql,
      sqlTruncated: false,
      sqlId: sql === null ? null : (digest ?? fingerprint(sql)),
      user,
      source: text(raw.host) ?? '',
      db: nonEmpty(raw.db),
      command,
      timeSeconds: num(raw.time) ?? 0,
      state: mysqlState(command, active),
      active,
      server: null,
      proxy: null,
      transactionState: innodbTransactionState(nonEmpty(raw.trx_state), active, command),
      system,
      extras,
    };
  }

  /** `KILL CONNECTION|QUERY id`; Amazon RDS needs `CALL mysql.rds_kill(id)` instead (see DESIGN §5). */
  killSql(id: string, scope: KillScope): string {
    return killStatement(id, scope);
  }
}
