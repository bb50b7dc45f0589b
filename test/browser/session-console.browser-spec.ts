import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createConnection, type Connection } from 'mysql2/promise';
import { wcagAudit } from '../support/a11y';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { launchBrowser, screenshotSettled, signIn } from '../support/browser';
import { freePort, waitFor } from '../support/servers';
import { STACK } from '../support/stack';
import { asTenantRoot, connectVictim, createVictimAccount, dropVictimAccount, isClosed, type VictimAccount } from '../support/victims';

/**
 * The tenant session console as a DBA uses it, at 1440×900 in zh-CN (the default language):
 * what is in view, what a kill names and where the focus lands, diagnosis of idle transactions,
 * sorting, filters, loading and error states, words, keyboard-only use and contrast.
 */

const ACCOUNT: VictimAccount = { user: 'so_con_victim', password: 'victim-pw-3', database: 'so_con_victim_db' };
const VICTIM = ACCOUNT.user;
const VDB = ACCOUNT.database;
const RUNNING_SQL = 'SELECT SLEEP(900) AS slept';
/** BROWSER_SCREENSHOTS=<dir> keeps screenshots of the pages this file visits */
const SHOTS = process.env.BROWSER_SCREENSHOTS;

type Box = { x: number; y: number; width: number; height: number };

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not rendered`);
  return b;
}

/** WCAG relative-luminance contrast of an element's text against the first opaque background behind it. */
async function contrastOf(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const parse = (c: string): [number, number, number, number] => {
        const m = /rgba?\(([^)]+)\)/.exec(c);
        if (!m) return [0, 0, 0, 0];
        const p = m[1]!
          .split(/[ ,/]+/)
          .filter(Boolean)
          .map(Number);
        return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
      };
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      let bg: [number, number, number, number] = [255, 255, 255, 1];
      for (let n: Element | null = el; n; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c[3] >= 1) {
          bg = c;
          break;
        }
      }
      const fg = parse(getComputedStyle(el).color);
      // blend a translucent text colour over its background
      const a = fg[3];
      const mixed = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a));
      const l1 = lum(mixed);
      const l2 = lum(bg);
      return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    });
}

describe('tenant session console as a DBA uses it (Chromium, 1440×900)', () => {
  let t: TestApp;
  let admin: Client;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let clusterId: number;
  let tenantId: number;
  let downTenantId: number;
  let running: Connection;
  let idle: Connection;
  let inTrx: Connection;
  let batch: Connection[];
  let onB: Connection;
  let runningQuery: Promise<unknown>;

  const row = (c: Connection) => page.locator(`[data-test=session-row-${c.threadId}]`);
  const sessionsUrl = (q = `user=${VICTIM}`) => `${t.url}/tenants/${tenantId}/sessions?${q}`;
  const rowIds = () =>
    page
      .locator('[data-test^=session-row-]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-test')!.replace('session-row-', '')));

  async function listed(c: Connection): Promise<{ active: boolean } | undefined> {
    const res = await admin.get(`/api/tenants/${tenantId}/sessions?pageSize=10000&user=${VICTIM}`).expect(200);
    return (res.body.items as { id: string; active: boolean }[]).find((r) => r.id === String(c.threadId));
  }

  async function openVictims(q?: string): Promise<void> {
    await page.goto(sessionsUrl(q));
    await row(running).waitFor();
  }

  /** Presses Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
  async function tabTo(selector: string, max = 250): Promise<void> {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  beforeAll(async () => {
    await createVictimAccount(ACCOUNT);
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0' });
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    clusterId = (await admin.post('/api/clusters', { name: 'con-local', kind: 'mysql' }).expect(201)).body.id;
    const register = async (name: string, host: string, port: number) =>
      (
        await admin
          .post('/api/tenants', { clusterId, name, host, port, username: STACK.tenantA.user, password: STACK.tenantA.password })
          .expect(201)
      ).body.tenant.id as number;
    tenantId = await register('con-tenant-a', STACK.tenantA.host, STACK.tenantA.port);
    await register('con-tenant-b', STACK.tenantB.host, STACK.tenantB.port);
    downTenantId = await register('con-tenant-down', '127.0.0.1', await freePort());

    running = await connectVictim(ACCOUNT);
    idle = await connectVictim(ACCOUNT);
    inTrx = await connectVictim(ACCOUNT);
    batch = [await connectVictim(ACCOUNT), await connectVictim(ACCOUNT)];
    onB = await createConnection({ ...STACK.tenantB });
    await inTrx.query('START TRANSACTION');
    await inTrx.query(`INSERT INTO ${VDB}.t VALUES (${inTrx.threadId})`);
    runningQuery = running.query(RUNNING_SQL).catch((e: unknown) => e);
    await waitFor('the SLEEP victim to show as active', async () => (await listed(running))?.active === true);

    browser = await launchBrowser();
    ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
  }, 120000);

  afterAll(async () => {
    for (const c of [running, idle, inTrx, onB, ...(batch ?? [])]) c?.destroy();
    await runningQuery;
    await browser?.close();
    await t?.close();
    await dropVictimAccount(ACCOUNT);
  });

  it('1. at 1440 and 1920, zh-CN and en, every key column is in view, 操作 covers nothing, no server/proxy columns on MariaDB', async () => {
    try {
      for (const locale of ['zh-CN', 'en'] as const) {
        await page.evaluate((l) => localStorage.setItem('sessionops.locale', l), locale);
        for (const [width, height] of [
          [1440, 900],
          [1920, 1080],
        ] as const) {
          await page.setViewportSize({ width, height });
          await openVictims();
          if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-${locale}-${width}.png` });
          const grid = await box(page, '.session-table__grid');
          for (const key of ['id', 'sql', 'user', 'source', 'db', 'command', 'time', 'state']) {
            const h = await box(page, `[data-test=session-head-${key}]`);
            expect({ locale, key, width, left: h.x >= grid.x - 1, right: h.x + h.width <= grid.x + grid.width + 1 }).toEqual({
              locale,
              key,
              width,
              left: true,
              right: true,
            });
          }
          // every header title is whole: its text is no wider than its box (no ellipsis)
          const cut = await page.$$eval('.session-table .col-head__title', (titles) =>
            titles
              .filter((t) => {
                const text = document.createRange();
                text.selectNodeContents(t);
                return text.getBoundingClientRect().width > t.getBoundingClientRect().width + 0.01;
              })
              .map((t) => t.textContent),
          );
          expect({ locale, width, cut }).toEqual({ locale, width, cut: [] });
          // the source (host:port) is whole: spare width shows it before it widens the SQL column
          const source = page.locator(`[data-test=session-row-${inTrx.threadId}] span.cell-text.mono`, { hasText: ':' });
          expect(await source.evaluate((el) => ({ text: el.textContent, whole: el.scrollWidth <= el.clientWidth }))).toEqual({
            text: expect.stringMatching(/^[\d.]+:\d+$/),
            whole: true,
          });
          // the row's actions (关闭会话 更多 and its arrow) are whole in their cell
          const actions = page.locator(`[data-test=session-row-${inTrx.threadId}] .session-actions`);
          expect(await actions.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
          // the idle-in-transaction tag is whole and the pinned 操作 column starts after 状态 ends
          const tag = await box(page, `[data-test=session-idle-txn-${inTrx.threadId}]`);
          const tagCell = await page
            .locator(`[data-test=session-idle-txn-${inTrx.threadId}]`)
            .evaluate((el) => (el.parentElement as HTMLElement).getBoundingClientRect().right);
          expect(tag.x + tag.width).toBeLessThanOrEqual(tagCell - 7.5);
          const kill = await box(page, `[data-test=session-kill-${inTrx.threadId}]`);
          const state = await box(page, `[data-test=session-head-state]`);
          expect(tag.x + tag.width).toBeLessThanOrEqual(kill.x);
          expect(state.x + state.width).toBeLessThanOrEqual(kill.x);
          expect(await page.locator('[data-test=session-head-server], [data-test=session-head-proxy]').count()).toBe(0);
        }
      }
    } finally {
      await page.evaluate(() => localStorage.setItem('sessionops.locale', 'zh-CN'));
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('1. the column chooser and column widths are remembered for the user', async () => {
    await openVictims();
    await page.locator('[data-test=session-columns]').click();
    const toggle = page.locator('[data-test=session-column-toggle-command]');
    await toggle.waitFor();
    await toggle.click();
    await page.locator('[data-test=session-head-command]').waitFor({ state: 'detached' });
    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-column-chooser]').waitFor({ state: 'hidden' });

    const before = (await box(page, '[data-test=session-head-user]')).width;
    const handle = await box(page, '[data-test=session-resize-user]');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 70, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    await waitFor('the 用户 column to widen', async () => (await box(page, '[data-test=session-head-user]')).width > before + 50);

    await page.reload();
    await row(idle).waitFor();
    expect(await page.locator('[data-test=session-head-command]').count()).toBe(0);
    expect((await box(page, '[data-test=session-head-user]')).width).toBeGreaterThan(before + 50);

    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-columns-reset]').click();
    await page.locator('[data-test=session-head-command]').waitFor();
    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-column-chooser]').waitFor({ state: 'hidden' });
  });

  it('2. scrolled to the right, 会话 ID stays pinned on the left beside 关闭会话', async () => {
    await page.setViewportSize({ width: 1100, height: 900 });
    try {
      await openVictims();
      const grid = await box(page, '.session-table__grid');
      const idCell = `[data-test=session-row-${idle.threadId}] .el-table-v2__row-cell.is-last-pinned`;
      const detail = `[data-test=session-detail-${idle.threadId}]`;
      const idBefore = await box(page, idCell);
      expect(await page.locator(idCell).innerText()).toBe(String(idle.threadId));
      const detailBefore = await box(page, detail);
      await page.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
      await page.mouse.wheel(3000, 0);
      await waitFor('the table to scroll right', async () => {
        const b = await page.locator(detail).boundingBox();
        return b === null || b.x < detailBefore.x - 50;
      });
      const idAfter = await box(page, idCell);
      expect(Math.abs(idAfter.x - idBefore.x)).toBeLessThan(2);
      const kill = await box(page, `[data-test=session-kill-${idle.threadId}]`);
      expect(kill.x + kill.width).toBeLessThanOrEqual(grid.x + grid.width);
      expect(kill.x).toBeGreaterThan(idAfter.x + idAfter.width);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-scrolled.png` });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('3. 关闭当前查询 is offered only where a statement runs; the server answers NO_STATEMENT_RUNNING otherwise', async () => {
    await openVictims();
    await page.locator(`[data-test=session-more-${idle.threadId}]`).click();
    const item = page.locator('[data-test=session-menu-kill-query]');
    await item.waitFor();
    expect(await item.getAttribute('aria-disabled')).toBe('true');
    expect(await item.innerText()).toContain('该会话没有正在执行的语句');
    await item.dispatchEvent('click');
    await item.press('Enter');
    expect(await page.locator('[data-test=session-confirm]').isVisible()).toBe(false);
    await page.keyboard.press('Escape');

    const res = await admin.post(`/api/tenants/${tenantId}/sessions/kill`, { ids: [String(idle.threadId)], scope: 'query' }).expect(200);
    expect(res.body.results[0]).toMatchObject({ outcome: 'refused', code: 'NO_STATEMENT_RUNNING' });
    expect(await isClosed(idle)).toBe(false);
  });

  it('3. a thread killed while idle shows as KILLED, never ACTIVE, and 仅查看活跃会话 leaves it out', async () => {
    const killed = await connectVictim(ACCOUNT);
    try {
      // KILL QUERY on an idle connection: MariaDB shows COMMAND `Killed` until the client speaks again
      await asTenantRoot([`KILL QUERY ${killed.threadId}`]);
      expect(await listed(killed)).toMatchObject({ active: false });
      await openVictims();
      const tag = page.locator(`[data-test=session-killed-${killed.threadId}]`);
      await tag.waitFor();
      expect((await tag.innerText()).trim()).toBe('KILLED');
      expect(await tag.getAttribute('title')).toBe('已关闭，等待线程退出');
      expect(await row(killed).locator('.session-tag.is-active').count()).toBe(0);

      await openVictims(`user=${VICTIM}&activeOnly=1`);
      expect(await rowIds()).toContain(String(running.threadId));
      expect(await rowIds()).not.toContain(String(killed.threadId));
    } finally {
      killed.destroy();
    }
  });

  it('4. the confirmation focuses 取消 (Enter does not kill); a batch lists the sessions and flags open transactions', async () => {
    await openVictims();
    await page.locator(`[data-test=session-kill-${idle.threadId}]`).click();
    await page.locator('[data-test=session-confirm]').waitFor();
    await waitFor('取消 to take the focus', () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-test') === 'session-confirm-cancel'),
    );
    await page.keyboard.press('Enter');
    await page.locator('[data-test=session-confirm]').waitFor({ state: 'hidden' });
    expect(await isClosed(idle)).toBe(false);

    for (const c of [...batch, inTrx]) await page.locator(`[data-test=session-select-${c.threadId}]`).click();
    const batchButton = page.locator('[data-test=session-batch-kill]');
    expect((await batchButton.innerText()).trim()).toBe('关闭所选会话 (3)');
    await batchButton.click();
    const confirm = page.locator('[data-test=session-confirm]');
    await confirm.waitFor();
    for (const c of [...batch, inTrx]) await page.locator(`[data-test=session-confirm-row-${c.threadId}]`).waitFor();
    await page.locator(`[data-test=session-confirm-txn-${inTrx.threadId}]`).waitFor();
    expect(await page.locator('[data-test^=session-confirm-txn-]').count()).toBe(2); // the flag on its row + the warning line
    expect(await page.locator('[data-test=session-confirm-txn-warning]').innerText()).toContain('1 个会话有未提交的事务');
    await page.locator('[data-test=session-confirm-cancel]').click();
    await confirm.waitFor({ state: 'hidden' });
    for (const c of [...batch, inTrx]) await page.locator(`[data-test=session-select-${c.threadId}]`).click();
  });

  it('4. 全选 in the cluster view says the selection spans tenants', async () => {
    await page.goto(`${t.url}/autonomous/clusters/${clusterId}/diagnosis`);
    await page.locator('[data-test=tab-tenant-sessions]').waitFor();
    // the row of tenant A: on fresh servers both tenants may have a session with this id
    await page.locator(`[data-test=session-row-${idle.threadId}][data-tenant="${tenantId}"]`).waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-cluster.png` });
    await page.locator('[data-test=session-select-all]').click();
    await page.locator('[data-test=session-batch-kill]').click();
    await page.locator('[data-test=session-confirm-all]').waitFor();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-batch-confirm.png` });
    const tenants = await page.locator('[data-test=session-confirm-tenants]').innerText();
    expect(tenants).toContain('con-tenant-a');
    expect(tenants).toContain('con-tenant-b');
    await page.locator('[data-test=session-confirm-cancel]').click();
    await page.locator('[data-test=session-confirm]').waitFor({ state: 'hidden' });
    await page.locator('[data-test=session-select-all]').click();
  });

  it('5. an idle-in-transaction row opens a detail with labelled fields; transaction age sorts and filters', async () => {
    await openVictims();
    // 事务时长 is a default column when the width allows (zh-CN at 1440 does); else the column chooser adds it
    if ((await page.locator('[data-test=session-head-transaction]').count()) === 0) {
      await page.locator('[data-test=session-columns]').click();
      await page.locator('[data-test=session-column-toggle-transaction]').click();
      await page.locator('[data-test=session-columns]').click();
      await page.locator('[data-test=session-column-chooser]').waitFor({ state: 'hidden' });
    }
    const age = page.locator(`[data-test=session-trx-${inTrx.threadId}]`);
    await age.waitFor();
    expect(await age.innerText()).toMatch(/^\d+(\.\d)?s$|^\d+m \d+s$/);
    expect(await age.getAttribute('title')).toContain('事务开始于');

    await page.locator(`[data-test=session-detail-${inTrx.threadId}]`).click();
    const dialog = page.locator('[data-test=session-sql-dialog]');
    await dialog.waitFor();
    await page.locator('[data-test=session-detail-snapshot]').waitFor();
    expect(await page.locator('[data-test=session-detail-snapshot]').innerText()).toMatch(/UTC/);
    const fields = await page.locator('[data-test=session-detail-fields]').innerText();
    for (const label of ['线程状态', '内存使用', '执行时间', '事务开始时间', '事务时长']) expect(fields).toContain(label);
    for (const raw of ['threadState', 'memoryUsed', 'timeMs', 'trxStarted', 'maxStage']) expect(fields).not.toContain(raw);
    // each field once: the elapsed milliseconds are in 执行时间, the transaction's age in 事务时长 only
    const labels = await page.locator('[data-test=session-detail-fields] .el-descriptions__label').allInnerTexts();
    expect(labels).toEqual(expect.arrayContaining(['执行时间', '事务状态', '事务时长']));
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
    expect(await page.locator('[data-test=session-detail-time]').innerText()).toMatch(/ \([\d.]+ ms\)$/);
    expect(await page.locator('[data-test=session-detail-transaction]').innerText()).toBe('IDLE_IN_TRANSACTION');
    if (SHOTS) await screenshotSettled(page, `${SHOTS}/console-detail.png`);
    await page.locator('[data-test=session-detail-refresh]').click();
    await page.locator('[data-test=session-detail-snapshot]').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.locator('[data-test=session-sort-transaction]').click();
    await page.waitForURL(/sort=transaction%3Adesc|sort=transaction:desc/);
    await waitFor('the open transaction to come first', async () => (await rowIds())[0] === String(inTrx.threadId));

    await page.locator('[data-test=session-filter-minTrx]').click();
    await page.locator('input[data-test=session-filter-input-minTrx]').fill('abc');
    await page.locator('input[data-test=session-filter-input-minTrx]').press('Enter');
    await page.locator('[data-test=session-filter-error-minTrx]').waitFor();
    await page.locator('input[data-test=session-filter-input-minTrx]').fill('0');
    await page.locator('input[data-test=session-filter-input-minTrx]').press('Enter');
    await page.waitForURL(/minTrx=0/);
    await waitFor('only the open transaction to be listed', async () => (await rowIds()).join() === String(inTrx.threadId));
    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-columns-reset]').click();
    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-column-chooser]').waitFor({ state: 'hidden' });
  });

  it('6. the default order puts running statements first; every column sorts', async () => {
    await openVictims();
    await waitFor('the running statement to come first', async () => (await rowIds())[0] === String(running.threadId));
    await page.locator('[data-test=session-sort-id]').click();
    await page.waitForURL(/sort=id/);
    await waitFor('ids to be ascending', async () => {
      const ids = (await rowIds()).map(Number);
      return ids.length === 5 && ids.every((v, i) => i === 0 || ids[i - 1]! < v);
    });
    expect(await page.locator('[data-test=session-sort-id]').getAttribute('data-order')).toBe('asc');
    await page.locator('[data-test=session-sort-id]').click();
    await waitFor('ids to be descending', async () => {
      const ids = (await rowIds()).map(Number);
      return ids.length === 5 && ids.every((v, i) => i === 0 || ids[i - 1]! > v);
    });
    for (const key of ['sql', 'user', 'source', 'db', 'command', 'time', 'state']) {
      await page.locator(`[data-test=session-sort-${key}]`).waitFor();
    }
  });

  it('7. active filters show as chips with 清除全部; an empty result names them; a non-numeric id is refused inline', async () => {
    await page.goto(sessionsUrl(`user=${VICTIM}&db=no_such_db`));
    await page.locator('[data-test=session-chip-user]').waitFor();
    await page.locator('[data-test=session-chip-db]').waitFor();
    const empty = page.locator('[data-test=session-empty-filtered]');
    await empty.waitFor();
    expect(await empty.innerText()).toContain('no_such_db');
    expect(await empty.innerText()).toContain(VICTIM);
    await page.locator('[data-test=session-chip-db] .el-tag__close').click();
    await row(idle).waitFor();
    expect(page.url()).not.toContain('db=');

    const search = page.locator('input[data-test=session-search]');
    await search.fill('12a');
    await search.press('Enter');
    await page.locator('[data-test=session-search-error]').waitFor();
    expect(page.url()).not.toContain('sessionId=');
    await search.fill('');

    await page.locator('[data-test=session-clear-filters]').click();
    await page.locator('[data-test=session-filter-chips]').waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('user=');
  });

  it('7. a column search opens from its icon and closes on the icon again or on a click outside', async () => {
    await openVictims();
    const listed = page.url();
    const icon = page.locator('[data-test=session-filter-user]');
    const input = page.locator('input[data-test=session-filter-input-user]');
    expect(await page.locator('input[data-test^=session-filter-input-]').count()).toBe(0);
    await icon.click();
    await input.waitFor();
    // the icon says it opens a dialog, and that it is open
    expect(await icon.getAttribute('aria-haspopup')).toBe('dialog');
    expect(await icon.getAttribute('aria-expanded')).toBe('true');
    await page.locator('[data-test=session-total]').click();
    await input.waitFor({ state: 'hidden' });
    expect(await icon.getAttribute('aria-expanded')).toBe('false');
    await icon.click();
    await input.waitFor();
    await icon.click();
    await input.waitFor({ state: 'hidden' });
    // closing applies nothing
    expect(page.url()).toBe(listed);
  });

  it('8. the first load shows a skeleton, not “no sessions”; a down tenant shows its error, retry and test', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route(`**/api/tenants/${tenantId}/sessions?**`, async (route) => {
      await held;
      await route.continue();
    });
    // while the tenant itself is on its way, its page says it is loading
    let releaseTenant: () => void = () => undefined;
    const tenantHeld = new Promise<void>((r) => (releaseTenant = r));
    await page.route(`**/api/tenants/${tenantId}`, async (route) => {
      await tenantHeld;
      await route.continue();
    });
    await page.goto(sessionsUrl());
    expect(await page.locator('[data-test=tenant-loading]').getAttribute('role')).toBe('status');
    releaseTenant();
    await page.unroute(`**/api/tenants/${tenantId}`);
    await page.locator('[data-test=session-loading]').waitFor();
    expect(await page.locator('[data-test=tenant-loading]').count()).toBe(0);
    expect(await page.locator('[data-test=session-empty]').count()).toBe(0);
    expect(await page.locator('[data-test=session-total]').count()).toBe(0);
    release();
    await row(idle).waitFor();
    await page.unroute(`**/api/tenants/${tenantId}/sessions?**`);

    await page.goto(`${t.url}/tenants/${downTenantId}/sessions`);
    const failed = page.locator('[data-test=session-error-state]');
    await failed.waitFor();
    expect(await page.locator('[data-test=session-empty]').count()).toBe(0);
    expect(await page.locator('[data-test=session-total]').count()).toBe(0);
    expect(await page.locator('[data-test=session-error-message]').innerText()).toBe('无法连接租户');
    expect(await failed.innerText()).toContain('尚未成功读取过');
    await page.locator('[data-test=session-retry]').waitFor();
    await page.locator('[data-test=session-test]').click();
    const test = page.locator('[data-test=session-test-result]');
    await test.waitFor();
    expect(await test.innerText()).toContain('连接测试失败');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-down-tenant.png` });
    // 10: no English words left in the error state (the code is named as a code)
    const words = (await failed.innerText()).replace(/[A-Z_]{4,}/g, '').match(/[A-Za-z]{3,}/g);
    expect(words).toBeNull();
  });

  it('9. 概览 shows active sessions, the longest statement, idle transactions and tenants down, each a link into the list', async () => {
    await page.goto(`${t.url}/dashboard`);
    const overview = page.locator('[data-test=sessions-overview]');
    await page.locator('[data-test=overview-active]').waitFor();
    expect(Number(await page.locator('[data-test=overview-active] .stat__value').innerText())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator('[data-test=overview-idle-txn] .stat__value').innerText())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator('[data-test=overview-down] .stat__value').innerText())).toBe(1);
    await page.locator(`[data-test=overview-tenant-down-${downTenantId}]`).waitFor();
    // the longest running statement is the SLEEP victim's
    expect(await page.locator('[data-test=overview-longest]').getAttribute('href')).toContain(`sessionId=${running.threadId}`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-overview.png` });
    await overview.locator(`[data-test=overview-tenants] a[href*="/tenants/${tenantId}/sessions?minTrx=0"]`).click();
    await page.waitForURL(/minTrx=0/);
    await row(inTrx).waitFor();

    // the tenant 概览 says the same for one tenant
    await page.goto(`${t.url}/tenants/${tenantId}`);
    await page.locator('[data-test=overview-idle-txn]').waitFor();
    expect(await page.locator('[data-test=overview-down]').count()).toBe(0);
    await page.locator('[data-test=overview-active]').click();
    await page.waitForURL(/activeOnly=1/);
    await row(running).waitFor();
  });

  it('10/11. zh-CN words: login error, stale kill, trace on MariaDB, relay menu label', async () => {
    const p = await ctx.browser()!.newPage({ viewport: { width: 1440, height: 900 } });
    await p.goto(`${t.url}/login`);
    await p.locator('[data-test=username]').fill('admin');
    await p.locator('[data-test=password]').fill('wrong-password-1');
    await p.locator('[data-test=login-submit]').click();
    const err = p.locator('[data-test=login-error]');
    await err.waitFor();
    expect((await err.innerText()).trim()).toBe('用户名或密码错误');
    await p.close();

    await openVictims();
    expect(await page.locator('[data-test=menu-relay-sessions]').innerText()).toContain('活跃 Session');
    await page.locator(`[data-test=session-more-${idle.threadId}]`).click();
    const why = page.locator('[data-test=session-menu-trace-why]');
    await why.waitFor();
    expect(await why.innerText()).toContain('需要 OceanBase');
    await page.keyboard.press('Escape');

    // the session ends between the list and the click: the answer is in Chinese only
    const gone = batch[0]!;
    await page.locator(`[data-test=session-kill-${gone.threadId}]`).waitFor();
    gone.destroy();
    await waitFor('the victim to be gone', async () => (await listed(gone)) === undefined);
    await page.locator(`[data-test=session-kill-${gone.threadId}]`).click();
    await page.locator('[data-test=session-confirm-ok]').click();
    const msg = page.locator('.el-message--warning');
    await msg.waitFor();
    const text = await msg.innerText();
    expect(text).toContain('会话已不存在');
    expect(text.match(/[A-Za-z]{3,}/g)).toBeNull();
  });

  it('12. keyboard only: side menu, column search, 更多 menu and a kill', async () => {
    // the side menu's entries are links: the first Tab of a page reaches them, Enter opens one
    await page.goto(`${t.url}/dashboard`);
    await page.locator('[data-test=side-menu]').waitFor();
    // a focused entry shows where the focus is
    const outline = () =>
      page.evaluate(() => {
        const cs = getComputedStyle(document.activeElement!);
        return cs.outlineStyle === 'none' ? 0 : parseFloat(cs.outlineWidth);
      });
    await tabTo('[data-test=menu-tenants]', 10);
    expect(await outline()).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tenants$/);
    expect(await page.locator('[data-test=menu-tenants]').getAttribute('aria-current')).toBe('page');
    // so does the tenant menu's
    await page.goto(`${t.url}/tenants/${tenantId}`);
    await page.locator('[data-test=tenant-title]').waitFor();
    await tabTo('[data-test=tenant-menu-sessions]');
    expect(await outline()).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sessions$/);

    await openVictims();

    await page.locator('input[data-test=session-search]').focus();
    await tabTo('[data-test=session-filter-db]');
    await page.keyboard.press('Enter');
    await page.locator('input[data-test=session-filter-input-db]').waitFor();
    await waitFor('the search box to take the focus', () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-test') === 'session-filter-input-db'),
    );
    await page.keyboard.type(VDB);
    await page.keyboard.press('Enter');
    await page.waitForURL(/db=so_con_victim_db/);
    await row(idle).waitFor();

    await page.locator('input[data-test=session-search]').focus();
    await tabTo(`[data-test=session-more-${running.threadId}]`);
    await page.keyboard.press('Enter');
    await waitFor('the first menu item to take the focus', () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-test') === 'session-menu-kill-query'),
    );
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe('session-menu-trace');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=session-row-menu]').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe(`session-more-${running.threadId}`);

    await page.locator('input[data-test=session-search]').focus();
    await tabTo(`[data-test=session-kill-${idle.threadId}]`);
    await page.keyboard.press('Enter');
    await waitFor('取消 to take the focus', () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-test') === 'session-confirm-cancel'),
    );
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-test'))).toBe('session-confirm-ok');
    await page.keyboard.press('Enter');
    await waitFor('the idle victim to be disconnected', () => isClosed(idle));
  });

  it('13. state tags, links and muted text meet WCAG AA (4.5:1)', async () => {
    await openVictims();
    await row(running).waitFor();
    const targets: Record<string, string> = {
      ACTIVE: `[data-test=session-row-${running.threadId}] .session-tag.is-active`,
      SLEEP: `[data-test=session-row-${batch[1]!.threadId}] .session-tag.is-idle`,
      idleInTransaction: `[data-test=session-idle-txn-${inTrx.threadId}]`,
      sqlLink: `[data-test=session-sql-${running.threadId}]`,
      detailLink: `[data-test=session-detail-${inTrx.threadId}]`,
      killLink: `[data-test=session-kill-${running.threadId}]`,
      moreLink: `[data-test=session-more-${running.threadId}]`,
      fetchedAt: '[data-test=session-fetched-at]',
      total: '[data-test=session-total]',
      chip: '[data-test=session-chip-user]',
    };
    const ratios: Record<string, number> = {};
    for (const [name, sel] of Object.entries(targets)) ratios[name] = Math.round((await contrastOf(page, sel)) * 100) / 100;
    const failing = Object.entries(ratios).filter(([, r]) => r < 4.5);
    expect(failing).toEqual([]);
  });

  it('13. the session pages, their overlays and the tenant overview meet WCAG 2.1 AA by axe-core', async () => {
    const { found, check } = wcagAudit(page);
    await openVictims();
    await check('sessions');
    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-column-chooser]').waitFor();
    await check('column chooser');
    await page.locator('[data-test=session-columns]').click();
    await page.locator('[data-test=session-column-chooser]').waitFor({ state: 'hidden' });
    await page.locator(`[data-test=session-sql-${running.threadId}]`).click();
    await page.locator('[data-test=session-sql-dialog]').waitFor();
    await check('SQL detail');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=session-sql-dialog]').waitFor({ state: 'hidden' });
    await page.locator(`[data-test=session-kill-${running.threadId}]`).click();
    await page.locator('[data-test=session-confirm-cancel]').waitFor();
    await check('kill confirmation');
    await page.locator('[data-test=session-confirm-cancel]').click();
    await page.locator('[data-test=session-confirm-cancel]').waitFor({ state: 'hidden' });
    await page.goto(`${t.url}/tenants/${tenantId}`);
    await page.locator('[data-test=tenant-title]').waitFor();
    await check('tenant overview');
    await page.goto(`${t.url}/tenants/${downTenantId}/sessions`);
    await page.locator('[data-test=tenant-title]').waitFor();
    await check('a tenant that is down');
    await page.goto(`${t.url}/autonomous/clusters/${clusterId}/diagnosis`);
    // thread ids repeat across tenants: the row of tenant A's
    await page.locator(`[data-test=session-row-${running.threadId}][data-tenant="${tenantId}"]`).waitFor();
    await check('cluster sessions');
    expect(found).toEqual({});
  });

  it('14/16. readable times; hashed assets come compressed and immutable; boot.ts runs ahead of the libraries', async () => {
    await openVictims();
    const time = page.locator(`[data-test=session-row-${running.threadId}] [data-seconds]`);
    expect(await time.innerText()).toMatch(/^\d+(\.\d)?s$|^\d+m \d+s$/);
    expect(await time.getAttribute('title')).toMatch(/^[\d.]+ 秒$/);
    expect(await page.locator('[data-test=session-fetched-at]').innerText()).toMatch(/UTC/);

    // the page-size menu is built when opened, not with every page, and changes the page size
    const perPage = page.locator('.el-select-dropdown__item', { hasText: '100条/页' });
    expect(await perPage.count()).toBe(0);
    await page.locator('[data-test=session-page-size]').click();
    await perPage.click();
    await page.waitForURL(/pageSize=100(&|$)/);
    await page.locator(`[data-test=session-row-${running.threadId}]`).waitFor();

    // a cold load in a fresh context: every script compressed (bar the few under 1 kB) and cached for a year
    const cold = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await cold.newPage();
    const assets: { url: string; encoding?: string; length: number; cache?: string }[] = [];
    p.on('response', (r) => {
      if (/\/assets\/.+\.js$/.test(r.url())) {
        const h = r.headers();
        assets.push({ url: r.url(), encoding: h['content-encoding'], length: Number(h['content-length'] ?? 0), cache: h['cache-control'] });
      }
    });
    await signIn(p, t.url, 'admin', ADMIN_PASSWORD);
    await p.goto(sessionsUrl());
    await p.locator(`[data-test=session-row-${running.threadId}]`).waitFor();
    await cold.close();
    expect(assets.length).toBeGreaterThan(3);
    for (const a of assets) {
      expect({ url: a.url, compressed: a.encoding === 'br' || a.encoding === 'gzip' || a.length < 1024 }).toEqual({
        url: a.url,
        compressed: true,
      });
      expect(a.cache).toBe('public, max-age=31536000, immutable');
    }

    // boot.ts is a module script of its own ahead of the entry and imports no other chunk, so it runs
    // (asking for the sign-in check, the page's data and its chunks) without waiting for the libraries
    const html = await (await page.request.get(`${t.url}/`)).text();
    const scripts = [...html.matchAll(/<script type="module"[^>]* src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toMatch(/^\/assets\/boot-[\w-]+\.js$/);
    const boot = await (await page.request.get(`${t.url}${scripts[0]}`)).text();
    expect(boot).not.toMatch(/\bfrom\s*["'`]|(^|[;\n])import\s*["'`{*]/);
    expect(boot).toMatch(/import\(["'`]\.\/TenantSessionsView-/);
  });

  it('15. the create-user form asks whether the password must be changed at first sign-in, and sign-in honours it', async () => {
    const create = async (username: string, mustChange: boolean) => {
      await page.goto(`${t.url}/admin/users`);
      await page.locator('[data-test=users-table] .el-table__row').first().waitFor();
      await page.locator('[data-test=user-create]').click();
      await page.locator('[data-test=user-dialog]').waitFor();
      await page.locator('[data-test=user-username]').fill(username);
      await page.locator('[data-test=user-roles]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: 'Auditor' }).click();
      await page.keyboard.press('Escape');
      await page.locator('input[data-test=user-password]').fill('first-password-42');
      const box = page.locator('[data-test=user-must-change]');
      // the default is "must change"
      expect(await box.locator('input').isChecked()).toBe(true);
      if (!mustChange) await box.click();
      expect(await page.locator('[data-test=user-must-change-hint]').innerText()).toBe(
        mustChange ? '用户首次登录时须修改密码。' : '用户可直接使用该密码登录，不会被要求修改。',
      );
      await page.locator('[data-test=user-submit]').click();
      await page.locator('[data-test=users-table] .el-table__row', { hasText: username }).waitFor();
    };
    await create('con-must-change', true);
    await create('con-keeps-password', false);

    for (const [username, asked] of [
      ['con-must-change', true],
      ['con-keeps-password', false],
    ] as const) {
      const c = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const p = await c.newPage();
      await signIn(p, t.url, username, 'first-password-42', { waitForLayout: false });
      await p.locator(asked ? '[data-test=new-password]' : '[data-test=side-menu]').waitFor();
      expect(await p.locator('[data-test=new-password]').count()).toBe(asked ? 1 : 0);
      await c.close();
    }
  });
});
