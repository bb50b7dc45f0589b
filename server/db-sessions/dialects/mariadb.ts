import type { Capabilities } from '../../tenants/dialect';
import type { DialectAdapter, KillScope, SessionRow, TransactionRow } from './dialect-adapter';
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
  tenths,
  text,
} from './row-values';
import { fromShowProcesslist, TRANSACTIONS_SQL } from './show-processlist';

/**
 * MariaDB 10.x/11.x. The list reads `SHOW FULL PROCESSLIST` (Id, User, Host, db, Command, Time,
 * State, Info, Progress: every column the list shows, at less than half the cost of
 * `information_schema.PROCESSLIST`) and the open transactions from `information_schema.INNODB_TRX`
 * apart. One session (the detail) reads `information_schema.PROCESSLIST` with MariaDB's own columns
 * (TIME_MS, STAGE, MAX_STAGE, PROGRESS, MEMORY_USED, QUERY_ID, TID) joined to its transaction.
 * MariaDB has no statement digest of its own, so the SQL ID is the documented fingerprint.
 */
const SELECT = `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command,
  p.TIME AS time, p.TIME_MS AS time_ms, p.STATE AS thread_state, p.INFO AS info,
  p.STAGE AS stage, p.MAX_STAGE AS max_stage, p.PROGRESS AS progress, p.MEMORY_USED AS memory_used,
  p.QUERY_ID AS query_id, p.TID AS tid, t.trx_state AS trx_state, t.trx_started AS trx_started, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS trx_age
FROM information_schema.PROCESSLIST p
LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID`;

export class MariaDbAdapter implements DialectAdapter {
  readonly dialect = 'mariadb' as const;
  readonly fullInfoSql = 'SHOW FULL PROCESSLIST';

  listSql(_caps: Capabilities): string {
    return 'SHOW FULL PROCESSLIST';
  }

  transactionsSql(_caps: Capabilities): string {
    return TRANSACTIONS_SQL;
  }

  mapListRow(raw: Record<string, unknown>, tenantId: number, trx: TransactionRow | undefined): SessionRow {
    return this.mapRow(fromShowProcesslist(raw, trx), tenantId);
  }

  oneSql(_caps: Capabilities): string {
    return `${SELECT}\nWHERE p.ID = ?`;
  }

  mapRow(raw: Record<string, unknown>, tenantId: number): SessionRow {
    const user = text(raw.user) ?? '';
    const host = text(raw.host) ?? '';
    const command = text(raw.command) ?? '';
    const system = isSystemThread(user, command);
    const active = isActiveCommand(command, system);
    const sql = text(raw.info);
    const timeMs = num(raw.time_ms);
    return {
      id: idString(raw.id),
      tenantId,
      sql,
      sqlTruncated: false,
      sqlId: sql === null ? null : fingerprint(sql),
      user,
      source: host,
      db: nonEmpty(raw.db),
      command,
      timeSeconds: timeMs === null ? (num(raw.time) ?? 0) : tenths(timeMs / 1000),
      state: mysqlState(command, active),
      active,
      server: null,
      proxy: null,
      transactionState: innodbTransactionState(nonEmpty(raw.trx_state), active, command),
      system,
      extras: {
        threadState: nonEmpty(raw.thread_state),
        stage: num(raw.stage),
        maxStage: num(raw.max_stage),
        progress: num(raw.progress),
        memoryUsed: num(raw.memory_used),
        queryId: nonEmpty(raw.query_id),
        timeMs,
        tid: num(raw.tid),
        trxStarted: nonEmpty(raw.trx_started),
        trxAgeSeconds: num(raw.trx_age),
      },
    };
  }

  killSql(id: string, scope: KillScope): string {
    return killStatement(id, scope);
  }
}
