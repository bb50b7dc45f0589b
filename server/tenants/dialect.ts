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
 * OceanBase names itself in VERSION(): `5.7.25-OceanBase-v3.2.4`, `5.7.25-OceanBase_CE-v4.2.1.2`,
 * `8.0.30-OceanBase_CE-v4.3.5.0` (a tenant may raise its MySQL `version` variable), and the
 * product version follows `-v`.
 */
const OCEANBASE_VERSION = /-OceanBase(?:_CE|_EE)?(?:-v?(\d+(?:\.\d+){1,3}))?(?=$|[-\s(])/i;

/** The product version of a VERSION() string that names OceanBase, or null when it names something else. */
export function oceanBaseVersionOf(version: string): { version: string | null } | null {
  const m = OCEANBASE_VERSION.exec(version);
  return m ? { version: m[1] ?? null } : null;
}

/**
 * Tells the product from `SELECT VERSION()`: OceanBase says "-OceanBase[_CE]-v4.2.1.2", MariaDB
 * says "-MariaDB", TiDB says "-TiDB-v7.5.1". `ob_version()` (null where it does not exist) is only a
 * second source: for the product version when VERSION() names OceanBase without one, and for
 * OceanBase itself when VERSION() does not name it (e.g. a tenant whose `version` variable was
 * overwritten).
 */
export function detectDialect(version: string, obVersion: string | null): DetectedServer {
  const ob = oceanBaseVersionOf(version);
  const obProduct = ob?.version ?? (obVersion?.trim() || null);
  if (ob || obProduct) {
    const v = obProduct ?? version.split('-')[0] ?? version;
    const [major, minor, patch] = parseTriple(v);
    return { dialect: 'oceanbase', version: v, major, minor, patch };
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

/** Whether VERSION() alone settles the product, so the probe need not ask ob_version(). */
export function versionNamesProduct(version: string): boolean {
  const ob = oceanBaseVersionOf(version);
  if (ob) return ob.version !== null;
  return /mariadb|tidb/i.test(version);
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
