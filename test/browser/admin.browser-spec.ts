import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, login, startTestApp, TestApp } from '../support/app';
import { launchBrowser, signIn, tableFit } from '../support/browser';
import { STACK } from '../support/stack';

describe('administration and audit pages in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let auditorPassword = '';

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates a role and a user with a role through the console', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD, { waitForLayout: false });
    await page.locator('[data-test=side-menu]').waitFor();

    // a custom role with two menu permissions
    await page.goto(`${t.url}/admin/roles`);
    await page.locator('[data-test=roles-table] .el-table__row').first().waitFor();
    const administrator = page.locator('[data-test=roles-table] .el-table__row', { hasText: 'Administrator' });
    expect(await administrator.locator('[data-test=role-builtin]').count()).toBe(1);
    expect(await administrator.locator('[data-test=role-edit]').isDisabled()).toBe(true);
    await page.locator('[data-test=role-create]').click();
    await page.locator('[data-test=role-dialog]').waitFor();
    await page.locator('[data-test=role-name-input]').fill('Session viewer');
    await page.locator('[data-test="role-menu-tenant.sessions"]').click();
    await page.locator('[data-test="role-menu-audit.read"]').click();
    await page.locator('[data-test=role-submit]').click();
    const viewer = page.locator('[data-test=roles-table] .el-table__row', { hasText: 'Session viewer' });
    await viewer.waitFor();
    expect(await viewer.locator('[data-test=role-builtin]').count()).toBe(0);
    expect(await viewer.locator('[data-test=role-edit]').isDisabled()).toBe(false);

    // an auditor whose initial password is generated and shown once
    await page.goto(`${t.url}/admin/users`);
    await page.locator('[data-test=users-table] .el-table__row').first().waitFor();
    await page.locator('[data-test=user-create]').click();
    await page.locator('[data-test=user-dialog]').waitFor();
    await page.locator('[data-test=user-username]').fill('auditor-ui');
    await page.locator('[data-test=user-display-name]').fill('UI Reviewer');
    await page.locator('[data-test=user-roles]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'Auditor' }).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-test=user-submit]').click();
    await page.locator('[data-test=password-dialog]').waitFor();
    auditorPassword = await page.locator('[data-test=initial-password]').inputValue();
    expect(auditorPassword.length).toBeGreaterThanOrEqual(10);
    await page.locator('[data-test=password-dialog-close]').click();

    const row = page.locator('[data-test=users-table] .el-table__row', { hasText: 'auditor-ui' });
    await row.waitFor();
    expect(await row.locator('.el-tag').allInnerTexts()).toEqual(['Auditor']);

    // the same name again is refused
    await page.locator('[data-test=user-create]').click();
    await page.locator('[data-test=user-username]').fill('auditor-ui');
    await page.locator('[data-test=user-roles]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'Auditor' }).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-test=user-submit]').click();
    await page.locator('[data-test=user-dialog] .el-form-item__error').waitFor();

    // the search is kept in the URL
    await page.goto(`${t.url}/admin/users?q=auditor`);
    await page.locator('[data-test=users-table] .el-table__row', { hasText: 'auditor-ui' }).waitFor();
    expect(await page.locator('[data-test=users-table] .el-table__row').count()).toBe(1);
    await ctx.close();
  });

  it('lets an auditor read the audit trail but not the relay sessions page', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, t.url, 'auditor-ui', auditorPassword, { waitForLayout: false });
    await page.locator('[data-test=change-submit]').waitFor();
    await page.locator('[data-test=current-password]').fill(auditorPassword);
    await page.locator('[data-test=new-password]').fill('auditor-ui-new-password');
    await page.locator('[data-test=change-submit]').click();
    await page.locator('[data-test=side-menu]').waitFor();

    expect(await page.locator('[data-test=menu-audit]').count()).toBe(1);
    expect(await page.locator('[data-test=menu-relay-sessions]').count()).toBe(0);
    expect(await page.locator('[data-test=menu-admin]').count()).toBe(0);

    await page.goto(`${t.url}/audit`);
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    const actions = await page.locator('[data-test=audit-action]').allInnerTexts();
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'role.create', 'auth.login']));

    // filters live in the URL: a shared link shows the same rows, and the export uses them
    await page.goto(`${t.url}/audit?action=user.create&result=ok`);
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    expect(new Set(await page.locator('[data-test=audit-action]').allInnerTexts())).toEqual(new Set(['user.create']));
    expect(await page.locator('[data-test=audit-export]').getAttribute('href')).toBe('/api/audit/export.csv?action=user.create&result=ok');
    await page.locator('[data-test=audit-table] .el-table__expand-icon').first().click();
    expect(await page.locator('[data-test=audit-target]').innerText()).toContain('auditor-ui');

    await page.locator('[data-test=audit-filter-actor]').fill('nobody');
    await page.locator('[data-test=audit-search]').click();
    await page.waitForURL(/actor=nobody/);
    await page.locator('[data-test=audit-table] .el-table__empty-text').waitFor();

    // the relay sessions page is for administrators
    await page.goto(`${t.url}/dashboard/sessions`);
    await page.waitForURL(/\/dashboard$/);
    await page.locator('[data-test=dashboard]').waitFor();

    await page.goto(`${t.url}/admin/users`);
    await page.locator('[data-test=page-forbidden]').waitFor();
    await ctx.close();
  });

  it('shows the relay sessions placeholder to an administrator', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD, { waitForLayout: false });
    await page.locator('[data-test=side-menu]').waitFor();
    await page.locator('[data-test=menu-relay-sessions]').click();
    await page.waitForURL(/\/dashboard\/sessions$/);
    await page.locator('[data-test=relay-sessions-empty]').waitFor();
    await ctx.close();
  });
  it('names tenants, clusters and actors on the audit page, filters by tenant name and details a tenant.create (1440×900, zh-CN)', async () => {
    const admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const cluster = (await admin.post('/api/clusters', { name: 'east-dc', kind: 'mysql' }).expect(201)).body.id as number;
    for (const [name, at] of [
      ['orders-db', STACK.tenantA],
      ['billing-db', STACK.tenantB],
    ] as const) {
      await admin
        .post('/api/tenants', { clusterId: cluster, name, host: at.host, port: at.port, username: at.user, password: at.password })
        .expect(201);
    }

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${t.url}/audit?action=tenant.create`);
    const rows = page.locator('[data-test=audit-table] .el-table__row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);

    const tenants = await page.locator('[data-test=audit-object-tenant]').allInnerTexts();
    expect(tenants.map((s) => s.trim()).sort()).toEqual(['租户：billing-db', '租户：orders-db']);
    expect(new Set(await page.locator('[data-test=audit-object-cluster]').allInnerTexts())).toEqual(new Set(['集群：east-dc']));
    const table = await page.locator('[data-test=audit-table]').innerText();
    expect(table).not.toMatch(/租户 \d+|集群 \d+/);
    expect(new Set((await page.locator('[data-test=audit-actor]').allInnerTexts()).map((s) => s.trim()))).toEqual(
      new Set(['Administrator (admin)']),
    );
    expect(table).toContain('添加租户');
    // at 1440 the columns fit and no row wraps further than another (actor and address on their lines)
    expect(await tableFit(page, '[data-test=audit-table]')).toEqual({ overflow: 0, rowHeights: 1, clipped: 0 });
    expect((await page.locator('[data-test=audit-actor]').first().boundingBox())!.height).toBeLessThan(30);

    // filter by the tenant's name: the name goes into the URL and narrows the rows
    await page.locator('[data-test=audit-filter-tenant]').fill('orders');
    await page.locator('[data-test=audit-search]').click();
    await page.waitForURL(/tenant=orders/);
    await page.locator('[data-test=audit-object-tenant]', { hasText: 'billing-db' }).waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    expect((await page.locator('[data-test=audit-object-tenant]').innerText()).trim()).toBe('租户：orders-db');

    // the detail of a tenant.create shows tenant fields, labelled
    await page.locator('[data-test=audit-table] .el-table__expand-icon').first().click();
    const detail = page.locator('[data-test=audit-target]');
    await detail.waitFor();
    expect(await detail.locator('[data-test=audit-field-name]').innerText()).toBe('orders-db');
    expect(await detail.locator('[data-test=audit-field-host]').innerText()).toBe(STACK.tenantA.host);
    expect(await detail.locator('[data-test=audit-field-port]').innerText()).toBe(String(STACK.tenantA.port));
    expect(await detail.locator('[data-test=audit-field-cluster]').innerText()).toBe('east-dc');
    const text = await detail.innerText();
    expect(text).toContain('端口');
    expect(text).not.toContain('SQL');
    expect(await detail.locator('[data-test=audit-target-sql]').count()).toBe(0);

    // the tenant list fits 1440 too: health and its time, and the link to the sessions, on one line each
    await page.goto(`${t.url}/tenants`);
    await page.locator('[data-test=tenant-list-table] .el-table__row').nth(1).waitFor();
    expect(await tableFit(page, '[data-test=tenant-list-table]')).toEqual({ overflow: 0, rowHeights: 1, clipped: 0 });
    const row = page.locator('[data-test=tenant-list-table] .el-table__row').first();
    expect((await row.boundingBox())!.height).toBeLessThan(64);
    await ctx.close();
  });
});
