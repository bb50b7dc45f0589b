import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Connection } from 'mysql2/promise';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { launchBrowser, screenshotSettled, signIn } from '../support/browser';
import { waitFor } from '../support/servers';
import { tenantConnection } from '../support/stack';
import { connectVictim, createVictimAccount, dropVictimAccount, isClosed, type VictimAccount } from '../support/victims';

const ACCOUNT: VictimAccount = { user: 'so_br_victim', password: 'victim-pw-2', database: 'so_br_victim_db' };
const VICTIM = ACCOUNT.user;
const VDB = ACCOUNT.database;
const AUDITOR = 'br_auditor';
const AUDITOR_PW = 'auditor-pw-123';
const RUNNING_SQL = 'SELECT SLEEP(60) AS slept';
/** BROWSER_SCREENSHOTS=<dir> keeps screenshots of the pages this file visits */
const SHOTS = process.env.BROWSER_SCREENSHOTS;

describe('tenant session console against live victim sessions (Chromium)', () => {
  let t: TestApp;
  let admin: Client;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let clusterId: number;
  let tenantId: number;
  let running: Connection;
  let idle: Connection;
  let inTrx: Connection;
  let batch: Connection[];
  let runningQuery: Promise<unknown>;

  const row = (c: Connection) => page.locator(`[data-test=session-row-${c.threadId}]`);
  const confirmButton = (p: Page) => p.locator('[data-test=session-confirm-ok]');

  async function listed(c: Connection): Promise<{ active: boolean } | undefined> {
    const res = await admin.get(`/api/tenants/${tenantId}/sessions?pageSize=10000&user=${VICTIM}`).expect(200);
    return (res.body.items as { id: string; active: boolean }[]).find((r) => r.id === String(c.threadId));
  }

  beforeAll(async () => {
    await createVictimAccount(ACCOUNT);
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    clusterId = (await admin.post('/api/clusters', { name: 'br-local', kind: 'mysql' }).expect(201)).body.id;
    tenantId = (
      await admin
        .post('/api/tenants', {
          clusterId,
          name: 'br-tenant-a',
          ...tenantConnection(),
        })
        .expect(201)
    ).body.tenant.id;
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const auditorRole = roles.find((r) => r.name === 'Auditor')!.id;
    const auditor = await admin.post('/api/users', { username: AUDITOR, roleIds: [auditorRole], password: AUDITOR_PW }).expect(201);
    // the Auditor role stays read-only even with an operate grant
    await admin.post('/api/grants', { subjectType: 'user', subjectId: auditor.body.user.id, scope: 'all', level: 'operate' }).expect(201);

    running = await connectVictim(ACCOUNT);
    idle = await connectVictim(ACCOUNT);
    inTrx = await connectVictim(ACCOUNT);
    batch = [await connectVictim(ACCOUNT), await connectVictim(ACCOUNT)];
    await inTrx.query('START TRANSACTION');
    await inTrx.query(`INSERT INTO ${VDB}.t VALUES (${inTrx.threadId})`);
    runningQuery = running.query(RUNNING_SQL).catch((e: unknown) => e);
    await waitFor('the SLEEP victim to show as active', async () => (await listed(running))?.active === true);

    browser = await launchBrowser();
    ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
  }, 120000);

  afterAll(async () => {
    for (const c of [running, idle, inTrx, ...(batch ?? [])]) c?.destroy();
    await browser?.close();
    await t?.close();
    await dropVictimAccount(ACCOUNT);
  });

  it('entry 2: tenant → 会话管理 lists the victims; the 用户 column filter, the idle-in-transaction flag and the SQL popup work', async () => {
    await page.goto(`${t.url}/tenants`);
    await page.locator(`[data-test=tenant-link-${tenantId}]`).click();
    await page.locator('[data-test=tenant-overview]').waitFor();
    await page.locator('[data-test=tenant-menu-sessions]').click();
    await page.waitForURL(new RegExp(`/tenants/${tenantId}/sessions`));
    await page.locator('[data-test=tab-tenant-sessions]').waitFor();
    await row(running).waitFor();
    // the 租户会话 tab names the panel that holds the list
    const tab = page.getByRole('tab', { name: '租户会话' });
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    const panel = page.locator(`#${await tab.getAttribute('aria-controls')}`);
    expect(await panel.getAttribute('role')).toBe('tabpanel');
    expect(await panel.locator(`[data-test=session-row-${running.threadId}]`).count()).toBe(1);

    await page.locator('[data-test=session-filter-user]').click();
    await page.locator(`input[data-test=session-filter-input-user]`).fill(VICTIM);
    await page.locator('[data-test=session-filter-apply-user]').click();
    await page.waitForURL(/user=so_br_victim/);
    await waitFor('only the victims to be listed', async () => (await page.locator('[data-test^=session-row-]').count()) === 5);
    for (const c of [running, idle, inTrx, ...batch]) await row(c).waitFor();

    await page.locator(`[data-test=session-idle-txn-${inTrx.threadId}]`).waitFor();
    expect(await page.locator('[data-test^=session-idle-txn-]').count()).toBe(1);

    // 仅查看活跃会话: only the running statement stays
    await page.getByText('仅查看活跃会话').click();
    await page.waitForFunction(() => location.search.includes('activeOnly=1'));
    await waitFor('only the active victim to be listed', async () => (await page.locator('[data-test^=session-row-]').count()) === 1);
    await row(running).waitFor();
    await page.getByText('仅查看活跃会话').click();
    await waitFor('all victims to be listed again', async () => (await page.locator('[data-test^=session-row-]').count()) === 5);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/sessions-live-tenant.png` });

    await page.locator(`[data-test=session-sql-${running.threadId}]`).click();
    const dialog = page.locator('[data-test=session-sql-dialog]');
    await dialog.waitFor();
    await waitFor('the whole SQL', async () => (await page.locator('[data-test=session-sql-code]').innerText()).includes('SLEEP(60)'));
    if (SHOTS) await screenshotSettled(page, `${SHOTS}/sessions-live-sql.png`);
    expect(await page.locator('[data-test=session-sql-code] .sql-kw').first().innerText()).toBe('SELECT');
    await page.locator('[data-test=session-sql-copy]').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(RUNNING_SQL);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // full-link trace is OceanBase ≥ 4.2.1 only: visible, disabled, with the reason
    await page.locator(`[data-test=session-more-${running.threadId}]`).click();
    const trace = page.locator('[data-test=session-menu-trace]');
    await trace.waitFor();
    expect(await trace.getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('[data-test=session-menu-trace-why]').innerText()).toContain('全链路追踪配置需要 OceanBase（V4.2.1 及以上）');
    await page.keyboard.press('Escape');
  });

  it('更多 ▸ 关闭当前查询 ends only the statement; 关闭会话 ends the connection', async () => {
    await page.locator(`[data-test=session-more-${running.threadId}]`).click();
    await page.locator('[data-test=session-menu-kill-query]').click();
    const confirm = page.locator('[data-test=session-confirm]');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('连接保持');
    await confirmButton(page).click();
    await confirm.waitFor({ state: 'hidden' });
    const outcome = (await runningQuery) as { errno?: number };
    expect(outcome.errno).toBe(1317);
    const [one] = await running.query('SELECT 1 AS one');
    expect(one).toEqual([{ one: 1 }]);

    await page.locator(`[data-test=session-kill-${inTrx.threadId}]`).click();
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('回滚');
    await confirmButton(page).click();
    await waitFor('the in-transaction victim to be disconnected', () => isClosed(inTrx));
    await row(inTrx).waitFor({ state: 'detached' });
    const [kept] = await running.query(`SELECT COUNT(*) AS n FROM ${VDB}.t WHERE id = ${inTrx.threadId}`);
    expect(kept).toEqual([{ n: 0 }]);
  });

  it('batch 关闭会话 on selected rows shows the outcome of each id', async () => {
    for (const c of batch) await page.locator(`[data-test=session-select-${c.threadId}]`).click();
    await page.locator('[data-test=session-selected-count]').waitFor();
    await page.locator('[data-test=session-batch-kill]').click();
    await page.locator('[data-test=session-confirm]').waitFor();
    await confirmButton(page).click();
    await page.locator('[data-test=session-batch-result-dialog]').waitFor();
    for (const c of batch) {
      expect(await page.locator(`[data-test=session-result-${c.threadId}]`).getAttribute('data-outcome')).toBe('killed');
    }
    await page.locator('[data-test=session-batch-result-close]').click();
    for (const c of batch) await waitFor('a batch victim to be disconnected', () => isClosed(c));
    expect(await isClosed(idle)).toBe(false);
  });

  it('entry 1: 自治服务 → cluster → 实时诊断 → 会话管理 lists the tenant’s sessions with a tenant column', async () => {
    await page.goto(`${t.url}/autonomous/clusters`);
    await page.locator(`[data-test=cluster-link-${clusterId}]`).click();
    await page.waitForURL(new RegExp(`/autonomous/clusters/${clusterId}/diagnosis`));
    await page.locator('[data-test=tab-tenant-sessions]').waitFor();
    await row(idle).waitFor();
    expect(await row(idle).innerText()).toContain('br-tenant-a');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/sessions-live-cluster.png` });
    await page.locator(`[data-test=session-kill-${idle.threadId}]`).waitFor();

    // session id search narrows the cluster-wide list to one row
    await page.locator('input[data-test=session-search]').fill(String(idle.threadId));
    await page.locator('input[data-test=session-search]').press('Enter');
    await page.waitForFunction((id) => location.search.includes(`sessionId=${id}`), idle.threadId);
    await waitFor('only the searched session to be listed', async () => (await page.locator('[data-test^=session-row-]').count()) === 1);

    // the trace configuration lives in the tenant-level entry only; an idle session has no query to close
    await page.locator(`[data-test=session-more-${idle.threadId}]`).click();
    await page.locator('[data-test=session-menu-kill-query]').waitFor();
    expect(await page.locator('[data-test=session-menu-trace]').count()).toBe(0);
    expect(await page.locator('[data-test=session-menu-kill-query]').getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await isClosed(idle)).toBe(false);
  });

  it('a session page opened directly asks for the sign-in check, its tenant or cluster and its filtered list once each', async () => {
    /** the page's requests, in the order the browser sent them */
    const opened = async (path: string): Promise<string[]> => {
      const sent: string[] = [];
      const onRequest = (r: { url(): string }) => {
        const u = new URL(r.url());
        sent.push(u.pathname + u.search);
      };
      page.on('request', onRequest);
      try {
        await page.goto(`${t.url}${path}?user=${VICTIM}&sort=time:desc`);
        await row(idle).waitFor();
      } finally {
        page.off('request', onRequest);
      }
      return sent;
    };
    const api = (sent: string[]) => sent.filter((p) => p.startsWith('/api/')).sort();
    const firstIndex = (sent: string[], re: RegExp) => sent.findIndex((p) => re.test(p));
    const query = `user=${VICTIM}&sort=time%3Adesc&page=1&pageSize=500`;

    const tenantPage = await opened(`/tenants/${tenantId}/sessions`);
    expect(api(tenantPage)).toEqual(['/api/auth/me', `/api/tenants/${tenantId}`, `/api/tenants/${tenantId}/sessions?${query}`].sort());
    // asked for by the first script, before the page's own code is even requested, and taken over by the page
    expect(firstIndex(tenantPage, /^\/api\/tenants\/\d+\/sessions/)).toBeLessThan(firstIndex(tenantPage, /\/assets\/TenantLayout-/));

    const clusterPage = await opened(`/autonomous/clusters/${clusterId}/diagnosis`);
    expect(api(clusterPage)).toEqual(['/api/auth/me', `/api/clusters/${clusterId}`, `/api/clusters/${clusterId}/sessions?${query}`].sort());
    expect(firstIndex(clusterPage, /^\/api\/clusters\/\d+\/sessions/)).toBeLessThan(firstIndex(clusterPage, /\/assets\/DiagnosisView-/));
  });

  it('an auditor sees the sessions but no kill buttons and no selection checkboxes', async () => {
    const auditorCtx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const p = await auditorCtx.newPage();
    await signIn(p, t.url, AUDITOR, AUDITOR_PW);
    await p.goto(`${t.url}/tenants/${tenantId}/sessions?user=${VICTIM}`);
    await p.locator(`[data-test=session-row-${idle.threadId}]`).waitFor();
    await p.locator('[data-test=session-read-only]').waitFor();
    expect(await p.locator('[data-test^=session-kill-]').count()).toBe(0);
    expect(await p.locator('[data-test^=session-more-]').count()).toBe(0);
    expect(await p.locator('[data-test^=session-select-]').count()).toBe(0);
    expect(await p.locator('[data-test=session-batch-kill]').count()).toBe(0);
    if (SHOTS) await p.screenshot({ path: `${SHOTS}/sessions-live-auditor.png` });
    await auditorCtx.close();
  });
});
