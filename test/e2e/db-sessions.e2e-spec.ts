import { createConnection, type Connection } from 'mysql2/promise';
import { ADMIN_PASSWORD, Client, login, startSecondInstance, startTestApp, TestApp } from '../support/app';
import { installOceanBaseFixture } from '../support/oceanbase-fixture';
import { MariaDbServer, waitFor } from '../support/servers';
import { STACK, tenantConnection } from '../support/stack';

const VICTIM = 'so_e2e_victim';
const VICTIM_PW = 'victim-pw-1';
const NOADMIN = 'so_e2e_noadmin';
const COUNTER = 'so_e2e_counter';
const VDB = 'so_e2e_victim_db';
const OB_VERSION = '5.7.25-OceanBase_CE-v4.2.1.2';

interface Row {
  id: string;
  user: string;
  source: string;
  db: string | null;
  command: string;
  timeSeconds: number;
  state: string;
  active: boolean;
  transactionState: string | null;
  console: boolean;
  sql: string | null;
  sqlTruncated: boolean;
  sqlId: string | null;
  server: string | null;
}

async function victim(): Promise<Connection> {
  return createConnection({ host: STACK.tenantA.host, port: STACK.tenantA.port, user: VICTIM, password: VICTIM_PW, database: VDB });
}

function sourceOf(c: Connection): string {
  const stream = (c as unknown as { connection: { stream: { localAddress: string; localPort: number } } }).connection.stream;
  return `${stream.localAddress.replace(/^::ffff:/, '')}:${stream.localPort}`;
}

