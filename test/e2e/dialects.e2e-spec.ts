import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { createConnection, type Connection, type ConnectionOptions, type RowDataPacket } from 'mysql2/promise';
import type { DialectAdapter, SessionRow } from '../../server/db-sessions/dialects/dialect-adapter';
import { fingerprint } from '../../server/db-sessions/dialects/fingerprint';
import { adapterFor } from '../../server/db-sessions/dialects';
import { capabilitiesOf, detectDialect, type Capabilities } from '../../server/tenants/dialect';
import { dropOceanBaseFixture, installOceanBaseFixture } from '../support/oceanbase-fixture';
import { STACK } from '../support/stack';

/**
 * The dialect adapters' real SQL against the MariaDB tenant at STACK.tenantA, with mysql2
 * connections as victim sessions: one running `SELECT SLEEP(30)`, one idle, one idle inside an
 * open transaction. The OceanBase adapter runs against the OceanBase-compatible fixture.
 */

const TENANT_ID = 7;
const options: ConnectionOptions = { ...STACK.tenantA, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true };
const scratchDb = `so_dialects_${randomBytes(4).toString('hex')}`;
const SLEEP_SQL = 'SELECT SLEEP(30) AS slept';

interface Victim {
  conn: Connection;
  id: string;
  /** the victim's address as the server sees it */
  source: string;
}

interface Victims {
  sleeper: Victim;
  idle: Victim;
  inTransaction: Victim;
  /** settles when the sleeper's statement ends (killed or finished) */
  sleeping: Promise<unknown>;
  all: Victim[];
}

async function victim(database?: string): Promise<Victim> {
  const conn = await createConnection({ ...options, ...(database ? { database } : {}) });
  conn.on('error', () => undefined);
  const stream = (conn as unknown as { connection: { stream: Socket } }).connection.stream;
  return { conn, id: String(conn.threadId), source: `${stream.localAddress}:${stream.localPort}` };
}

async function startVictims(): Promise<Victims> {
  const sleeper = await victim(scratchDb);
  const idle = await victim();
  const inTransaction = await victim(scratchDb);
  await inTransaction.conn.query('START TRANSACTION');
  await inTransaction.conn.query('INSERT INTO t (id, v) VALUES (?, ?)', [Number(inTransaction.id), 'open']);
  const sleeping = sleeper.conn.query(SLEEP_SQL).catch((err: unknown) => err);
  return { sleeper, idle, inTransaction, sleeping, all: [sleeper, idle, inTransaction] };
}

async function endVictims(v: Victims | undefined): Promise<void> {
  if (!v) return;
  for (const { conn } of v.all) conn.destroy();
  await v.sleeping;
}

async function rowsOf(conn: Connection, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const [rows] = await conn.query<RowDataPacket[]>(sql, params);
  return rows as Record<string, unknown>[];
}

/** The list as the console reads it: the list statement, the transactions apart, joined by thread id. */
async function list(conn: Connection, adapter: DialectAdapter, caps: Capabilities): Promise<SessionRow[]> {
  const raw = await rowsOf(conn, adapter.listSql(caps));
  const trxSql = adapter.transactionsSql(caps);
  const trx = new Map(
    (trxSql ? await rowsOf(conn, trxSql) : []).map((t) => [String(t.id), { state: String(t.trx_state), started: String(t.trx_started) }]),
  );
  return raw.map((r) => adapter.mapListRow(r, TENANT_ID, trx.get(String(r.Id ?? r.id))));
}

async function one(conn: Connection, adapter: DialectAdapter, caps: Capabilities, id: string): Promise<SessionRow[]> {
  return (await rowsOf(conn, adapter.oneSql(caps), [id])).map((r) => adapter.mapRow(r, TENANT_ID));
}

