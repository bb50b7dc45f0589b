import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { RedisService } from '../common/redis.service';
import { TenantPools } from '../tenants/tenant-pools';
import type { Tenant } from '../tenants/tenant.entity';
import { adapterFor, type DialectAdapter, type SessionRow } from './dialects';
import type { TransactionRow } from './dialects/dialect-adapter';

/** SQL in lists is a preview; the detail returns the whole statement. */
export const SQL_PREVIEW_CHARS = 512;

export function preview(sql: string | null): { sql: string | null; sqlTruncated: boolean } {
  // at most SQL_PREVIEW_CHARS UTF-16 units is at most that many characters: nothing to cut
  if (sql === null || sql.length <= SQL_PREVIEW_CHARS) return { sql, sqlTruncated: false };
  const chars = Array.from(sql.length > SQL_PREVIEW_CHARS * 2 ? sql.slice(0, SQL_PREVIEW_CHARS * 2) : sql);
  return chars.length > SQL_PREVIEW_CHARS || sql.length > SQL_PREVIEW_CHARS * 2
    ? { sql: chars.slice(0, SQL_PREVIEW_CHARS).join(''), sqlTruncated: true }
    : { sql, sqlTruncated: false };
}

export interface Snapshot {
  /** every session, SQL cut to the list preview (sqlTruncated tells) */
  rows: SessionRow[];
  fetchedAt: Date;
}

interface Slot {
  promise: Promise<Snapshot>;
  /** when the result arrived; undefined while in flight */
  doneAt?: number;
}

/** What Redis holds for a tenant's processlist. */
interface Shared {
  /** the tenant's address when read: a changed registration does not reuse an old result */
  sig: string;
  fetchedAt: string;
  rows: SessionRow[];
}

/** How often an instance waiting for another one's read looks for its result. */
const SHARED_POLL_MS = 15;

export function adapterOf(t: Tenant): DialectAdapter {
  if (t.dialect === 'unknown' || !t.capabilities) {
    throw new AppError('TENANT_UNREACHABLE', `Tenant ${t.name} has not been reached yet; test its connection first`);
  }
  return adapterFor(t.dialect);
}

function signature(t: Tenant): string {
  return `${t.host}:${t.port}:${t.username}:${t.dialect}:${new Date(t.updatedAt).getTime()}`;
}

/** Maps the raw list and transaction rows of a tenant to session rows (SQL cut to the preview). */
export function mapSnapshotRows(
  adapter: DialectAdapter,
  t: Pick<Tenant, 'id' | 'host' | 'port'>,
  raw: Record<string, unknown>[],
  trxRows: Record<string, unknown>[],
): SessionRow[] {
  const trx = new Map<string, TransactionRow>();
  for (const r of trxRows) {
    trx.set(String(r.id), {
      state: r.trx_state === null || r.trx_state === undefined ? null : String(r.trx_state),
      started: r.trx_started === null || r.trx_started === undefined ? null : String(r.trx_started),
      ageSeconds: r.trx_age === null || r.trx_age === undefined ? null : Number(r.trx_age),
    });
  }
  const fallbackServer = `${t.host}:${t.port}`;
  const rows = new Array<SessionRow>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const row = adapter.mapListRow(r, t.id, trx.get(String(r.Id ?? r.id)));
    if (row.server === null) row.server = fallbackServer;
    const cut = preview(row.sql);
    row.sql = cut.sql;
    row.sqlTruncated = row.sqlTruncated || cut.sqlTruncated;
    rows[i] = row;
  }
  return rows;
}

/**
 * The processlist of each tenant, read at most once per SESSION_LIST_CACHE_MS across every console
 * instance. Within an instance, identical requests arriving while a read is in flight share it and
 * a result is reused until it is that old. Across instances, the result goes through Redis: the
 * first instance to need it takes a short lock and reads, the others wait for its result and reuse
 * it. So N instances with M viewers each cost one processlist query per window, not N x M.
 * With SESSION_LIST_CACHE_MS=0 nothing is reused and Redis is not involved; while Redis is away each
 * instance reads for itself.
 */
@Injectable()
export class SessionSnapshots {
  private readonly logger = new Logger('session-snapshots');
  private readonly slots = new Map<number, Slot>();
  /** processlist queries actually issued by this instance, per tenant (for tests and metrics) */
  readonly issued = new Map<number, number>();
  private redisWarned = false;

