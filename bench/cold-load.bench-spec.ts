/**
 * Signed-in cold load of a tenant's session page (/tenants/:id/sessions) in Chromium, against the
 * real application (built, in a process of its own) and a real tenant of the local stack.
 *
 * - JS bytes transferred (encoded, as on the wire) for a cold load: a fresh browser context that
 *   only holds the session cookie, so nothing is cached. Goal: ≤ 350 kB.
 * - navigation → first row painted, cold (empty cache), warm (the same context loading the page
 *   again: hashed assets come from the cache, being immutable; Chromium compiles the scripts once
 *   more and keeps the result), warm again (a second reload: the scripts' compiled code comes from
 *   V8's code cache too, as for a console opened every day) and in-app (the tenant menu's
 *   overview → sessions, timed from the click).
 * - BENCH_TRACE=1 also prints each load's document timing (its answer, parse done, module scripts
 *   run), request waterfall (start → first byte → end), when the layout, view and first row appeared and the page's performance marks; BENCH_PROFILE=1 the main
 *   thread's CPU time of the last cold run, by script; BENCH_CHROME_TRACE=<file> writes a Chrome
 *   trace of the last second reload.
 * - floor: the session list request alone, timed in the same page (fetch of /api/tenants/:id/sessions).
 * - references, loaded the same three ways from the same kind of server process, tenant and list
 *   request (web/bench/reference, built here): a plain page that renders the rows with DOM calls
 *   (the browser's own share of a load), and the console's frameworks and libraries alone: Vue with
 *   Element Plus's virtual table as the session page renders it, vue-router, Pinia and vue-i18n with
 *   the console's messages (what they take before any of the console's own layout and pages).
 *
 * Prints only; nothing is asserted about speed.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { ADMIN_PASSWORD, Client } from '../test/support/app';
import { type AppProcess, startAppProcess } from './app-process';
import { launchBrowser } from '../test/support/browser';
import { tenantConnection } from '../test/support/stack';

const RUNS = 5;
const REFERENCE_DIST = resolve(__dirname, '../dist/bench-reference');
const JS_GOAL_BYTES = 350 * 1024;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * `window.__firstRowPainted` resolves with performance.now() once the first frame that shows a
 * session row has been painted: the frame that shows it, then the start of the next one.
 */
const FIRST_ROW_SCRIPT = `
  window.__marks = {};
  const MARKS = { layout: '[data-test=tenant-submenu]', view: '[data-test=tenant-sessions]', skeleton: '[data-test=session-loading]', table: '[data-test=session-table]', row: '[data-test^=session-row-]' };
  window.__armFirstRow = () => {
    window.__firstRowPainted = new Promise((resolve) => {
      new MutationObserver((_, obs) => {
        for (const [k, sel] of Object.entries(MARKS)) if (!(k in window.__marks) && document.querySelector(sel)) window.__marks[k] = Math.round(performance.now());
        if (document.querySelector('[data-test^=session-row-]')) {
          obs.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
        }
      }).observe(document, { childList: true, subtree: true });
    });
  };
  window.__armFirstRow();
`;

interface FirstRowWindow {
  __armFirstRow(): void;
  __firstRowPainted: Promise<number>;
}

/** performance.now() when the page's first session row was painted (FIRST_ROW_SCRIPT). */
function firstRowPainted(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as FirstRowWindow).__firstRowPainted);
}

