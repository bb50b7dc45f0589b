import { AppError } from '../../common/errors';
import type { KillScope } from './dialect-adapter';

/**
 * Reading raw processlist values as mysql2 hands them over: numbers or strings for integers
 * (`bigNumberStrings`), strings for DECIMAL, Buffers for binary columns, bigint in some setups.
 */

/** Text of a column: strings as they are, Buffers decoded as UTF-8 (lossy), numbers as decimals. */
export function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return null;
}

/** Text, with the empty string read as "no value". */
export function nonEmpty(v: unknown): string | null {
  const s = text(v);
  return s === null || s === '' ? null : s;
}

/** A number from an integer/decimal column; null when absent or not numeric. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  const s = text(v);
  if (s === null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A session id as a decimal string (ids can exceed 2^53, so strings and bigints pass untouched). */
export function idString(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  return text(v)?.trim() ?? '';
}

/** Seconds rounded down to a tenth, so a list refreshing every second does not flicker. */
export function tenths(seconds: number): number {
  return Math.floor(seconds * 10 + 1e-9) / 10;
}

/** Splits `host:port`, `[v6]:port` or a bare host; the port is null when there is none. */
export function splitHostPort(hostPort: string): { host: string; port: string | null } {
  const bracket = /^\[([^\]]*)\](?::(\d+))?$/.exec(hostPort);
  if (bracket) return { host: bracket[1] ?? '', port: bracket[2] ?? null };
  const colons = hostPort.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = hostPort.split(':') as [string, string];
    return /^\d+$/.test(port) ? { host, port } : { host: hostPort, port: null };
  }
  return { host: hostPort, port: null };
}

/** `ip:port`, with brackets around IPv6 addresses. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Session ids are unsigned 64-bit integers; anything else never reaches a KILL statement. */
export function assertSessionId(id: string): void {
  if (!/^\d{1,20}$/.test(id) || BigInt(id) > 18446744073709551615n) {
    throw new AppError('BAD_REQUEST', `Invalid session id: ${JSON.stringify(id).slice(0, 40)}`);
  }
}

/** `KILL [<prefix>] CONNECTION|QUERY id` after validating the id. */
export function killStatement(id: string, scope: KillScope, prefix = ''): string {
  assertSessionId(id);
  const head = prefix ? `KILL ${prefix} ` : 'KILL ';
  return `${head}${scope === 'query' ? 'QUERY' : 'CONNECTION'} ${id}`;
}

/**
 * MySQL-family thread rules (MySQL, MariaDB, TiDB): which threads belong to the server itself and
 * which sessions count as active. Commands that never run user SQL are idle, as is any system thread.
 */
const SYSTEM_USERS = new Set(['system user', 'event_scheduler']);
const SYSTEM_COMMANDS = new Set(['daemon', 'binlog dump', 'binlog dump gtid', 'slave_io', 'slave_sql', 'slave_worker']);
const IDLE_COMMANDS = new Set(['sleep', 'daemon', 'binlog dump', 'binlog dump gtid', 'killed']);

/** `system user` threads have an empty HOST; `event_scheduler` is the event scheduler's daemon. */
export function isSystemThread(user: string, command: string): boolean {
  return SYSTEM_USERS.has(user.toLowerCase()) || SYSTEM_COMMANDS.has(command.toLowerCase());
}

export function isActiveCommand(command: string, system: boolean): boolean {
  return !system && !IDLE_COMMANDS.has(command.toLowerCase());
}

/**
 * The list's state of a MySQL-family session: ACTIVE while a statement runs, KILLED for a thread
 * that was killed and has not gone yet (COMMAND `Killed`, never counted as active), else SLEEP.
 */
export function mysqlState(command: string, active: boolean): 'ACTIVE' | 'KILLED' | 'SLEEP' {
  if (command.toLowerCase() === 'killed') return 'KILLED';
  return active ? 'ACTIVE' : 'SLEEP';
}

/**
 * Transaction state from InnoDB (`information_schema.INNODB_TRX.trx_state`): a session idle with an
 * open transaction is flagged, an active one shows InnoDB's own state (RUNNING, LOCK WAIT...).
 */
export function innodbTransactionState(trxState: string | null, active: boolean, command: string): string | null {
  if (trxState === null) return null;
  if (!active && command.toLowerCase() === 'sleep') return 'IDLE_IN_TRANSACTION';
  return trxState;
}
