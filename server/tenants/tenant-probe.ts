import { Injectable, Optional } from '@nestjs/common';
import { createConnection, type Connection } from 'mysql2/promise';
import { AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { withTimeout } from '../common/redis.service';
import { endpointOf, OwnConnections } from './own-connections';
import { Capabilities, capabilitiesOf, detectDialect, Dialect, versionNamesProduct } from './dialect';
import { tenantError } from './tenant-errors';

export interface ProbeTarget {
  name: string;
  host: string;
  port: number;
  username: string;
  password: string;
}

export interface Privileges {
  /** PROCESS: sees every user's sessions */
  process: boolean;
  /** CONNECTION_ADMIN / SUPER: may kill other users' sessions */
  kill: boolean;
  grants: string[];
}

export interface ProbeResult {
  ok: boolean;
  latencyMs: number | null;
  dialect: Dialect | null;
  version: string | null;
  capabilities: Capabilities | null;
  privileges: Privileges | null;
  messages: string[];
  error?: { code: string; message: string };
}

/** Reads the privileges that matter for session management from SHOW GRANTS output. */
export function parsePrivileges(grants: string[]): Privileges {
  const global = grants.filter((g) => / ON \*\.\* TO /i.test(g)).map((g) => g.replace(/ ON \*\.\* TO .*$/i, '').toUpperCase());
  const all = global.some((g) => /\bALL PRIVILEGES\b/.test(g));
  const has = (p: RegExp) => all || global.some((g) => p.test(g));
  return {
    process: has(/\bPROCESS\b/),
    kill: has(/\bSUPER\b|\bCONNECTION[ _]ADMIN\b/),
    grants,
  };
}

export function privilegeMessages(p: Privileges): string[] {
  const out: string[] = [];
  out.push(
    p.process ? 'PROCESS granted: every session of the tenant is visible' : "PROCESS missing: only this account's own sessions are visible",
  );
  out.push(
    p.kill
      ? "CONNECTION_ADMIN or SUPER granted: other users' sessions can be closed"
      : "CONNECTION_ADMIN and SUPER missing: other users' sessions cannot be closed, only this account's own",
  );
  return out;
}

async function firstValue(conn: Connection, sql: string, timeout: number): Promise<string | null> {
  try {
    const [rows] = await conn.query({ sql, timeout, rowsAsArray: true });
    const v = (rows as unknown[][])[0]?.[0];
    return v === null || v === undefined ? null : String(v);
  } catch {
    return null;
  }
}

/**
 * Test connection: connects once (not through the pool), measures the latency, detects the
 * product and version, derives capabilities and checks the privileges in plain words.
 */
@Injectable()
export class TenantProbe {
  constructor(
    private readonly config: AppConfig,
    /** absent outside the application (the demo seeding CLI) */
    @Optional() private readonly own?: OwnConnections,
  ) {}

  async probe(t: ProbeTarget): Promise<ProbeResult> {
    const where = `Tenant ${t.name} (${t.host}:${t.port})`;
    const budget = this.config.tenantConnectTimeoutMs + this.config.tenantQueryTimeoutMs;
    let conn: Connection | undefined;
    let claimed: string | undefined;
    try {
      return await withTimeout(
        (async () => {
          const started = performance.now();
          conn = await createConnection({
            host: t.host,
            port: t.port,
            user: t.username,
            password: t.password,
            connectTimeout: this.config.tenantConnectTimeoutMs,
            charset: 'utf8mb4',
          });
          // the probe's connection is the console's own too, while it lasts
          claimed = String(conn.threadId);
          this.own?.add(endpointOf(t), claimed);
          const timeout = this.config.tenantQueryTimeoutMs;
          const version = await firstValue(conn, 'SELECT VERSION()', timeout);
          const latencyMs = Math.round(performance.now() - started);
          if (version === null) throw new AppError('TENANT_NOT_MYSQL', `${where} answered but not like a MySQL-compatible server`);
          // VERSION() names OceanBase, MariaDB and TiDB. Only when it does not settle the product is
          // ob_version() asked (a fixture schema may provide it as oceanbase.ob_version()).
          const obVersion = versionNamesProduct(version)
            ? null
            : ((await firstValue(conn, 'SELECT ob_version()', timeout)) ??
              (await firstValue(conn, 'SELECT oceanbase.ob_version()', timeout)));
          const detected = detectDialect(version, obVersion);
          const ps = (await firstValue(conn, 'SELECT @@performance_schema', timeout)) === '1';
          const capabilities = capabilitiesOf(detected, ps);
          const [grantRows] = await conn.query({ sql: 'SHOW GRANTS', timeout, rowsAsArray: true });
          const privileges = parsePrivileges((grantRows as unknown[][]).map((r) => String(r[0])));
          return {
            ok: true,
            latencyMs,
            dialect: detected.dialect,
            version: detected.version,
            capabilities,
            privileges,
            messages: privilegeMessages(privileges),
          };
        })(),
        budget,
        `${where} did not answer`,
      );
    } catch (err) {
      const e =
        err instanceof AppError
          ? err
          : err instanceof Error && err.message.includes('did not answer within')
            ? new AppError('TENANT_UNREACHABLE', err.message)
            : tenantError(err, where);
      return {
        ok: false,
        latencyMs: null,
        dialect: null,
        version: null,
        capabilities: null,
        privileges: null,
        messages: [],
        error: { code: e.code, message: e.message },
      };
    } finally {
      (conn as Connection | undefined)?.destroy();
      if (claimed !== undefined) this.own?.remove(endpointOf(t), claimed);
    }
  }
}
