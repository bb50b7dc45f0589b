export type Dialect = 'mysql' | 'mariadb' | 'oceanbase' | 'tidb';

export type ProcesslistSource =
  | 'information_schema.PROCESSLIST'
  | 'performance_schema.processlist'
  | 'oceanbase.GV$OB_PROCESSLIST'
  | 'information_schema.CLUSTER_PROCESSLIST';

/** What a tenant's version offers, derived once at detection and stored with the tenant. */
export interface Capabilities {
  processlistSource: ProcesslistSource;
  /** the database gives a statement digest or SQL ID of its own */
  nativeSqlId: boolean;
  /** session-level full-link trace (OceanBase >= 4.2.1) */
  fullLinkTrace: boolean;
  /** kills through OBProxy may need a retry on the session's OBServer */
  killViaServer: boolean;
}

export interface DetectedServer {
  dialect: Dialect;
  version: string;
  /** numeric version of the product (OceanBase's own, not the MySQL protocol version) */
  major: number;
  minor: number;
  patch: number;
}

function parseTriple(s: string): [number, number, number] {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(s) ?? /(\d+)\.(\d+)/.exec(s);
  return [Number(m?.[1] ?? 0), Number(m?.[2] ?? 0), Number(m?.[3] ?? 0)];
}

/**
 * Tells the product from `SELECT VERSION()` and, for OceanBase, `ob_version()` (null elsewhere).
 * MariaDB says "-MariaDB", TiDB says "-TiDB-v7.5.1", OceanBase answers ob_version().
 */
export function detectDialect(version: string, obVersion: string | null): DetectedServer {
  if (obVersion) {
    const [major, minor, patch] = parseTriple(obVersion);
    return { dialect: 'oceanbase', version: obVersion, major, minor, patch };
  }
  const tidb = /TiDB-v?(\d+\.\d+\.\d+)/i.exec(version);
  if (tidb?.[1]) {
    const [major, minor, patch] = parseTriple(tidb[1]);
    return { dialect: 'tidb', version: tidb[1], major, minor, patch };
  }
  const [major, minor, patch] = parseTriple(version);
  const v = version.split('-')[0] ?? version;
  if (/mariadb/i.test(version)) return { dialect: 'mariadb', version: v, major, minor, patch };
  return { dialect: 'mysql', version: v, major, minor, patch };
}

function atLeast(s: DetectedServer, major: number, minor: number, patch: number): boolean {
  if (s.major !== major) return s.major > major;
  if (s.minor !== minor) return s.minor > minor;
  return s.patch >= patch;
}

export function capabilitiesOf(s: DetectedServer, performanceSchema: boolean): Capabilities {
  switch (s.dialect) {
    case 'oceanbase':
      return {
        processlistSource: 'oceanbase.GV$OB_PROCESSLIST',
        nativeSqlId: true,
        fullLinkTrace: atLeast(s, 4, 2, 1),
        killViaServer: true,
      };
    case 'tidb':
      return { processlistSource: 'information_schema.CLUSTER_PROCESSLIST', nativeSqlId: true, fullLinkTrace: false, killViaServer: false };
    case 'mysql': {
      const ps = performanceSchema && atLeast(s, 8, 0, 22);
      return {
        processlistSource: ps ? 'performance_schema.processlist' : 'information_schema.PROCESSLIST',
        nativeSqlId: ps,
        fullLinkTrace: false,
        killViaServer: false,
      };
    }
    case 'mariadb':
      return { processlistSource: 'information_schema.PROCESSLIST', nativeSqlId: false, fullLinkTrace: false, killViaServer: false };
  }
}
