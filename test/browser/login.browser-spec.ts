import type { Browser } from 'playwright-core';
import { wcagAudit } from '../support/a11y';
import { ADMIN_PASSWORD, login, startTestApp, TestApp } from '../support/app';
import { launchBrowser, signIn } from '../support/browser';

describe('console shell in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in through the real login page and shows the main layout', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/tenants`);
    await page.waitForURL(/\/login\?redirect=/);
    await page.locator('[data-test=username]').fill('admin');
    await page.locator('[data-test=password]').fill('wrong-password');
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=login-error]').waitFor();

    await page.locator('[data-test=password]').fill(ADMIN_PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=side-menu]').waitFor();
    expect(await page.locator('[data-test=current-user]').innerText()).toContain('Administrator');
    expect(await page.locator('[data-test=brand]').innerText()).toBe('SessionOps');

    // the session cookie is httpOnly: not readable from the page
    expect(await page.evaluate(() => document.cookie)).not.toContain('so_session');
    await page.close();
  });

  it('shows the 404 page for an unknown console path', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${t.url}/no/such/page`);
    await page.locator('[data-test=page-notFound]').waitFor();
    await ctx.close();
  });

  it('draws an icon for every side-menu entry, and no element the browser does not know', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.locator('[data-test=side-menu]').waitFor();
    // an icon named by a menu entry but not registered renders as an unknown element, not an <svg>
    const entries = await page.$$eval('[data-test=side-menu] > li > :is(a, button)', (rows) =>
      rows.map((row) => ({
        entry: row.closest('[data-test]')?.getAttribute('data-test'),
        svg: row.querySelector(':scope > .el-icon:not(.el-sub-menu__icon-arrow) svg') !== null,
      })),
    );
    expect(entries.length).toBeGreaterThanOrEqual(8);
    expect(entries.filter((e) => !e.svg)).toEqual([]);
    const unknown = await page.evaluate(() =>
      [...document.querySelectorAll('*')].filter((e) => e instanceof HTMLUnknownElement).map((e) => e.tagName),
    );
    expect(unknown).toEqual([]);
    await ctx.close();
  });

  it('switches the language from the header, and keeps it after a reload', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    const tenants = page.locator('[data-test=menu-tenants]');
    await tenants.waitFor();
    expect(await tenants.innerText()).toBe('租户');
    // the control is named for assistive technology, in the page's language
    const choose = async (label: string, name: string) => {
      expect(await page.getByRole('combobox', { name: label }).count()).toBe(1);
      await page.locator('[data-test=locale]').click();
      await page.getByRole('option', { name }).click();
    };
    await choose('语言', 'English');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await tenants.innerText()).toBe('Tenants');
    await page.reload();
    await tenants.waitFor();
    expect(await tenants.innerText()).toBe('Tenants');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await choose('Language', '简体中文');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await tenants.innerText()).toBe('租户');
    await ctx.close();
  });

  it('meets WCAG 2.1 AA by axe-core: sign-in, overview, lists, administration, relay keys and providers, 404', async () => {
    const admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    // rows with switches and menus to check, beside the administrator's own
    await admin.post('/api/users', { username: 'axe-user', password: 'axe-user-password-1', roleIds: [] }).expect(201);
    await admin.post('/api/relay/keys', { name: 'axe-key' }).expect(201);
    await admin.post('/api/relay/providers', { name: 'axe-provider', baseUrl: 'http://127.0.0.1:9', apiKey: 'sk-axe' }).expect(201);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    const { found, check } = wcagAudit(page);
    await page.goto(`${t.url}/login`);
    await page.locator('[data-test=username]').waitFor();
    await check('/login');
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    for (const [path, ready] of [
      ['/dashboard', '[data-test=side-menu]'],
      ['/tenants', '[data-test=side-menu]'],
      ['/audit', '[data-test=audit-table]'],
      ['/admin/users', '[data-test=user-enabled]'],
      ['/admin/roles', '.el-table__row'],
      ['/admin/grants', '[data-test=side-menu]'],
      ['/admin/clusters', '[data-test=side-menu]'],
      ['/relay/keys', '[data-test=relay-key-enabled]'],
      ['/relay/providers', '[data-test=relay-provider-enabled]'],
      ['/no/such/page', '[data-test=page-notFound]'],
    ] as const) {
      await page.goto(`${t.url}${path}`);
      await page.locator(ready).first().waitFor();
      await check(path);
    }
    // two forms, open
    for (const [path, button] of [
      ['/admin/users', 'user-create'],
      ['/relay/providers', 'relay-provider-create'],
    ] as const) {
      await page.goto(`${t.url}${path}`);
      await page.locator(`[data-test=${button}]`).click();
      await page.locator('.el-dialog').waitFor();
      await check(`${path}, ${button}`);
    }
    expect(found).toEqual({});
    await ctx.close();
  });

  it('runs under the Content-Security-Policy without a violation, and refuses to be framed', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const res = await page.goto(`${t.url}/login`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    for (const path of ['/admin/users', '/admin/roles', '/admin/grants', '/audit', '/tenants']) {
      await page.goto(`${t.url}${path}`);
      await page.locator('[data-test=side-menu]').waitFor();
    }
    // open a popup (Element Plus positions it with inline styles)
    await page.goto(`${t.url}/admin/users`);
    await page.locator('.el-table').first().waitFor();
    expect(violations).toEqual([]);

    // a page of another origin cannot frame the console
    const framer = await ctx.newPage();
    await framer.setContent(`<iframe id="f" src="${t.url}/login"></iframe>`);
    // setContent waits for the load event, which waits for the frame: the browser put its error page there
    const frame = await (await framer.waitForSelector('#f')).contentFrame();
    expect(frame?.url()).toMatch(/^chrome-error:/);
    await ctx.close();
  });
});
