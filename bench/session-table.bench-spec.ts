/**
 * Browser benchmark of the tenant session table (entry 2: /tenants/:id/sessions) in Chromium.
 *
 * The real application serves the console and the login; the tenant and its sessions are served by
 * Playwright route interception, so any number of synthetic sessions can be listed. Timings are
 * taken in the page: from the moment the body of the sessions response has arrived (before it is
 * parsed) to the first task after the frame that shows the rows (requestAnimationFrame + setTimeout 0).
 *
 * - render: the session page is opened from the tenant overview (in-app navigation) and the list
 *   arrives;
 * - refresh: 刷新 with a new list of the same sessions (new row objects, times and states moved on),
 *   as auto-refresh does; also with 5,000 sessions that are all new (every row re-created).
 * The same flows with an empty table are the floor the 5,000-row figures are compared with.
 *
 * Prints only; timings are never asserted. BENCH_SCREENSHOTS=<dir> also writes screenshots.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { ADMIN_PASSWORD, startTestApp, TestApp } from '../test/support/app';
import { launchBrowser } from '../test/support/browser';

const ROWS = 5000;
const RUNS = 9;
const RENDER_LIMIT_MS = 300;
const REFRESH_LIMIT_MS = 50;
const TENANT_ID = 7;
const PAGE_SIZE = 5000;
const PAINT_MEASURE = 'db-sessions:paint';

interface Timing {
  /** sessions response body arrived → rows painted (parsing included) */
  total: number;
  /** list accepted by the store (JSON parsed) → rows painted */
  paint: number;
  /** performance.now() in the page when the rows were painted */
  paintedAt: number;
  rows: number;
}

const SQLS = [
  'SELECT o.id, o.customer_id, o.total_amount, o.created_at FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = ? AND o.created_at > NOW() - INTERVAL 1 DAY ORDER BY o.created_at DESC LIMIT 100',
  "UPDATE inventory SET quantity = quantity - 1, updated_at = NOW() WHERE sku = 'SKU-88213' AND quantity > 0",
  'INSERT INTO audit_log (actor, action, payload, created_at) VALUES (?, ?, ?, NOW())',
  'SELECT COUNT(*) FROM page_views WHERE site_id = 42 AND viewed_at BETWEEN ? AND ?',
  'DELETE FROM sessions WHERE expires_at < NOW() LIMIT 1000',
  "SELECT p.*, (SELECT AVG(r.score) FROM reviews r WHERE r.product_id = p.id) AS score FROM products p WHERE p.category IN ('a', 'b', 'c')",
];