async function asRoot(sql: string[]): Promise<void> {
  const c = await createConnection({ ...STACK.tenantA });
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

describe('tenant sessions on a real MariaDB tenant', () => {
  let t: TestApp;
  let admin: Client;
  let tenantId: number;
  let running: Connection;
  let idle: Connection;
  let inTrx: Connection;
  let runningQuery: Promise<unknown>;

  const list = async (query = ''): Promise<{ items: Row[]; total: number }> =>
    (await admin.get(`/api/tenants/${tenantId}/sessions?pageSize=10000${query}`).expect(200)).body;
  const find = async (c: Connection): Promise<Row | undefined> => (await list()).items.find((r) => r.id === String(c.threadId));
  /** Polls the list until the connection's row satisfies `ok`; returns that row. */
  const waitForRow = async (c: Connection, ok: (r: Row) => boolean): Promise<Row> => {
    let seen: Row | undefined;
    await waitFor(`session ${c.threadId} to reach the expected state`, async () => {
      seen = (await list(`&sessionId=${c.threadId}`)).items[0];
      return seen !== undefined && ok(seen);
    });
    return seen!;
  };

  beforeAll(async () => {
    await asRoot([
      `DROP USER IF EXISTS '${VICTIM}'@'127.0.0.1'`,
      `DROP USER IF EXISTS '${NOADMIN}'@'127.0.0.1'`,
      `DROP USER IF EXISTS '${COUNTER}'@'127.0.0.1'`,
      `CREATE USER '${VICTIM}'@'127.0.0.1' IDENTIFIED BY '${VICTIM_PW}'`,
      `CREATE USER '${NOADMIN}'@'127.0.0.1' IDENTIFIED BY 'noadmin-pw'`,
      `CREATE USER '${COUNTER}'@'127.0.0.1' IDENTIFIED BY 'counter-pw'`,
      `GRANT PROCESS ON *.* TO '${NOADMIN}'@'127.0.0.1'`,
      `GRANT PROCESS ON *.* TO '${COUNTER}'@'127.0.0.1'`,
      `CREATE DATABASE IF NOT EXISTS ${VDB}`,
      `CREATE TABLE IF NOT EXISTS ${VDB}.t (id INT PRIMARY KEY) ENGINE=InnoDB`,
      `GRANT ALL ON ${VDB}.* TO '${VICTIM}'@'127.0.0.1'`,
    ]);
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const cluster = (await admin.post('/api/clusters', { name: 'local', kind: 'mysql' }).expect(201)).body.id;
    const res = await admin
      .post('/api/tenants', {
        clusterId: cluster,
        name: 'tenant-a',
        host: STACK.tenantA.host,
        port: STACK.tenantA.port,
        username: 'sessionops',
        password: 'sessionops',
      })
      .expect(201);
    tenantId = res.body.tenant.id;

    running = await victim();
    idle = await victim();
    inTrx = await victim();
    await inTrx.query('START TRANSACTION');
    await inTrx.query(`INSERT INTO ${VDB}.t VALUES (${inTrx.threadId})`);
    runningQuery = running.query('SELECT SLEEP(60) AS slept').catch((e: unknown) => e);
    await waitFor('the SLEEP victim to show as active', async () => (await find(running))?.active === true);
  });

  afterAll(async () => {
    for (const c of [running, idle, inTrx]) c?.destroy();
    await t.close();
    await asRoot([
      `DROP DATABASE IF EXISTS ${VDB}`,
      `DROP USER IF EXISTS '${VICTIM}'@'127.0.0.1'`,
      `DROP USER IF EXISTS '${NOADMIN}'@'127.0.0.1'`,
      `DROP USER IF EXISTS '${COUNTER}'@'127.0.0.1'`,
    ]);
  });

  it('lists each victim with the right user, source, database, command, time and state', async () => {
    const rows = (await list()).items;
    const byId = (c: Connection) => rows.find((r) => r.id === String(c.threadId))!;
    expect(byId(running)).toMatchObject({
      user: VICTIM,
      source: sourceOf(running),
      db: VDB,
      command: 'Query',
      state: 'ACTIVE',
      active: true,
      sql: 'SELECT SLEEP(60) AS slept',
    });
    expect(byId(running).sqlId).toMatch(/^[0-9A-F]{32}$/);
    expect(byId(idle)).toMatchObject({
      user: VICTIM,
      source: sourceOf(idle),
      db: VDB,
      command: 'Sleep',
      active: false,
      transactionState: null,
    });
    expect(byId(inTrx)).toMatchObject({ user: VICTIM, command: 'Sleep', active: false, transactionState: 'IDLE_IN_TRANSACTION' });
    expect(byId(running).timeSeconds).toBeGreaterThanOrEqual(0);
    expect(byId(running).timeSeconds).toBeLessThan(60);
    // the console's own pool connection is listed and marked
    expect(rows.some((r) => r.console)).toBe(true);
  });

  it('narrows the list with each filter', async () => {
    const ids = (rows: Row[]) => rows.map((r) => r.id).sort();
    const victims = [running, idle, inTrx].map((c) => String(c.threadId)).sort();
    expect(ids((await list(`&user=${VICTIM.toUpperCase()}`)).items)).toEqual(victims);
    expect(ids((await list(`&sessionId=${idle.threadId}`)).items)).toEqual([String(idle.threadId)]);
    expect(ids((await list(`&source=${encodeURIComponent(sourceOf(idle))}`)).items)).toEqual([String(idle.threadId)]);
    expect(ids((await list(`&db=victim_DB&user=${VICTIM}`)).items)).toEqual(victims);
    const active = (await list('&activeOnly=true')).items;
    expect(active.every((r) => r.active)).toBe(true);
    expect(active.map((r) => r.id)).toContain(String(running.threadId));
    expect(active.map((r) => r.id)).not.toContain(String(idle.threadId));
    const sorted = (await list('&sort=time:desc')).items.map((r) => r.timeSeconds);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    const paged = (await admin.get(`/api/tenants/${tenantId}/sessions?user=${VICTIM}&pageSize=2&page=2&sort=id:asc`).expect(200)).body;
    expect(paged).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.items).toHaveLength(1);
  });

  it('refuses malformed ids, an empty batch and an oversized batch', async () => {
    const tooBigForJson = [2 ** 53 + 2];
    for (const ids of [
      ['abc'],
      ['-1'],
      ['9223372036854775808'],
      [-1],
      [1.5],
      tooBigForJson,
      [true],
      [],
      Array.from({ length: 501 }, (_, i) => String(i + 1)),
    ]) {
      const res = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids, scope: 'session' }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: ['1'], scope: 'everything' }).expect(400);
    await admin.get(`/api/tenants/${tenantId}/sessions/12x`).expect(400);
    await admin.get(`/api/tenants/${tenantId}/sessions?sessionId=-5`).expect(400);
  });

  it('does not kill a session whose id now belongs to someone else (changed)', async () => {
    const res = await admin
      .post(`/api/tenants/${tenantId}/sessions/kill`, {
        ids: [String(idle.threadId)],
        scope: 'session',
        expect: { [String(idle.threadId)]: { user: 'someone_else', source: sourceOf(idle) } },
      })
      .expect(200);
    expect(res.body.results).toEqual([expect.objectContaining({ id: String(idle.threadId), outcome: 'changed', code: 'SESSION_CHANGED' })]);
    await expect(idle.query('SELECT 1')).resolves.toBeDefined();
  });

  it('KILL QUERY ends the statement (1317) and the connection still answers', async () => {
    const id = String(running.threadId);
    const res = await admin
      .post(`/api/tenants/${tenantId}/sessions/kill`, {
        ids: [id],
        scope: 'query',
        expect: { [id]: { user: VICTIM, source: sourceOf(running) } },
      })
      .expect(200);
    expect(res.body.results).toEqual([{ id, outcome: 'killed' }]);
    const outcome = (await runningQuery) as { errno?: number };
    expect(outcome.errno).toBe(1317);
    const [rows] = await running.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('KILL closes the connection (id sent as a JSON number, answered as a string); killing it again is not_found', async () => {
    const id = String(idle.threadId);
    const res = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: [idle.threadId], scope: 'session' }).expect(200);
    expect(res.body.results).toEqual([{ id, outcome: 'killed' }]);
    await expect(idle.query('SELECT 1')).rejects.toThrow();
    const again = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: [id], scope: 'session' }).expect(200);
    expect(again.body.results).toEqual([expect.objectContaining({ id, outcome: 'not_found' })]);
  });

  it("refuses to kill the console's own connection", async () => {
    const own = (await list()).items.find((r) => r.console)!;
    const res = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: [own.id], scope: 'session' }).expect(200);
    expect(res.body.results).toEqual([expect.objectContaining({ id: own.id, outcome: 'refused', code: 'OWN_CONNECTION' })]);
    await admin.get(`/api/tenants/${tenantId}/sessions`).expect(200);
  });

  it("refuses to kill a connection of another registration of the same server, and marks it as the console's", async () => {
    const ownIds = (await list()).items.filter((r) => r.console).map((r) => r.id);
    expect(ownIds.length).toBeGreaterThan(0);
    // the same server under a second cluster: a registration with a pool of its own
    const cluster = (await admin.post('/api/clusters', { name: 'same-server', kind: 'mysql' }).expect(201)).body.id;
    const twin = (
      await admin
        .post('/api/tenants', {
          clusterId: cluster,
          name: 'tenant-a-again',
          host: STACK.tenantA.host,
          port: STACK.tenantA.port,
          username: 'sessionops',
          password: 'sessionops',
        })
        .expect(201)
    ).body.tenant.id;
    try {
      const seen = (await admin.get(`/api/tenants/${twin}/sessions?pageSize=10000`).expect(200)).body.items as Row[];
      for (const id of ownIds) expect(seen.find((r) => r.id === id)).toMatchObject({ console: true });
      const res = await admin.post(`/api/tenants/${twin}/sessions/kill`, { ids: ownIds, scope: 'session' }).expect(200);
      expect(res.body.results).toEqual(ownIds.map((id) => expect.objectContaining({ id, outcome: 'refused', code: 'OWN_CONNECTION' })));
      await admin.get(`/api/tenants/${tenantId}/sessions`).expect(200);
    } finally {
      await admin.del(`/api/tenants/${twin}`).expect(204);
    }
  });

  it("refuses to kill another console instance's connections, and marks them as the console's", async () => {
    const ownIds = (await list()).items.filter((r) => r.console).map((r) => r.id);
    expect(ownIds.length).toBeGreaterThan(0);
    const b = await startSecondInstance(t, { TENANT_HEALTH_INTERVAL_MS: '0' });
    try {
      const onB = await login(b.url, 'admin', ADMIN_PASSWORD);
      const seen = (await onB.get(`/api/tenants/${tenantId}/sessions?pageSize=10000`).expect(200)).body.items as Row[];
      for (const id of ownIds) expect(seen.find((r) => r.id === id)).toMatchObject({ console: true });
      const res = await onB.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: ownIds, scope: 'session' }).expect(200);
      expect(res.body.results).toEqual(ownIds.map((id) => expect.objectContaining({ id, outcome: 'refused', code: 'OWN_CONNECTION' })));
      // and the other way round: B reads one session (B's list came from A's shared result, so
      // only now does B open a connection of its own), and A knows that connection as the console's
      await onB.get(`/api/tenants/${tenantId}/sessions/${running.threadId}`).expect(200);
      let bIds: string[] = [];
      await waitFor("B's connection in A's list", async () => {
        bIds = (await list()).items.filter((r) => r.console && !ownIds.includes(r.id)).map((r) => r.id);
        return bIds.length > 0;
      });
      const back = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: bIds, scope: 'query' }).expect(200);
      expect(back.body.results).toEqual(bIds.map((id) => expect.objectContaining({ id, outcome: 'refused', code: 'OWN_CONNECTION' })));
    } finally {
      await b.close();
    }
  });

  it('returns 50 per-id results for a batch of 50 and audits each', async () => {
    const conns = await Promise.all(Array.from({ length: 48 }, () => victim()));
    try {
      const ids = [...conns.map((c) => String(c.threadId)), String(inTrx.threadId), '999999999'];
      const res = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids, scope: 'session' }).expect(200);
      expect(res.body.results).toHaveLength(50);
      const outcomes = res.body.results.map((r: { outcome: string }) => r.outcome);
      expect(outcomes.filter((o: string) => o === 'killed')).toHaveLength(49);
      expect(res.body.results[49]).toMatchObject({ id: '999999999', outcome: 'not_found' });
      // the open transaction was rolled back with its connection
      const [rows] = await running.query(`SELECT COUNT(*) AS n FROM ${VDB}.t`);
      expect(rows).toEqual([{ n: 0 }]);
      const audit = (await admin.get(`/api/audit?action=session.kill&tenantId=${tenantId}&pageSize=200`).expect(200)).body;
      expect(audit.items.filter((a: { sessionId: string }) => ids.includes(a.sessionId)).length).toBeGreaterThanOrEqual(50);
      const row = audit.items.find((a: { sessionId: string }) => a.sessionId === String(inTrx.threadId));
      expect(row).toMatchObject({ result: 'ok', target: { user: VICTIM, db: VDB } });
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  it('returns a 1 MiB statement whole in the detail and a preview in the list', async () => {
    const c = await victim();
    try {
      const sql = `SELECT SLEEP(20), '${'x'.repeat(1024 * 1024)}' AS pad`;
      const q = c.query(sql).catch((e: unknown) => e);
      const id = String(c.threadId);
      // The server marks a connection busy (COMMAND 'Query') a moment before it publishes the
      // statement text in INFO, and a list read in that moment is reused for SESSION_LIST_CACHE_MS:
      // wait until a list shows the statement, not merely the busy connection.
      const row = await waitForRow(c, (r) => (r.sql ?? '').startsWith('SELECT SLEEP(20)'));
      expect(row.sqlTruncated).toBe(true);
      expect(row.sql).toBe(sql.slice(0, 512));
      const detail = (await admin.get(`/api/tenants/${tenantId}/sessions/${id}`).expect(200)).body;
      expect(detail.sql).toHaveLength(sql.length);
      expect(detail.sql === sql).toBe(true);
      expect(detail.sqlTruncated).toBe(false);
      await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: [id], scope: 'query' }).expect(200);
      await q;
    } finally {
      c.destroy();
    }
  });

  it('copes with emoji and binary bytes in a statement', async () => {
    const c = await victim();
    try {
      const q = c.query("SELECT SLEEP(20), '😀 ünïcødé', X'00FF10' AS bin").catch((e: unknown) => e);
      const id = String(c.threadId);
      await waitForRow(c, (r) => (r.sql ?? '').startsWith('SELECT SLEEP(20)'));
      const detail = (await admin.get(`/api/tenants/${tenantId}/sessions/${id}`).expect(200)).body;
      // information_schema stores INFO as utf8mb3: 4-byte characters may come back as '?'
      expect(detail.sql).toMatch(/^SELECT SLEEP\(20\), '(😀|\?+) ünïcødé', X'00FF10' AS bin$/);
      expect(detail.sqlId).toMatch(/^[0-9A-F]{32}$/);
      await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: [id], scope: 'query' }).expect(200);
      await q;
    } finally {
      c.destroy();
    }
  });

  it("surfaces the database's 1095 as failed when the tenant account may not kill", async () => {
    const cluster = (await admin.get('/api/clusters').expect(200)).body.items[0].id;
    const weak = (
      await admin
        .post('/api/tenants', {
          clusterId: cluster,
          name: 'weak',
          host: STACK.tenantA.host,
          port: STACK.tenantA.port,
          username: NOADMIN,
          password: 'noadmin-pw',
        })
        .expect(201)
    ).body.tenant.id;
    const id = String(running.threadId);
    // KILL (not KILL QUERY): earlier tests may have ended this victim's statement already
    const res = await admin.post(`/api/tenants/${weak}/sessions/kill`, { ids: [id], scope: 'session' }).expect(200);
    expect(res.body.results).toEqual([expect.objectContaining({ id, outcome: 'failed', code: '1095' })]);
    await admin.del(`/api/tenants/${weak}`).expect(204);
  });

  it('coalesces 50 concurrent list requests on each of two instances into one processlist query on the server', async () => {
    // a reuse window longer than the burst, so the count does not depend on the machine's speed
    const env = { TENANT_HEALTH_INTERVAL_MS: '0', SESSION_LIST_CACHE_MS: '60000' };
    const app = await startTestApp(env);
    const other = await startSecondInstance(app, env);
    const own = await login(app.url, 'admin', ADMIN_PASSWORD);
    const second = await login(other.url, 'admin', ADMIN_PASSWORD);
    const cluster = (await own.post('/api/clusters', { name: 'c', kind: 'mysql' }).expect(201)).body.id;
    const counted = (
      await own
        .post('/api/tenants', {
          clusterId: cluster,
          name: 'counted',
          host: STACK.tenantA.host,
          port: STACK.tenantA.port,
          username: COUNTER,
          password: 'counter-pw',
        })
        .expect(201)
    ).body.tenant.id;
    // performance_schema counts statements per account: the server's own counter
    const statements = async (): Promise<{ processlist: number; select: number }> => {
      const c = await createConnection({ ...STACK.tenantA });
      try {
        const [rows] = await c.query(
          'SELECT EVENT_NAME AS e, COUNT_STAR AS n FROM performance_schema.events_statements_summary_by_user_by_event_name WHERE USER = ?',
          [COUNTER],
        );
        const n = (e: string) => Number((rows as { e: string; n: string }[]).find((r) => r.e === e)?.n ?? 0);
        return { processlist: n('statement/sql/show_processlist'), select: n('statement/sql/select') };
      } finally {
        await c.end();
      }
    };
    const before = await statements();
    try {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? second : own).get(`/api/tenants/${counted}/sessions`)),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(new Set(answers.map((a) => a.body.fetchedAt)).size).toBe(1);
      const after = await statements();
      // one SHOW FULL PROCESSLIST and one read of INNODB_TRX, for both instances together
      expect(after.processlist - before.processlist).toBe(1);
      expect(after.select - before.select).toBe(1);
    } finally {
      await other.close();
      await app.close();
    }
  });

  it('a tenant changed or deleted through one instance is read anew by the other on its very next request', async () => {
    const env = { TENANT_HEALTH_INTERVAL_MS: '0', SESSION_LIST_CACHE_MS: '0' };
    const app = await startTestApp(env);
    const other = await startSecondInstance(app, env);
    try {
      const own = await login(app.url, 'admin', ADMIN_PASSWORD);
      const second = await login(other.url, 'admin', ADMIN_PASSWORD);
      const cluster = (await own.post('/api/clusters', { name: 'c', kind: 'mysql' }).expect(201)).body.id;
      const id = (
        await own
          .post('/api/tenants', {
            clusterId: cluster,
            name: 'moved',
            ...tenantConnection(),
          })
          .expect(201)
      ).body.tenant.id;
      const servers = async (): Promise<(string | null)[]> => [
        ...new Set(((await own.get(`/api/tenants/${id}/sessions`).expect(200)).body.items as Row[]).map((r) => r.server)),
      ];
      // the first instance has read (and keeps) the tenant's row
      expect(await servers()).toEqual([`127.0.0.1:${STACK.tenantA.port}`]);
      expect(await servers()).toEqual([`127.0.0.1:${STACK.tenantA.port}`]);

      // moved to the other server through the second instance: the first lists that server next
      await second.patch(`/api/tenants/${id}`, { port: STACK.tenantB.port, password: STACK.tenantB.password }).expect(200);
      expect(await servers()).toEqual([`127.0.0.1:${STACK.tenantB.port}`]);

      // deleted through the second instance: gone on the first at once
      await second.del(`/api/tenants/${id}`).expect(204);
      const gone = await own.get(`/api/tenants/${id}/sessions`).expect(404);
      expect(gone.body.code).toBe('TENANT_NOT_FOUND');
    } finally {
      await other.close();
      await app.close();
    }
  });
});