  constructor(
    private readonly pools: TenantPools,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  get(t: Tenant): Promise<Snapshot> {
    const slot = this.slots.get(t.id);
    if (slot && (slot.doneAt === undefined || Date.now() - slot.doneAt < this.config.sessionListCacheMs)) return slot.promise;
    const fresh: Slot = { promise: this.config.sessionListCacheMs > 0 ? this.shared(t) : this.read(t) };
    this.slots.set(t.id, fresh);
    fresh.promise.then(
      (snap) => {
        // a result read by another instance is reused only for what remains of its window
        fresh.doneAt = snap.fetchedAt.getTime();
      },
      () => {
        // failures are not cached: the next request tries again (the pool's breaker bounds it)
        if (this.slots.get(t.id) === fresh) this.slots.delete(t.id);
      },
    );
    return fresh.promise;
  }

  /** Forgets a tenant's result on every instance, e.g. after a kill. */
  async invalidate(tenantId: number): Promise<void> {
    const slot = this.slots.get(tenantId);
    if (slot?.doneAt !== undefined) this.slots.delete(tenantId);
    if (this.config.sessionListCacheMs > 0) {
      await this.redis.client.del(this.key(tenantId, 'snap')).catch((err: unknown) => this.redisFailed(err));
    }
  }

  private key(tenantId: number, what: 'snap' | 'reading'): string {
    return this.redis.key('tenant-sessions', tenantId, what);
  }

  /** The result of whichever instance reads first in this window. */
  private async shared(t: Tenant): Promise<Snapshot> {
    const sig = signature(t);
    const snapKey = this.key(t.id, 'snap');
    const lockKey = this.key(t.id, 'reading');
    const budget = this.config.tenantConnectTimeoutMs + this.config.tenantQueryTimeoutMs;
    const deadline = Date.now() + budget;
    const token = randomBytes(8).toString('hex');
    const reuse = async (): Promise<Snapshot | null> => {
      const found = await this.redis.client.get(snapKey);
      if (found === null) return null;
      const s = JSON.parse(found) as Shared;
      return s.sig === sig ? { rows: s.rows, fetchedAt: new Date(s.fetchedAt) } : null;
    };
    try {
      for (;;) {
        const before = await reuse();
        if (before) return before;
        if ((await this.redis.client.set(lockKey, token, 'PX', budget, 'NX')) === 'OK') {
          // the previous holder may have stored its result between our look and our lock
          const meanwhile = await reuse();
          if (meanwhile) {
            await this.unlock(lockKey, token);
            return meanwhile;
          }
          break;
        }
        // another instance is reading: wait for its result, or read when it gives up or dies
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, SHARED_POLL_MS));
      }
    } catch (err) {
      this.redisFailed(err);
      return this.read(t);
    }
    try {
      const snap = await this.read(t);
      const payload: Shared = { sig, fetchedAt: snap.fetchedAt.toISOString(), rows: snap.rows };
      // Issued now, not awaited: the answer does not wait for Redis. Commands on one connection run
      // in the order sent, so the result lands before the unlock and before any later invalidation.
      this.redis.client
        .set(snapKey, JSON.stringify(payload), 'PX', this.config.sessionListCacheMs)
        .catch((err: unknown) => this.redisFailed(err));
      void this.unlock(lockKey, token);
      return snap;
    } catch (err) {
      await this.unlock(lockKey, token);
      throw err;
    }
  }

  /** Releases the read lock if this instance still holds it. */
  private async unlock(lockKey: string, token: string): Promise<void> {
    await this.redis.client
      .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lockKey, token)
      .catch((err: unknown) => this.redisFailed(err));
  }

  private redisFailed(err: unknown): void {
    if (this.redisWarned) return;
    this.redisWarned = true;
    this.logger.warn({
      msg: 'processlist results not shared through Redis; each instance reads for itself',
      error: (err as Error).message,
    });
  }

  private async read(t: Tenant): Promise<Snapshot> {
    const adapter = adapterOf(t);
    const caps = t.capabilities!;
    this.issued.set(t.id, (this.issued.get(t.id) ?? 0) + 1);
    const trxSql = adapter.transactionsSql(caps);
    // The transactions are read on a second pooled connection while the list runs (the pool keeps
    // two idle), asked for only once the first connection is in hand: a tenant that is down fails
    // one acquisition, not two. A pool of one reads them after the list on the same connection.
    const parallel = this.config.tenantPoolSize > 1;
    const { raw, trx } = await this.pools.withConnection(t, async (conn, timeout) => {
      const openTrx = trxSql && parallel ? this.pools.query<Record<string, unknown>>(t, trxSql) : null;
      openTrx?.catch(() => undefined); // awaited below; a failed list must not leave it unhandled
      const [list] = await conn.query({ sql: adapter.listSql(caps), timeout });
      const [open] = openTrx ? [await openTrx] : trxSql ? await conn.query({ sql: trxSql, timeout }) : [[]];
      return { raw: list as Record<string, unknown>[], trx: open as Record<string, unknown>[] };
    });
    return { rows: mapSnapshotRows(adapter, t, raw, trx), fetchedAt: new Date() };
  }
}
