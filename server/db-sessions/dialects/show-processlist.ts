import type { TransactionRow } from './dialect-adapter';

/** The open InnoDB transactions, one row per thread that has one (joined to the list in process). */
export const TRANSACTIONS_SQL =
  'SELECT trx_mysql_thread_id AS id, trx_state, trx_started, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS trx_age FROM information_schema.INNODB_TRX';

/**
 * A row of `SHOW FULL PROCESSLIST` (Id, User, Host, db, Command, Time, State, Info and, on MariaDB,
 * Progress) in the column names of the adapters' information_schema statements, with the thread's
 * transaction. SHOW FULL PROCESSLIST gives whole seconds in Time; the detail has milliseconds.
 */
export function fromShowProcesslist(raw: Record<string, unknown>, trx: TransactionRow | undefined): Record<string, unknown> {
  return {
    id: raw.Id,
    user: raw.User,
    host: raw.Host,
    db: raw.db,
    command: raw.Command,
    time: raw.Time,
    thread_state: raw.State,
    info: raw.Info,
    progress: raw.Progress,
    trx_state: trx?.state ?? null,
    trx_started: trx?.started ?? null,
    trx_age: trx?.ageSeconds ?? null,
  };
}
