import type { Capabilities, Dialect } from '../../tenants/dialect';

/** One tenant session, the same shape for every dialect. */
export interface SessionRow {
  /** session (thread) id as a decimal string: ids can exceed 2^53 */
  id: string;
  tenantId: number;
  /** the statement; truncated to a preview in lists (see sqlTruncated), whole in the detail */
  sql: string | null;
  sqlTruncated: boolean;
  /** the database's own SQL ID / digest, else the documented fingerprint of `sql`; null when no SQL */
  sqlId: string | null;
  user: string;
  /** client host:port; for OceanBase the real client IP when known, the proxy otherwise */
  source: string;
  db: string | null;
  command: string;
  timeSeconds: number;
  /** 'ACTIVE' or the dialect's idle state (e.g. 'SLEEP') */
  state: string;
  active: boolean;
  /** OBServer SVR_IP:SQL_PORT, TiDB instance, or the server itself */
  server: string | null;
  /** OBProxy / proxy session id when present */
  proxy: string | null;
  /** e.g. 'IDLE_IN_TRANSACTION', 'ACTIVE', 'RUNNING', or null without a transaction */
  transactionState: string | null;
  /** system / replication / daemon thread: never killable */
  system: boolean;
  /** dialect-specific columns worth showing (MariaDB progress/stage/memory, OceanBase trace id...) */
  extras: Record<string, string | number | null>;
}

export type KillScope = 'session' | 'query';

/** A thread's open InnoDB transaction, read apart from the processlist and joined in process. */
export interface TransactionRow {
  state: string | null;
  started: string | null;
  /** seconds the transaction has been open, by the tenant's clock */
  ageSeconds?: number | null;
}

/** Everything dialect-specific about reading and ending sessions. SQL lives here and in TypeORM only. */
export interface DialectAdapter {
  readonly dialect: Dialect;
  /**
   * The list statement (all sessions): the cheapest one the capabilities offer that yields every
   * column the list shows. Dialect-specific extras beyond those come with the detail (oneSql).
   */
  listSql(caps: Capabilities): string;
  /**
   * Open transactions, when the list statement does not carry them: rows with `id` (the thread),
   * `trx_state` and `trx_started`, joined to the list in process (a join inside the server costs
   * more than both statements apart).
   */
  transactionsSql(caps: Capabilities): string | null;
  /** maps one raw row of listSql, with the thread's transaction (from transactionsSql) when it has one */
  mapListRow(raw: Record<string, unknown>, tenantId: number, trx: TransactionRow | undefined): SessionRow;
  /** every column for one session id: one `?` placeholder bound to the id */
  oneSql(caps: Capabilities): string;
  /** maps one raw row of oneSql to a SessionRow */
  mapRow(raw: Record<string, unknown>, tenantId: number): SessionRow;
  /**
   * A statement listing whole statements when the processlist view cuts them (MariaDB and MySQL
   * cut INFO at 65,535 characters in information_schema; SHOW FULL PROCESSLIST does not): rows
   * with `Id` and `Info` columns.
   */
  readonly fullInfoSql?: string;
  /** KILL statement for a validated id (digits only) */
  killSql(id: string, scope: KillScope): string;
}
