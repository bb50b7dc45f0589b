/**
 * Signed-in cold load of a tenant's session page (/tenants/:id/sessions) in Chromium, against the
 * real application and a real tenant of the local stack.
 *
 * - JS bytes transferred (encoded, as on the wire) for a cold load: a fresh browser context that
 *   only holds the session cookie, so nothing is cached. Goal: ≤ 350 kB.
 * - navigation → first row painted, cold (empty cache) and warm (the same context loading the page
 *   again: hashed assets come from the cache, being immutable).
 * - floor: the session list request alone, timed in the same page (fetch of /api/tenants/:id/sessions).
 *
 * Prints only; nothing is asserted about speed.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../test/support/app';
import { launchBrowser } from '../test/support/browser';
import { STACK } from '../test/support/stack';

const RUNS = 5;
const JS_GOAL_BYTES = 350 * 1024;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** records performance.now() of the first frame that shows a session row */
const FIRST_ROW_SCRIPT = `
  window.__firstRow = null;
  new MutationObserver((_, obs) => {
    if (window.__firstRow === null && document.querySelector('[data-test^=session-row-]')) {
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window.__firstRow = performance.now(); }, 0));
    }
  }).observe(document, { childList: true, subtree: true });
`;

describe('cold load of the tenant session page', () => {
  let t: TestApp;
  let admin: Client;
  let browser: Browser;
  let tenantId: number;
  let cookie: { name: string; value: string };

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const clusterId = (await admin.post('/api/clusters', { name: 'bench-cold', kind: 'mysql' }).expect(201)).body.id;
    tenantId = (
      await admin
        .post('/api/tenants', {
          clusterId,
          name: 'bench-cold-a',
          host: STACK.tenantA.host,
          port: STACK.tenantA.port,
          username: STACK.tenantA.user,
          password: STACK.tenantA.password,
        })
        .expect(201)
    ).body.tenant.id;
    browser = await launchBrowser();
    // one sign-in through the login page yields the cookie the cold contexts start with
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${t.url}/login`);
    await p.locator('[data-test=username]').fill('admin');
    await p.locator('[data-test=password]').fill(ADMIN_PASSWORD);
    await p.locator('[data-test=login-submit]').click();
    await p.locator('[data-test=side-menu]').waitFor();
    const c = (await ctx.cookies()).find((x) => x.httpOnly);
    if (!c) throw new Error('no session cookie');
    cookie = { name: c.name, value: c.value };
    await ctx.close();
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function coldContext(): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const url = new URL(t.url);
    await ctx.addCookies([{ name: cookie.name, value: cookie.value, domain: url.hostname, path: '/', httpOnly: true }]);
    await ctx.addInitScript(FIRST_ROW_SCRIPT);
    return ctx;
  }

  it('prints JS bytes of a cold load and navigation → first row painted, cold and warm', async () => {
    const jsBytes: number[] = [];
    const jsRaw: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const floor: number[] = [];
    const pageUrl = `${t.url}/tenants/${tenantId}/sessions`;
    for (let i = 0; i < RUNS; i++) {
      const ctx = await coldContext();
      const page = await ctx.newPage();
      const scripts: Promise<{ encoded: number; raw: number }>[] = [];
      page.on('requestfinished', (req) => {
        if (!/\.m?js(\?|$)/.test(req.url())) return;
        scripts.push(
          Promise.all([req.sizes(), req.response()]).then(async ([s, res]) => ({
            encoded: s.responseBodySize,
            raw: res ? (await res.body()).length : 0,
          })),
        );
      });
      await page.goto(pageUrl);
      await page.waitForFunction(() => (window as unknown as { __firstRow: number | null }).__firstRow !== null);
      cold.push(await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow));
      if (process.env.BENCH_TRACE) {
        const entries = await page.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .map(
              (e) =>
                `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}→${(e as PerformanceResourceTiming).responseEnd.toFixed(0)}`,
            ),
        );
        console.log(entries.join('\n'));
      }
      const sizes = await Promise.all(scripts);
      jsBytes.push(sizes.reduce((a, s) => a + s.encoded, 0));
      jsRaw.push(sizes.reduce((a, s) => a + s.raw, 0));

      await page.reload();
      await page.waitForFunction(() => (window as unknown as { __firstRow: number | null }).__firstRow !== null);
      warm.push(await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow));

      floor.push(
        await page.evaluate(async (id) => {
          const t0 = performance.now();
          const res = await fetch(`/api/tenants/${id}/sessions?pageSize=500&sort=activity:desc`, { credentials: 'same-origin' });
          await res.json();
          return performance.now() - t0;
        }, tenantId),
      );
      await ctx.close();
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    const f = median(floor);
    const lines = [
      `cold load of /tenants/:id/sessions, median of ${RUNS} runs (1440×900)`,
      `  JS transferred (compressed): ${kb(median(jsBytes))}  (uncompressed ${kb(median(jsRaw))}; goal ≤ ${kb(JS_GOAL_BYTES)}: ${median(jsBytes) <= JS_GOAL_BYTES ? 'met' : 'NOT met'})`,
      `  navigation → first row painted: cold ${median(cold).toFixed(0)} ms, warm ${median(warm).toFixed(0)} ms (goals: ≤ 1000 ms cold, ≤ 250 ms warm)`,
      `  floor, the session list request alone: ${f.toFixed(1)} ms → cold ${(median(cold) / f).toFixed(1)}×, warm ${(median(warm) / f).toFixed(1)}× the floor`,
    ];
    console.log(lines.join('\n'));
  });
});
