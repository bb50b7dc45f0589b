import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, login, startTestApp, TestApp } from '../support/app';
import { confirmBox, launchBrowser } from '../support/browser';
import { STACK } from '../support/stack';

async function closeTestDialog(page: Page): Promise<void> {
  await page.locator('[data-test=test-dialog-close]').click();
  await page.locator('[data-test=test-dialog]').waitFor({ state: 'hidden' });
}

describe('clusters & tenants registry in Chromium', () => {
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

  it('registers a cluster and a MariaDB tenant, tests the connection and deletes both', async () => {
    const tenant = STACK.tenantA;
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${t.url}/admin/clusters`);
    await page.waitForURL(/\/login\?redirect=/);
    await page.locator('[data-test=username]').fill('admin');
    await page.locator('[data-test=password]').fill(ADMIN_PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=registry-empty]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/clusters');
    expect(await page.locator('[data-test="menu-clusters"]').innerText()).toBe('集群与租户');

    // a MySQL-compatible cluster: no sys tenant fields
    await page.locator('[data-test=cluster-create]').click();
    const clusterDrawer = page.locator('[data-test=cluster-drawer]');
    await clusterDrawer.locator('[data-test=cluster-sys-host]').waitFor();
    await clusterDrawer.locator('[data-test=cluster-name-input]').fill('local-mariadb');
    await clusterDrawer.locator('[data-test=cluster-kind]').click();
    await page.locator('[data-test=cluster-kind-mysql]').click();
    await clusterDrawer.locator('[data-test=cluster-sys-host]').waitFor({ state: 'detached' });
    await clusterDrawer.locator('[data-test=cluster-description-input]').fill('本地 MariaDB');
    await clusterDrawer.locator('[data-test=cluster-save]').click();
    await clusterDrawer.waitFor({ state: 'hidden' });
    await page.locator('[data-test=cluster-name]', { hasText: 'local-mariadb' }).waitFor();
    expect(await page.locator('[data-test=cluster-kind-tag]').innerText()).toBe('MySQL 兼容');

    // the tenant drawer checks the form before anything is sent
    await page.locator('[data-test=cluster-add-tenant]').click();
    const drawer = page.locator('[data-test=tenant-drawer]');
    await drawer.locator('[data-test=tenant-name-input]').waitFor();
    expect(await drawer.locator('[data-test=tenant-cluster]').innerText()).toContain('local-mariadb');
    expect(await drawer.locator('[data-test=tenant-proxy]').count()).toBe(0);
    await drawer.locator('[data-test=tenant-name-input]').fill('tenant_a');
    await drawer.locator('[data-test=tenant-host]').fill(tenant.host);
    await drawer.locator('[data-test=tenant-port]').fill('70000');
    await drawer.locator('[data-test=tenant-save]').click();
    await drawer.locator('.el-form-item__error', { hasText: '1–65535' }).waitFor();
    await drawer.locator('.el-form-item__error', { hasText: '请输入用户名' }).waitFor();

    // test the unsaved connection, then save it
    await drawer.locator('[data-test=tenant-port]').fill(String(tenant.port));
    await drawer.locator('[data-test=tenant-username]').fill(tenant.user);
    await drawer.locator('[data-test=tenant-password]').fill(tenant.password);
    await drawer.locator('[data-test=tenant-test]').click();
    const draftResult = drawer.locator('[data-test=test-result]');
    await draftResult.waitFor();
    expect(await draftResult.getAttribute('data-ok')).toBe('true');
    expect(await draftResult.locator('[data-test=tenant-dialect]').innerText()).toContain('MariaDB 10.11');

    await drawer.locator('[data-test=tenant-save]').click();
    await drawer.waitFor({ state: 'hidden' });
    const dialog = page.locator('[data-test=test-dialog]');
    const saved = dialog.locator('[data-test=test-result]');
    await saved.waitFor();
    expect(await saved.getAttribute('data-ok')).toBe('true');
    expect(await dialog.innerText()).toContain('已保存租户 tenant_a');
    await closeTestDialog(page);

    const row = page.locator('[data-test=tenant-table] .el-table__row', { hasText: 'tenant_a' });
    await row.waitFor();
    expect(await row.locator('[data-test=tenant-address]').innerText()).toBe(`${tenant.host}:${tenant.port}`);
    expect(await row.locator('[data-test=tenant-health]').getAttribute('data-status')).toBe('up');
    expect(await row.locator('[data-test=tenant-health]').innerText()).toMatch(/正常\s*\d+ ms/);
    expect(await row.locator('[data-test=tenant-dialect]').innerText()).toMatch(/^MariaDB 10\.11/);
    expect(await page.locator('[data-test=cluster-tenant-count]').innerText()).toBe('1');

    // 测试连接 from the table: latency, version and the privilege check in plain words
    await row.locator('[data-test=tenant-test-action]').click();
    const result = dialog.locator('[data-test=test-result]');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.locator('[data-test=test-latency]').innerText()).toMatch(/^\d+ ms$/);
    expect(await result.locator('[data-test=tenant-dialect]').innerText()).toMatch(/^MariaDB 10\.11/);
    const process = result.locator('[data-test=privilege-process]');
    expect(await process.innerText()).toMatch(/^[✓✗]/);
    expect(await result.locator('[data-test=privilege-kill]').innerText()).toMatch(/^[✓✗]/);
    await closeTestDialog(page);

    // a cluster that still has tenants is not deleted
    await page.locator('[data-test=cluster-delete]').click();
    await confirmBox(page);
    await page.locator('.el-message--error', { hasText: '还有 1 个租户' }).waitFor();
    expect(await page.locator('[data-test=cluster-name]').count()).toBe(1);

    // editing keeps the stored password when the field is left empty
    await row.locator('[data-test=tenant-edit]').click();
    await drawer.locator('[data-test=tenant-name-input]').waitFor();
    const password = drawer.locator('[data-test=tenant-password]');
    expect(await password.inputValue()).toBe('');
    expect(await password.getAttribute('placeholder')).toBe('留空则保持不变');
    // moving the tenant to another address needs the password entered again
    await drawer.locator('[data-test=tenant-port]').fill(String(tenant.port + 1));
    await drawer.locator('[data-test=tenant-save]').click();
    await drawer.getByText('请重新输入密码后再保存').waitFor();
    await drawer.locator('[data-test=tenant-port]').fill(String(tenant.port));
    await drawer.locator('[data-test=tenant-name-input]').fill('tenant_a1');
    await drawer.locator('[data-test=tenant-save]').click();
    await drawer.waitFor({ state: 'hidden' });
    await saved.waitFor();
    expect(await saved.getAttribute('data-ok')).toBe('true');
    await closeTestDialog(page);
    await page.locator('[data-test=tenant-name]', { hasText: 'tenant_a1' }).waitFor();

    // delete the tenant, then the cluster
    await page.locator('[data-test=tenant-delete]').click();
    await confirmBox(page);
    await page.locator('[data-test=tenant-table] .el-table__empty-text', { hasText: '该集群下暂无租户' }).waitFor();
    await page.locator('[data-test=cluster-delete]').click();
    await confirmBox(page);
    await page.locator('[data-test=registry-empty]').waitFor();

    const api = await login(t.url, 'admin', ADMIN_PASSWORD);
    expect((await api.get('/api/clusters')).body).toMatchObject({ items: [], total: 0 });
    expect((await api.get('/api/tenants')).body).toMatchObject({ items: [], total: 0 });
    await ctx.close();
  });
});
