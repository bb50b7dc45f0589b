import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createConnection, createPool, type Connection, type Pool, type PoolConnection } from 'mysql2/promise';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { CredentialVault } from './credential-vault';
import { endpointOf, OwnConnections } from './own-connections';
import { tenantAuthPlugins } from './tenant-auth';
import { isConnectionFailure, tenantError } from './tenant-errors';
import type { Tenant } from './tenant.entity';

/** Consecutive connection failures that open the breaker, and how long it stays open. */
export const BREAKER_THRESHOLD = 3;
export const BREAKER_OPEN_MS = 5000;

export type TenantAddress = Pick<Tenant, 'id' | 'name' | 'host' | 'port' | 'username' | 'passwordEnc' | 'updatedAt'>;

interface Entry {
  pool: Pool;
  signature: string;
  /** host:port of the database server, shared by every registration of that server */
  endpoint: string;
  /** connection ids of this pool's own connections on the tenant: never killable */
  ownIds: Set<string>;
  failures: number;
  openUntil: number;
}

function signature(t: TenantAddress): string {
  return `${t.host}:${t.port}:${t.username}:${t.passwordEnc}`;
}

export function describeTenant(t: Pick<Tenant, 'name' | 'host' | 'port'>): string {
  return `Tenant ${t.name} (${t.host}:${t.port})`;
}

/**
 * One small pool per tenant, created on first use and rebuilt when the tenant's address or
 * credentials change. Each call is bounded by the connect and query timeouts, so a dead or hanging
 * tenant never holds up another; repeated connection failures open a short circuit breaker.
 */
@Injectable()
export class TenantPools implements OnModuleDestroy {
  private readonly logger = new Logger('tenant-pools');
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly config: AppConfig,
    private readonly vault: CredentialVault,
    private readonly own: OwnConnections,
  ) {}

  private entry(t: TenantAddress): Entry {
    const sig = signature(t);
    const existing = this.entries.get(t.id);
    if (existing && existing.signature === sig) return existing;
    if (existing) this.close(t.id);
    const pool = createPool({
      host: t.host,
      port: t.port,
      user: t.username,
      password: this.vault.open(t.passwordEnc),
      connectionLimit: this.config.tenantPoolSize,
      // two: a processlist read runs the list and the transaction table side by side
      maxIdle: Math.min(2, this.config.tenantPoolSize),
      idleTimeout: 60000,
      connectTimeout: this.config.tenantConnectTimeoutMs,
      enableKeepAlive: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      charset: 'utf8mb4',
      queueLimit: 100,
      authPlugins: tenantAuthPlugins({ passwordTyped: false }),
    });
    const e: Entry = { pool, signature: sig, endpoint: endpointOf(t), ownIds: new Set(), failures: 0, openUntil: 0 };
    // The promise pool re-emits the core pool's event with the core connection.
    pool.on('connection', (conn: { threadId: number | null; once(ev: 'end' | 'error', fn: () => void): unknown }) => {
      const id = String(conn.threadId);
      this.claim(e, id);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.unclaim(e, id);
      };
      conn.once('end', release);
      conn.once('error', release);
    });
    this.entries.set(t.id, e);
    return e;
  }

  private claim(e: Entry, id: string): void {
    if (e.ownIds.has(id)) return;
    e.ownIds.add(id);
    this.own.add(e.endpoint, id);
  }

  private unclaim(e: Entry, id: string): void {
    if (!e.ownIds.delete(id)) return;
    this.own.remove(e.endpoint, id);
  }

  private checkBreaker(t: TenantAddress, e: Entry): void {
    const wait = e.openUntil - Date.now();
    if (wait > 0) {
      throw new AppError(
        'TENANT_CIRCUIT_OPEN',
        `${describeTenant(t)} failed ${e.failures} times in a row; next attempt in ${Math.ceil(wait / 1000)} s`,
        { retryAfterMs: wait },
      );
    }
  }

  private record(e: Entry, err: unknown): void {
    if (isConnectionFailure(err) || (err as { code?: string }).code === 'ETIMEDOUT') {
      e.failures += 1;
      if (e.failures >= BREAKER_THRESHOLD) e.openUntil = Date.now() + BREAKER_OPEN_MS;
    }
  }

  /** Runs `fn` on one pooled connection of the tenant, within the configured timeouts. */
  async withConnection<T>(t: TenantAddress, fn: (conn: PoolConnection, timeoutMs: number) => Promise<T>): Promise<T> {
    const e = this.entry(t);
    this.checkBreaker(t, e);
    let conn: PoolConnection | undefined;
    try {
      conn = await e.pool.getConnection();
      const result = await fn(conn, this.config.tenantQueryTimeoutMs);
      e.failures = 0;
      e.openUntil = 0;
      return result;
    } catch (err) {
      this.record(e, err);
      if ((err as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT' && conn) {
        // a statement that timed out leaves the connection unusable
        conn.destroy();
        conn = undefined;
      }
      throw tenantError(err, describeTenant(t));
    } finally {
      conn?.release();
    }
  }

  /** One query on the tenant's pool. */
  async query<T>(t: TenantAddress, sql: string, params: unknown[] = []): Promise<T[]> {
    return this.withConnection(t, async (conn, timeout) => {
      const [rows] = await conn.query({ sql, values: params, timeout });
      return rows as T[];
    });
  }

  /** A one-off connection to a given address (e.g. an OBServer directly), closed after `fn`. */
  async direct<T>(t: TenantAddress, host: string, port: number, fn: (conn: Connection, timeoutMs: number) => Promise<T>): Promise<T> {
    let conn: Connection | undefined;
    const where = `${describeTenant(t)} via ${host}:${port}`;
    try {
      conn = await createConnection({
        host,
        port,
        user: t.username,
        password: this.vault.open(t.passwordEnc),
        connectTimeout: this.config.tenantConnectTimeoutMs,
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        charset: 'utf8mb4',
        authPlugins: tenantAuthPlugins({ passwordTyped: false }),
      });
      const id = String(conn.threadId);
      const e = this.entry(t);
      this.claim(e, id);
      try {
        return await fn(conn, this.config.tenantQueryTimeoutMs);
      } finally {
        this.unclaim(e, id);
      }
    } catch (err) {
      throw tenantError(err, where);
    } finally {
      conn?.destroy();
    }
  }

  /**
   * Connection ids the console holds on the tenant's server: those of every registration of the same
   * host:port and of every console instance (shared through Redis).
   */
  ownConnectionIds(t: Pick<Tenant, 'host' | 'port'>): Promise<ReadonlySet<string>> {
    return this.own.ids(endpointOf(t));
  }

  close(tenantId: number): void {
    const e = this.entries.get(tenantId);
    if (!e) return;
    this.entries.delete(tenantId);
    for (const id of [...e.ownIds]) this.unclaim(e, id);
    e.pool.end().catch((err: unknown) => this.logger.warn({ msg: 'pool close failed', tenantId, error: (err as Error).message }));
  }

  async onModuleDestroy(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map((e) => e.pool.end()));
  }
}