describe('cluster-level sessions and the OceanBase adapter on an OceanBase-compatible fixture', () => {
  let t: TestApp;
  let admin: Client;
  let ob: MariaDbServer;
  let clusterId: number;
  let obTenant: number;
  let liveTenant: number;
  let obVictim: Connection;

  beforeAll(async () => {
    // A server that introduces itself as OceanBase does, with the fixture but no ob_version():
    // detection must come from VERSION() alone.
    ob = await MariaDbServer.start([`--version=${OB_VERSION}`]);
    const root = await createConnection({
      host: '127.0.0.1',
      port: ob.port,
      user: 'sessionops',
      password: 'sessionops',
      multipleStatements: false,
    });
    await installOceanBaseFixture(root);
    await root.query('DROP FUNCTION oceanbase.ob_version');
    const [[version]] = (await root.query('SELECT VERSION() AS v')) as unknown as [{ v: string }[]];
    expect(version!.v).toBe(OB_VERSION);
    await root.end();
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', SESSION_LIST_CACHE_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    clusterId = (await admin.post('/api/clusters', { name: 'obcluster', kind: 'oceanbase' }).expect(201)).body.id;
    const created = await admin
      .post('/api/tenants', {
        clusterId,
        name: 'ob_mysql',
        host: '127.0.0.1',
        port: ob.port,
        username: 'sessionops',
        password: 'sessionops',
      })
      .expect(201);
    obTenant = created.body.tenant.id;
    expect(created.body.tenant).toMatchObject({
      dialect: 'oceanbase',
      version: '4.2.1.2',
      capabilities: { processlistSource: 'oceanbase.GV$OB_PROCESSLIST', nativeSqlId: true, fullLinkTrace: true, killViaServer: true },
    });
    liveTenant = (
      await admin
        .post('/api/tenants', {
          clusterId,
          name: 'plain',
          host: STACK.tenantB.host,
          port: STACK.tenantB.port,
          username: 'sessionops',
          password: 'sessionops',
        })
        .expect(201)
    ).body.tenant.id;
    obVictim = await createConnection({ host: '127.0.0.1', port: ob.port, user: 'sessionops', password: 'sessionops' });
  }, 120000);

  afterAll(async () => {
    obVictim?.destroy();
    await t?.close();
    await ob?.destroy();
  });

  it('lists through GV$OB_PROCESSLIST with OBServer addresses', async () => {
    const res = await admin.get(`/api/tenants/${obTenant}/sessions?sessionId=${obVictim.threadId}`).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: String(obVictim.threadId),
        user: 'sessionops',
        server: `127.0.0.1:${ob.port}`,
        state: 'SLEEP',
        active: false,
      }),
    ]);
  });

  it('enables, shows and disables session-level full-link trace on the OBServer', async () => {
    const id = obVictim.threadId;
    const on = await admin
      .put(`/api/tenants/${obTenant}/sessions/${id}/trace`, { level: 2, sampleRate: 0.5, recordPolicy: 'SAMPLE_AND_SLOW_QUERY' })
      .expect(200);
    expect(on.body).toMatchObject({ enabled: true, level: 2, sampleRate: 0.5, recordPolicy: 'SAMPLE_AND_SLOW_QUERY' });
    const shown = await admin.get(`/api/tenants/${obTenant}/sessions/${id}/trace`).expect(200);
    expect(shown.body).toMatchObject({ enabled: true, level: 2 });
    const off = await admin.del(`/api/tenants/${obTenant}/sessions/${id}/trace`).expect(200);
    expect(off.body).toMatchObject({ enabled: false });
    const bad = await admin
      .put(`/api/tenants/${obTenant}/sessions/${id}/trace`, { level: 4, sampleRate: 2, recordPolicy: 'SOMETIMES' })
      .expect(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['level', 'recordPolicy', 'sampleRate']);
    const mariadb = await admin.get(`/api/tenants/${liveTenant}/sessions/1/trace`).expect(422);
    expect(mariadb.body.code).toBe('FEATURE_UNAVAILABLE');
  });

  it('kills through the OceanBase adapter', async () => {
    const id = String(obVictim.threadId);
    const res = await admin.post(`/api/tenants/${obTenant}/sessions/kill`, { ids: [id], scope: 'session' }).expect(200);
    expect(res.body.results).toEqual([{ id, outcome: 'killed' }]);
    await expect(obVictim.query('SELECT 1')).rejects.toThrow();
  });

  it('lists every tenant of the cluster, and a tenant that is down shows as an error entry', async () => {
    const both = await admin.get(`/api/clusters/${clusterId}/sessions?pageSize=10000`).expect(200);
    expect(both.body.errors).toEqual([]);
    expect(new Set(both.body.items.map((r: { tenantId: number }) => r.tenantId))).toEqual(new Set([obTenant, liveTenant]));
    expect(both.body.tenants.map((x: { name: string }) => x.name)).toEqual(['ob_mysql', 'plain']);
    const onlyOne = await admin.get(`/api/clusters/${clusterId}/sessions?tenantId=${liveTenant}&pageSize=10000`).expect(200);
    expect(
      onlyOne.body.items.every((r: { tenantId: number; tenantName: string }) => r.tenantId === liveTenant && r.tenantName === 'plain'),
    ).toBe(true);

    await ob.stop();
    const res = await admin.get(`/api/clusters/${clusterId}/sessions?pageSize=10000`).expect(200);
    expect(res.body.errors).toEqual([expect.objectContaining({ tenantId: obTenant, tenantName: 'ob_mysql', code: 'TENANT_UNREACHABLE' })]);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((r: { tenantId: number }) => r.tenantId === liveTenant)).toBe(true);
    const single = await admin.get(`/api/tenants/${obTenant}/sessions`).expect(502);
    expect(single.body.code).toBe('TENANT_UNREACHABLE');
  });
});