/** The `n` largest entries of a profile's milliseconds, one line each. */
function largest(ms: Map<string, number>, n: number): string {
  return [...ms]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0)} ms ${k}`)
    .join('\n');
}

/**
 * BENCH_TRACE: the document's timing, the page's request waterfall (from the navigation: start → first
 * byte → end) and when the layout, view and first row appeared.
 */
async function printTrace(page: Page, what: string): Promise<void> {
  const entries = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => {
      const r = e as PerformanceResourceTiming;
      return `${r.name.replace(location.origin, '')} ${r.startTime.toFixed(0)}→${r.responseStart.toFixed(0)}→${r.responseEnd.toFixed(0)}`;
    }),
  );
  // the document's own phases: its answer, the parse done, then its module scripts run (DOMContentLoaded)
  const doc = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return `document ${n.requestStart.toFixed(0)}→${n.responseStart.toFixed(0)}→${n.responseEnd.toFixed(0)}, interactive ${n.domInteractive.toFixed(0)}, scripts run by ${n.domContentLoadedEventStart.toFixed(0)}`;
  });
  const marks = await page.evaluate(() => (window as unknown as { __marks: unknown }).__marks);
  const pm = await page.evaluate(() =>
    performance
      .getEntriesByType('mark')
      .map((m) => `${m.name}:${m.startTime.toFixed(0)}`)
      .join(' '),
  );
  console.log(`${what}:\n${doc}\n${entries.join('\n')}\n${JSON.stringify(marks)}\n${pm}`);
}

/** Registers the stack's tenant A on a console; its id. */
async function registerTenant(admin: Client): Promise<number> {
  const clusterId = (await admin.post('/api/clusters', { name: 'bench-cold', kind: 'mysql' }).expect(201)).body.id;
  return (
    await admin
      .post('/api/tenants', {
        clusterId,
        name: 'bench-cold-a',
        ...tenantConnection(),
      })
      .expect(201)
  ).body.tenant.id;
}

interface Cookie {
  name: string;
  value: string;
}

/** The three loads of a page in a fresh context: cold, reload, second reload (ms to the first row painted). */
interface Loads {
  cold: number[];
  warm: number[];
  warmAgain: number[];
}

const loads = (): Loads => ({ cold: [], warm: [], warmAgain: [] });

describe('cold load of the tenant session page', () => {
  let t: AppProcess;
  let ref: AppProcess;
  let admin: Client;
  let browser: Browser;
  let tenantId: number;
  let refTenantId: number;
  let cookie: Cookie;
  let refCookie: Cookie;

  beforeAll(async () => {
    // the console's server in a process of its own, as production runs it: not on the event loop
    // of this process, which drives the browser
    t = await startAppProcess();
    admin = t.admin;
    tenantId = await registerTenant(admin);
    execFileSync(
      resolve(__dirname, '../node_modules/.bin/vite'),
      ['build', '--config', 'web/bench/reference/vite.config.ts', '--outDir', REFERENCE_DIST],
      {
        cwd: resolve(__dirname, '..'),
        stdio: 'inherit',
      },
    );
    ref = await startAppProcess({ WEB_DIST: REFERENCE_DIST });
    refTenantId = await registerTenant(ref.admin);
    browser = await launchBrowser();
    // one sign-in through the login page yields the cookie the cold contexts start with
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${t.url}/login`);
    await p.locator('[data-test=username]').fill('admin');
    await p.locator('[data-test=password]').fill(ADMIN_PASSWORD);
    await p.locator('[data-test=login-submit]').click();
    await p.locator('[data-test=side-menu]').waitFor();
    cookie = await sessionCookie(ctx);
    await ctx.close();
    // the reference pages have no sign-in page: the API's
    const refCtx = await browser.newContext();
    await refCtx.request.post(`${ref.url}/api/auth/login`, { data: { username: 'admin', password: ADMIN_PASSWORD } });
    refCookie = await sessionCookie(refCtx);
    await refCtx.close();
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await ref?.close();
  });

  async function sessionCookie(ctx: BrowserContext): Promise<Cookie> {
    const c = (await ctx.cookies()).find((x) => x.httpOnly);
    if (!c) throw new Error('no session cookie');
    return { name: c.name, value: c.value };
  }

  /** A fresh context (nothing cached) that holds only the session cookie of the console at `origin`. */
  async function coldContext(origin = t.url, c = cookie): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const url = new URL(origin);
    await ctx.addCookies([{ name: c.name, value: c.value, domain: url.hostname, path: '/', httpOnly: true }]);
    await ctx.addInitScript(FIRST_ROW_SCRIPT);
    return ctx;
  }

  /** A reference page loaded cold, reloaded and reloaded again in a fresh context. */
  async function loadReference(path: string, into: Loads): Promise<void> {
    const ctx = await coldContext(ref.url, refCookie);
    const page = await ctx.newPage();
    await page.goto(`${ref.url}${path}?tenant=${refTenantId}`);
    into.cold.push(await firstRowPainted(page));
    await page.reload();
    into.warm.push(await firstRowPainted(page));
    await page.reload();
    into.warmAgain.push(await firstRowPainted(page));
    await ctx.close();
  }

  it('prints JS bytes of a cold load and navigation → first row painted, cold and warm', async () => {
    const jsBytes: number[] = [];
    const jsRaw: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const warmAgain: number[] = [];
    const inApp: number[] = [];
    const floor: number[] = [];
    const plain = loads();
    const framework = loads();
    const pageUrl = `${t.url}/tenants/${tenantId}/sessions`;
    for (let i = 0; i < RUNS; i++) {
      const ctx = await coldContext();
      const page = await ctx.newPage();
      // The cold load's scripts, sized once the first row is painted: asking for sizes and bodies
      // while the page loads would have the browser and this process work against the page.
      const scripts: Request[] = [];
      const collect = (req: Request) => {
        if (/\.m?js(\?|$)/.test(req.url())) scripts.push(req);
      };
      page.on('requestfinished', collect);
      const cdp = process.env.BENCH_PROFILE && i === RUNS - 1 ? await ctx.newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      await page.goto(pageUrl);
      const firstRow = await firstRowPainted(page);
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        const self = new Map<string, number>();
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const dt = profile.timeDeltas ?? [];
        (profile.samples ?? []).forEach((id, k) => {
          const n = byId.get(id)!;
          const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\//, '')}:${n.callFrame.lineNumber}`;
          self.set(key, (self.get(key) ?? 0) + (dt[k] ?? 0) / 1000);
        });
        const byUrl = new Map<string, number>();
        for (const [k, v] of self) {
          const u = k.split(' ')[1]!.split(':')[0]!;
          byUrl.set(u, (byUrl.get(u) ?? 0) + v);
        }
        console.log(`${largest(byUrl, 15)}\n${largest(self, 30)}`);
      }
      cold.push(firstRow);
      page.off('requestfinished', collect);
      if (process.env.BENCH_TRACE) await printTrace(page, 'cold');
      const sizes = await Promise.all(
        scripts.map(async (req) => {
          const [s, res] = await Promise.all([req.sizes(), req.response()]);
          return { encoded: s.responseBodySize, raw: res ? (await res.body()).length : 0 };
        }),
      );
      jsBytes.push(sizes.reduce((a, s) => a + s.encoded, 0));
      jsRaw.push(sizes.reduce((a, s) => a + s.raw, 0));

      await page.reload();
      warm.push(await firstRowPainted(page));
      if (process.env.BENCH_TRACE) await printTrace(page, 'warm reload');
      // the second reload runs the scripts from V8's code cache, which the first reload produced
      const chromeTrace = i === RUNS - 1 ? process.env.BENCH_CHROME_TRACE : undefined;
      if (chromeTrace)
        await browser.startTracing(page, {
          path: chromeTrace,
          categories: ['devtools.timeline', 'v8', 'v8.execute', 'blink', 'loading', 'disabled-by-default-v8.cpu_profiler'],
        });
      await page.reload();
      warmAgain.push(await firstRowPainted(page));
      if (chromeTrace) await browser.stopTracing();
      if (process.env.BENCH_TRACE) await printTrace(page, 'second reload');

      // in-app navigation: from the tenant's overview to its session page through the tenant menu
      await page.locator('[data-test=tenant-menu-overview]').click();
      await page.waitForURL(/\/tenants\/\d+$/);
      await page.locator('[data-test=tenant-title]').waitFor();
      inApp.push(
        await page.evaluate(async () => {
          const w = window as unknown as FirstRowWindow;
          w.__armFirstRow();
          const t0 = performance.now();
          (document.querySelector('[data-test=tenant-menu-sessions]') as HTMLElement).click();
          return (await w.__firstRowPainted) - t0;
        }),
      );

      floor.push(
        await page.evaluate(async (id) => {
          const t0 = performance.now();
          const res = await fetch(`/api/tenants/${id}/sessions?pageSize=500&sort=activity:desc`, { credentials: 'same-origin' });
          await res.json();
          return performance.now() - t0;
        }, tenantId),
      );
      await ctx.close();

      await loadReference('/plain.html', plain);
      await loadReference('/', framework);
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    const f = median(floor);
    const three = (l: Loads) => `${median(l.cold).toFixed(0)} / ${median(l.warm).toFixed(0)} / ${median(l.warmAgain).toFixed(0)} ms`;
    const ratio = (xs: number[], ys: number[]) => `${(median(xs) / median(ys)).toFixed(2)}×`;
    const lines = [
      `cold load of /tenants/:id/sessions, median of ${RUNS} runs (1440×900)`,
      `  JS transferred (compressed): ${kb(median(jsBytes))}  (uncompressed ${kb(median(jsRaw))}; goal ≤ ${kb(JS_GOAL_BYTES)}: ${median(jsBytes) <= JS_GOAL_BYTES ? 'met' : 'NOT met'})`,
      `  navigation → first row painted (goals: ≤ 1000 ms cold, ≤ 250 ms warm)`,
      `    cold, empty cache (signed in, the page's URL opened):  ${median(cold).toFixed(0)} ms  [${cold.map((x) => x.toFixed(0)).join(', ')}]`,
      `    warm, reload with the HTTP cache filled:                ${median(warm).toFixed(0)} ms  [${warm.map((x) => x.toFixed(0)).join(', ')}]`,
      `    warm, second reload (V8's code cache in use):          ${median(warmAgain).toFixed(0)} ms  [${warmAgain.map((x) => x.toFixed(0)).join(', ')}]`,
      `    warm, in-app navigation (overview → sessions):         ${median(inApp).toFixed(0)} ms  [${inApp.map((x) => x.toFixed(0)).join(', ')}]`,
      `  floor, the session list request alone: ${f.toFixed(1)} ms → cold ${(median(cold) / f).toFixed(1)}×, warm reload ${(median(warm) / f).toFixed(1)}×, second reload ${(median(warmAgain) / f).toFixed(1)}×, in-app ${(median(inApp) / f).toFixed(1)}× the floor`,
      `  references, the same tenant and list (cold / warm reload / second reload):`,
      `    a plain page, the rows rendered with DOM calls:     ${three(plain)}`,
      `    the console's frameworks and libraries alone:       ${three(framework)}`,
      `  console ÷ the frameworks-and-libraries reference: cold ${ratio(cold, framework.cold)}, warm reload ${ratio(warm, framework.warm)}, second reload ${ratio(warmAgain, framework.warmAgain)}`,
    ];
    console.log(lines.join('\n'));
  });
});