/** `n` sessions of generation `seed`; `tick` moves their times and states on (a later poll of the same sessions). */
function synthSessions(n: number, seed: number, tick = 0): unknown[] {
  const rows: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const k = i + seed * 7919 + tick;
    const active = k % 3 === 0;
    const idleTxn = !active && k % 17 === 0;
    const sql = active || idleTxn ? SQLS[k % SQLS.length]! : null;
    rows.push({
      id: String(3221225472 + seed * 100000 + i),
      tenantId: TENANT_ID,
      sql,
      sqlTruncated: false,
      sqlId: sql ? ((k * 2654435761) >>> 0).toString(16).toUpperCase().padStart(32, '0') : null,
      user: `app_user_${k % 23}`,
      source: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}:${30000 + (k % 30000)}`,
      db: `shop_${k % 9}`,
      command: active ? 'Query' : 'Sleep',
      timeSeconds: (k * 37) % 3600,
      state: active ? 'ACTIVE' : 'INACTIVE',
      active,
      server: `172.16.0.${1 + (k % 3)}:2881`,
      proxy: String(720575940379279360 + k),
      transactionState: idleTxn ? 'IDLE_IN_TRANSACTION' : active ? 'ACTIVE' : null,
      system: false,
      extras: { TRACE_ID: `Y${k.toString(16).toUpperCase()}-0005F1A2B3C4D5E6-0-0`, RETRY_CNT: 0 },
    });
  }
  return rows;
}

const tenant = {
  id: TENANT_ID,
  clusterId: 3,
  clusterName: 'bench-ob-cluster',
  name: 'bench_tenant',
  host: '127.0.0.1',
  port: 2883,
  username: 'monitor@bench_tenant',
  proxyAddress: '127.0.0.1:2883',
  directServers: ['172.16.0.1:2881', '172.16.0.2:2881', '172.16.0.3:2881'],
  dialect: 'oceanbase',
  version: '4.2.1.0',
  capabilities: { processlistSource: 'oceanbase.GV$OB_PROCESSLIST', nativeSqlId: true, fullLinkTrace: true, killViaServer: true },
  health: { status: 'up', latencyMs: 3, error: null, checkedAt: new Date().toISOString() },
  level: 'operate',
};

/** What the intercepted sessions route currently answers. */
let dataset: unknown[] = [];

async function serveTenant(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  const m = /^\/api\/tenants\/(\d+)(\/sessions)?$/.exec(url.pathname);
  if (!m || route.request().method() !== 'GET') return route.continue();
  if (!m[2]) return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(tenant) });
  const pageSize = Math.min(10000, Number(url.searchParams.get('pageSize') ?? 500));
  const page = Number(url.searchParams.get('page') ?? 1);
  const items = dataset.slice((page - 1) * pageSize, page * pageSize);
  const body = JSON.stringify({ items, total: dataset.length, page, pageSize, fetchedAt: new Date().toISOString() });
  return route.fulfill({ status: 200, contentType: 'application/json', body });
}

/** Records when the body of each sessions response has fully arrived in the page (Response.text() resolves). */
function recordArrivals(): void {
  const w = window as unknown as { __sessionsArrivals: number[] };
  w.__sessionsArrivals = [];
  const original = Response.prototype.text;
  Response.prototype.text = async function (this: Response): Promise<string> {
    const body = await original.call(this);
    if (/\/api\/tenants\/\d+\/sessions(\?|$)/.test(this.url)) w.__sessionsArrivals.push(performance.now());
    return body;
  };
}

async function lastPaintStart(page: Page): Promise<number> {
  return page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? -1, PAINT_MEASURE);
}

/** Waits for a paint measure newer than `after` and turns it into a Timing. */
async function nextPaint(page: Page, after: number): Promise<Timing> {
  await page.waitForFunction(
    ({ name, after }) => {
      const e = performance.getEntriesByName(name)[0];
      return e !== undefined && e.startTime !== after;
    },
    { name: PAINT_MEASURE, after },
    { timeout: 30000 },
  );
  return page.evaluate((name) => {
    const e = performance.getEntriesByName(name)[0] as PerformanceMeasure;
    const end = e.startTime + e.duration;
    const arrivals = (window as unknown as { __sessionsArrivals: number[] }).__sessionsArrivals;
    const arrived = arrivals.filter((a) => a <= e.startTime).pop() ?? e.startTime;
    return { total: end - arrived, paint: e.duration, paintedAt: end, rows: (e.detail as { rows: number }).rows };
  }, PAINT_MEASURE);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (ms: number) => ms.toFixed(1);

describe('session table benchmark (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const shots = process.env.BENCH_SCREENSHOTS;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    page = await ctx.newPage();
    await page.addInitScript(recordArrivals);
    await page.route((url) => url.pathname.startsWith('/api/tenants/'), serveTenant);
    await page.goto(`${t.url}/login`);
    await page.locator('[data-test=username]').fill('admin');
    await page.locator('[data-test=password]').fill(ADMIN_PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=side-menu]').waitFor();
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** In-app navigation, as a click in the side menu does (the console's own router). */
  async function navigate(path: string): Promise<number> {
    return page.evaluate((to) => {
      const app = (document.querySelector('#app') as unknown as { __vue_app__: { config: { globalProperties: Record<string, unknown> } } })
        .__vue_app__;
      const started = performance.now();
      void (app.config.globalProperties.$router as { push(to: string): Promise<unknown> }).push(to);
      return started;
    }, path);
  }

  async function openSessions(rows: number, seed: number): Promise<{ timing: Timing; open: number }> {
    await navigate(`/tenants/${TENANT_ID}`);
    await page.locator('[data-test=tenant-overview]').waitFor();
    dataset = synthSessions(rows, seed);
    const before = await lastPaintStart(page);
    const started = await navigate(`/tenants/${TENANT_ID}/sessions?pageSize=${PAGE_SIZE}`);
    const timing = await nextPaint(page, before);
    return { timing, open: timing.paintedAt - started };
  }

  async function refresh(rows: number, seed: number, tick: number): Promise<Timing> {
    dataset = synthSessions(rows, seed, tick);
    const before = await lastPaintStart(page);
    await page.locator('[data-test=session-refresh]').click();
    return nextPaint(page, before);
  }

  async function measure(rows: number): Promise<{ render: Timing[]; open: number[]; refresh: Timing[]; renew: Timing[] }> {
    const render: Timing[] = [];
    const open: number[] = [];
    const polled: Timing[] = [];
    const renew: Timing[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await openSessions(rows, run);
      render.push(r.timing);
      open.push(r.open);
    }
    if (rows > 0) await page.locator(`[data-test^=session-row-]`).first().waitFor();
    for (let run = 1; run <= RUNS; run++) polled.push(await refresh(rows, RUNS - 1, run));
    for (let run = 0; run < RUNS; run++) renew.push(await refresh(rows, 100 + run, 0));
    return { render, open, refresh: polled, renew };
  }

  it('renders and refreshes 5,000 sessions', async () => {
    // warm-up: caches, JIT, lazy chunks
    await page.goto(`${t.url}/tenants/${TENANT_ID}`);
    await page.locator('[data-test=tenant-overview]').waitFor();
    await openSessions(200, 999);
    await refresh(200, 999, 1);

    const full = await measure(ROWS);
    const rowCount = await page.locator('[data-test^=session-row-]').count();
    const shownId = await page.locator('[data-test^=session-row-]').first().getAttribute('data-test');
    if (shots) await page.screenshot({ path: `${shots}/bench-sessions-5000.png` });

    const empty = await measure(0);
    if (shots) await page.screenshot({ path: `${shots}/bench-sessions-empty.png` });

    const m = (xs: Timing[], k: keyof Timing = 'total') => median(xs.map((x) => x[k]));
    const ratio = (a: number, b: number) => fmt(a / Math.max(b, 0.1));
    const lines = [
      `session table render ${ROWS} rows: ${fmt(m(full.render))} ms (limit ${RENDER_LIMIT_MS} ms)`,
      `session table refresh ${ROWS} rows: ${fmt(m(full.refresh))} ms (limit ${REFRESH_LIMIT_MS} ms)`,
      `session table refresh ${ROWS} rows, all sessions new: ${fmt(m(full.renew))} ms`,
      `session table render 0 rows (floor): ${fmt(m(empty.render))} ms; ratio ${ratio(m(full.render), m(empty.render))}x`,
      `session table refresh 0 rows (floor): ${fmt(m(empty.refresh))} ms; ratio ${ratio(m(full.refresh), m(empty.refresh))}x (all new: ${ratio(m(full.renew), m(empty.refresh))}x)`,
      `session table ${ROWS} rows, parsed list to painted: render ${fmt(m(full.render, 'paint'))} ms, refresh ${fmt(m(full.refresh, 'paint'))} ms, all new ${fmt(m(full.renew, 'paint'))} ms`,
      `session page open (navigation to ${ROWS} rows painted): ${fmt(median(full.open))} ms (0 rows: ${fmt(median(empty.open))} ms)`,
      `session table runs (ms) render: ${full.render.map((x) => fmt(x.total)).join(', ')}; refresh: ${full.refresh.map((x) => fmt(x.total)).join(', ')}; all new: ${full.renew.map((x) => fmt(x.total)).join(', ')}`,
      `session table rows in DOM (virtualised) for ${full.render[0]?.rows ?? 0} listed: ${rowCount}, first ${shownId ?? '-'}`,
    ];
    process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  }, 300000);
});