/** Polls the processlist (through the adapter) until `ok` holds for session `id`; fails after 15 s. */
async function waitForSession(
  conn: Connection,
  adapter: DialectAdapter,
  caps: Capabilities,
  id: string,
  ok: (rows: SessionRow[]) => boolean,
): Promise<SessionRow[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const rows = await one(conn, adapter, caps, id);
    if (ok(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`session ${id} never reached the expected state: ${JSON.stringify(rows)}`);
    // InnoDB refreshes its INNODB_TRX cache only once it has gone unread for 100 ms: polling
    // faster than that would keep reading the same stale cache
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const isRunningSleep = (rows: SessionRow[]): boolean => rows[0]?.command === 'Query' && (rows[0]?.sql ?? '').includes('SLEEP(30)');
const isIdleInTransaction = (rows: SessionRow[]): boolean => rows[0]?.transactionState === 'IDLE_IN_TRANSACTION';

/**
 * Until the sleeper runs its statement and the open transaction shows: InnoDB refreshes the
 * INNODB_TRX cache at most every 100 ms, so a transaction can appear a moment after it opened.
 */
async function waitForVictims(adapter: DialectAdapter, caps: Capabilities, v: Victims): Promise<void> {
  await waitForSession(admin, adapter, caps, v.sleeper.id, isRunningSleep);
  await waitForSession(admin, adapter, caps, v.inTransaction.id, isIdleInTransaction);
}

let admin: Connection;
let serverVersion: string;

beforeAll(async () => {
  admin = await createConnection(options);
  const [[v]] = await admin.query<RowDataPacket[]>('SELECT VERSION() AS v');
  serverVersion = String(v!.v);
  await admin.query(`CREATE DATABASE \`${scratchDb}\``);
  await admin.query(`CREATE TABLE \`${scratchDb}\`.t (id BIGINT PRIMARY KEY, v VARCHAR(20)) ENGINE = InnoDB`);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS \`${scratchDb}\``);
  await admin.end();
});

describe('MariaDB adapter on a real MariaDB tenant', () => {
  const adapter = adapterFor('mariadb');
  let caps: Capabilities;
  let v: Victims;

  beforeAll(async () => {
    const detected = detectDialect(serverVersion, null);
    expect(detected.dialect).toBe('mariadb');
    caps = capabilitiesOf(detected, true);
    v = await startVictims();
    await waitForVictims(adapter, caps, v);
  });

  afterAll(async () => {
    await endVictims(v);
  });

  it('lists every victim with user, source, db, command, state and transaction state', async () => {
    const rows = await list(admin, adapter, caps);
    const byId = new Map(rows.map((r) => [r.id, r]));

    const sleeper = byId.get(v.sleeper.id);
    expect(sleeper).toMatchObject({
      tenantId: TENANT_ID,
      user: 'sessionops',
      source: v.sleeper.source,
      db: scratchDb,
      command: 'Query',
      sql: SLEEP_SQL,
      sqlTruncated: false,
      sqlId: fingerprint(SLEEP_SQL),
      active: true,
      state: 'ACTIVE',
      transactionState: null,
      system: false,
      server: null,
      proxy: null,
    });
    expect(sleeper!.timeSeconds).toBeGreaterThanOrEqual(0);
    // the list statement (SHOW FULL PROCESSLIST) has the thread state; MariaDB's own columns come with one session
    expect(sleeper!.extras).toMatchObject({ threadState: expect.any(String) });
    const [detail] = await one(admin, adapter, caps, v.sleeper.id);
    expect(detail!.extras).toMatchObject({
      queryId: expect.stringMatching(/^\d+$/),
      tid: expect.any(Number),
      memoryUsed: expect.any(Number),
      timeMs: expect.any(Number),
    });

    expect(byId.get(v.idle.id)).toMatchObject({
      user: 'sessionops',
      source: v.idle.source,
      db: null,
      command: 'Sleep',
      sql: null,
      sqlId: null,
      active: false,
      state: 'SLEEP',
      transactionState: null,
      system: false,
    });

    const inTransaction = byId.get(v.inTransaction.id);
    expect(inTransaction).toMatchObject({
      user: 'sessionops',
      source: v.inTransaction.source,
      db: scratchDb,
      command: 'Sleep',
      active: false,
      state: 'SLEEP',
      transactionState: 'IDLE_IN_TRANSACTION',
    });
    expect(inTransaction!.extras.trxStarted).toEqual(expect.any(String));

    const [[self]] = await admin.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    expect(byId.get(String(self!.id))).toMatchObject({ active: true, command: 'Query' });
  });

  it('reads one session by id, and nothing for an id that does not exist', async () => {
    const rows = await one(admin, adapter, caps, v.idle.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: v.idle.id, command: 'Sleep' });
    expect(await one(admin, adapter, caps, '18446744073709551615')).toEqual([]);
  });

  it('KILL QUERY ends the statement and keeps the session', async () => {
    await admin.query(adapter.killSql(v.sleeper.id, 'query'));
    await v.sleeping;
    const rows = await waitForSession(admin, adapter, caps, v.sleeper.id, (r) => r[0]?.command === 'Sleep');
    expect(rows[0]).toMatchObject({ active: false, state: 'SLEEP', sql: null, sqlId: null });
    const [[alive]] = await v.sleeper.conn.query<RowDataPacket[]>('SELECT 1 AS ok');
    expect(alive!.ok).toBe(1);
  });

  it('KILL CONNECTION ends the session, rolling back its open transaction', async () => {
    await admin.query(adapter.killSql(v.inTransaction.id, 'session'));
    await waitForSession(admin, adapter, caps, v.inTransaction.id, (r) => r.length === 0);
    const [count] = await admin.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${scratchDb}\`.t WHERE id = ?`, [
      Number(v.inTransaction.id),
    ]);
    expect(Number(count[0]!.n)).toBe(0);
    await expect(v.inTransaction.conn.query('SELECT 1')).rejects.toThrow();
  });

  it('refuses to build a KILL for anything but a numeric id', () => {
    expect(() => adapter.killSql('1; DROP DATABASE x', 'session')).toThrow(/Invalid session id/);
  });
});

