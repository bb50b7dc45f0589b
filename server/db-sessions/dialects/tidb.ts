import type { Capabilities } from '../../tenants/dialect';
import type { DialectAdapter, KillScope, SessionRow } from './dialect-adapter';
import { fingerprint } from './fingerprint';
import { idString, isActiveCommand, isSystemThread, killStatement, mysqlState, nonEmpty, num, text } from './row-values';

/**
 * TiDB: `information_schema.CLUSTER_PROCESSLIST`, the processlist of every TiDB server of the
 * cluster, INSTANCE naming the server (its status address). DIGEST is TiDB's SQL digest, MEM and
 * DISK the bytes the running statement uses, TxnStart the start of the open transaction
 * (`MM-DD HH:MM:SS.mmm(<start ts>)`, empty outside one). STATE reads `autocommit` or
 * `in transaction`. Session ids are 64-bit and exceed 2^53.
 *
 * KILL: `KILL TIDB [CONNECTION|QUERY] id` ends the session on whichever TiDB server holds it when
 * global kill is on (the default since v6.1, where plain KILL behaves the same); before v6.1 plain
 * KILL is a no-op for safety and `KILL TIDB` works for sessions of the server it runs on.
 */
const SELECT = `SELECT p.INSTANCE AS instance, p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db,
  p.COMMAND AS command, p.TIME AS time, p.STATE AS session_state, p.INFO AS info, p.DIGEST AS digest,
  p.MEM AS mem, p.DISK AS disk, p.TxnStart AS txn_start
FROM information_schema.CLUSTER_PROCESSLIST p`;

export class TiDbAdapter implements DialectAdapter {
  readonly dialect = 'tidb' as const;

  listSql(_caps: Capabilities): string {
    return SELECT;
  }

  /** CLUSTER_PROCESSLIST carries TxnStart: nothing to read apart */
  transactionsSql(_caps: Capabilities): null {
    return null;
  }

  mapListRow(raw: Record<string, unknown>, tenantId: number): SessionRow {
    return this.mapRow(raw, tenantId);
  }

  oneSql(_caps: Capabilities): string {
    return `${SELECT}\nWHERE p.ID = ?`;
  }

  mapRow(raw: Record<string, unknown>, tenantId: number): SessionRow {
    const user = text(raw.user) ?? '';
    const command = text(raw.command) ?? '';
    const system = isSystemThread(user, command);
    const active = isActiveCommand(command, system);
    const sql = text(raw.info);
    const instance = nonEmpty(raw.instance);
    const txnStart = nonEmpty(raw.txn_start);
    return {
      id: idString(raw.id),
      tenantId,
      sql,
      sqlTruncated: false,
      sqlId: sql === null ? null : (nonEmpty(raw.digest) ?? fingerprint(sql)),
      user,
      source: text(raw.host) ?? '',
      db: nonEmpty(raw.db),
      command,
      timeSeconds: num(raw.time) ?? 0,
      state: mysqlState(command, active),
      active,
      server: instance,
      proxy: null,
      transactionState: txnStart === null ? null : active ? 'ACTIVE' : 'IDLE_IN_TRANSACTION',
      system,
      extras: {
        instance,
        mem: num(raw.mem),
        disk: num(raw.disk),
        txnStart,
        trxAgeSeconds: tsoAgeSeconds(txnStart),
        sessionState: nonEmpty(raw.session_state),
      },
    };
  }

  killSql(id: string, scope: KillScope): string {
    return killStatement(id, scope, 'TIDB');
  }
}

/** Age of a transaction from TiDB's TxnStart (`MM-DD hh:mm:ss.mmm(<TSO>)`): the TSO's physical part is milliseconds since the epoch. */
export function tsoAgeSeconds(txnStart: string | null, now = Date.now()): number | null {
  const m = txnStart === null ? null : /\((\d{1,20})\)\s*$/.exec(txnStart);
  if (!m?.[1]) return null;
  const ms = Number(BigInt(m[1]) >> 18n);
  return ms > 0 && ms <= now ? Math.floor((now - ms) / 1000) : null;
}