describe('MySQL adapter (information_schema source) on the same MySQL-compatible tables', () => {
  const adapter = adapterFor('mysql');
  const caps: Capabilities = capabilitiesOf(detectDialect('5.7.44-log', null), false);
  let v: Victims;

  beforeAll(async () => {
    expect(caps.processlistSource).toBe('information_schema.PROCESSLIST');
    v = await startVictims();
    await waitForVictims(adapter, caps, v);
  });

  afterAll(async () => {
    await endVictims(v);
  });

  it('maps running, idle and idle-in-transaction sessions', async () => {
    const byId = new Map((await list(admin, adapter, caps)).map((r) => [r.id, r]));
    expect(byId.get(v.sleeper.id)).toMatchObject({
      source: v.sleeper.source,
      active: true,
      state: 'ACTIVE',
      sqlId: fingerprint(SLEEP_SQL),
    });
    expect(byId.get(v.idle.id)).toMatchObject({ source: v.idle.source, active: false, state: 'SLEEP', transactionState: null });
    expect(byId.get(v.inTransaction.id)).toMatchObject({ db: scratchDb, transactionState: 'IDLE_IN_TRANSACTION' });
  });

  it('kills the session', async () => {
    await admin.query(adapter.killSql(v.idle.id, 'session'));
    await waitForSession(admin, adapter, caps, v.idle.id, (r) => r.length === 0);
  });
});

describe('OceanBase adapter on the OceanBase-compatible fixture', () => {
  const adapter = adapterFor('oceanbase');
  let caps: Capabilities;
  let v: Victims;

  beforeAll(async () => {
    await installOceanBaseFixture(admin);
    const [[ob]] = await admin.query<RowDataPacket[]>('SELECT oceanbase.ob_version() AS v');
    const detected = detectDialect(serverVersion, String(ob!.v));
    expect(detected).toMatchObject({ dialect: 'oceanbase', major: 4, minor: 2, patch: 1 });
    caps = capabilitiesOf(detected, false);
    expect(caps).toMatchObject({ processlistSource: 'oceanbase.GV$OB_PROCESSLIST', fullLinkTrace: true });
    v = await startVictims();
    await waitForVictims(adapter, caps, v);
  });

  afterAll(async () => {
    await endVictims(v);
    await dropOceanBaseFixture(admin);
  });

  it('lists sessions from GV$OB_PROCESSLIST with OBServer, client, SQL ID and transaction state', async () => {
    const byId = new Map((await list(admin, adapter, caps)).map((r) => [r.id, r]));
    const server = `127.0.0.1:${STACK.tenantA.port}`;

    const sleeper = byId.get(v.sleeper.id);
    expect(sleeper).toMatchObject({
      user: 'sessionops',
      source: v.sleeper.source,
      db: scratchDb,
      command: 'Query',
      sql: SLEEP_SQL,
      sqlId: createHash('md5').update(SLEEP_SQL).digest('hex').toUpperCase(),
      active: true,
      state: 'ACTIVE',
      server,
      proxy: null,
      transactionState: null,
      system: false,
    });
    expect(sleeper!.extras).toMatchObject({
      tenant: 'mysql_tenant',
      traceId: expect.stringMatching(/^Y[0-9A-F]+-[0-9A-F]{16}-0-0$/),
      retryCount: 0,
      totalTime: expect.any(Number),
      traceLevel: null,
      traceSamplePercentage: null,
      traceRecordPolicy: null,
    });

    expect(byId.get(v.idle.id)).toMatchObject({
      source: v.idle.source,
      db: null,
      command: 'Sleep',
      sql: null,
      sqlId: null,
      active: false,
      state: 'SLEEP',
      server,
      transactionState: null,
      extras: expect.objectContaining({ traceId: null }),
    });
    expect(byId.get(v.inTransaction.id)).toMatchObject({
      active: false,
      state: 'SLEEP',
      transactionState: 'IDLE_IN_TRANSACTION',
      extras: expect.objectContaining({ transState: 'ACTIVE' }),
    });
  });

  it('reads one session by id', async () => {
    const rows = await one(admin, adapter, caps, v.idle.id);
    expect(rows.map((r) => r.id)).toEqual([v.idle.id]);
    expect(await one(admin, adapter, caps, '18446744073709551615')).toEqual([]);
  });

  it('shows full-link trace settings made through DBMS_MONITOR, and drops them on disable', async () => {
    await admin.query('CALL DBMS_MONITOR.OB_SESSION_TRACE_ENABLE(?, ?, ?, ?)', [v.idle.id, 2, 0.5, 'only_slow_query']);
    let [row] = await one(admin, adapter, caps, v.idle.id);
    expect(row!.extras).toMatchObject({ traceLevel: 2, traceSamplePercentage: 50, traceRecordPolicy: 'ONLY_SLOW_QUERY' });

    const [withoutTrace] = await one(admin, adapter, { ...caps, fullLinkTrace: false }, v.idle.id);
    expect(adapter.listSql({ ...caps, fullLinkTrace: false })).not.toMatch(/RECORD_POLICY/);
    expect(withoutTrace!.extras).toMatchObject({ traceLevel: null, traceSamplePercentage: null, traceRecordPolicy: null });

    await admin.query('CALL DBMS_MONITOR.OB_SESSION_TRACE_DISABLE(?)', [v.idle.id]);
    [row] = await one(admin, adapter, caps, v.idle.id);
    expect(row!.extras).toMatchObject({ traceLevel: null, traceSamplePercentage: null, traceRecordPolicy: null });
  });

  it('validates DBMS_MONITOR arguments like OceanBase does', async () => {
    const enable = (id: string, level: number, pct: number, policy: string): Promise<unknown> =>
      admin.query('CALL DBMS_MONITOR.OB_SESSION_TRACE_ENABLE(?, ?, ?, ?)', [id, level, pct, policy]);
    await expect(enable(v.idle.id, 4, 0.5, 'ALL')).rejects.toMatchObject({ errno: 1210 });
    await expect(enable(v.idle.id, 0, 0.5, 'ALL')).rejects.toMatchObject({ errno: 1210 });
    await expect(enable(v.idle.id, 1, 1.5, 'ALL')).rejects.toMatchObject({ errno: 1210 });
    await expect(enable(v.idle.id, 1, -0.1, 'ALL')).rejects.toMatchObject({ errno: 1210 });
    await expect(enable(v.idle.id, 1, 0.5, 'SOMETIMES')).rejects.toMatchObject({ errno: 1210 });
    await expect(enable('999999999', 1, 0.5, 'ALL')).rejects.toMatchObject({ errno: 1235 });
    await expect(admin.query('CALL DBMS_MONITOR.OB_SESSION_TRACE_DISABLE(?)', [v.idle.id])).rejects.toMatchObject({ errno: 1235 });
    const [row] = await one(admin, adapter, caps, v.idle.id);
    expect(row!.extras.traceLevel).toBeNull();
  });

  it('kills the query, then the session', async () => {
    await admin.query(adapter.killSql(v.sleeper.id, 'query'));
    await v.sleeping;
    const [idle] = await waitForSession(admin, adapter, caps, v.sleeper.id, (r) => r[0]?.state === 'SLEEP');
    expect(idle).toMatchObject({ active: false, sql: null, sqlId: null });

    await admin.query(adapter.killSql(v.sleeper.id, 'session'));
    await waitForSession(admin, adapter, caps, v.sleeper.id, (r) => r.length === 0);
  });
});
