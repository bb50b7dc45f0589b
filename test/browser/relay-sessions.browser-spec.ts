import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { relayKeys } from '../../server/relay/sessions/relay-session.keys';
import { wcagAudit } from '../support/a11y';
import { ADMIN_PASSWORD, Client, login, startTestApp, TestApp } from '../support/app';
import { confirmBox, launchBrowser, signIn, tableFit } from '../support/browser';
import { seedRelaySessions, SeedSession } from '../support/relay-seed';
import { freePort, waitFor } from '../support/servers';
import { STACK } from '../support/stack';

/** BROWSER_SCREENSHOTS=<dir> keeps screenshots of the pages this file visits */
const SHOTS = process.env.BROWSER_SCREENSHOTS;
const DETAIL = 'b7e1c2d4-9a3f-4e6b-8c1d-2f5a7e9b0c3d';

const SSE = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":100,"output_tokens":1}}}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello, "}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"streamed world"}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":0}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":20}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
].join('\n');

describe('relay sessions console (Chromium)', () => {
  let t: TestApp;
  let admin: Client;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const redis = new Redis(STACK.redisUrl, { lazyConnect: true });
  const users: Record<string, number> = {};
  let prefix: string;

  const activeList = () => page.locator('[data-test=relay-active]');
  const inactiveList = () => page.locator('[data-test=relay-inactive]');
  const pageOf = (list: ReturnType<typeof activeList>) => list.locator('[data-test=relay-page]');

  async function seed(extra: SeedSession[] = []): Promise<void> {
    const now = Date.now();
    const sessions: SeedSession[] = [];
    for (let i = 0; i < 45; i++) {
      const who = i % 3 === 0 ? 'bob' : 'alice';
      sessions.push({
        id: `sess-${String(i).padStart(2, '0')}-${who}-0123456789abcdef`,
        userId: users[who]!,
        userName: who,
        keyName: `${who}-laptop`,
        lastAt: now - 1000 - i * 1000,
        requests: 1 + (i % 4),
        inFlight: i === 1 ? 1 : 0,
      });
    }
    for (let i = 0; i < 25; i++) {
      sessions.push({
        id: `idle-${String(i).padStart(2, '0')}-alice`,
        userId: users.alice!,
        userName: 'alice',
        lastAt: now - 400_000 - i * 1000,
      });
    }
    sessions.push({
      id: DETAIL,
      userId: users.alice!,
      userName: 'alice',
      keyName: 'alice-laptop',
      lastAt: now + 5000,
      requests: 25,
      messages: true,
      model: 'claude-opus-4-1',
    });
    await seedRelaySessions(redis, prefix, [...sessions, ...extra]);
    await redis.set(relayKeys(prefix).responseBody(DETAIL, 2), SSE);
  }

  beforeAll(async () => {
    t = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', STORE_SESSION_MESSAGES: 'true', SESSION_TTL: '300', RELAY_CURRENCY: 'USD' });
    prefix = t.config.redisPrefix;
    await redis.connect();
    admin = await login(t.url, 'admin', ADMIN_PASSWORD);
    const roles = (await admin.get('/api/roles').expect(200)).body.items as { id: number; name: string }[];
    const relayRole = roles.find((r) => r.name === 'Relay user')!.id;
    for (const name of ['alice', 'bob']) {
      users[name] = (
        await admin.post('/api/users', { username: name, roleIds: [relayRole], password: `${name}-password-1` }).expect(201)
      ).body.user.id;
    }
    await seed();
    browser = await launchBrowser();
    ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    page = await ctx.newPage();
    await signIn(page, t.url, 'admin', ADMIN_PASSWORD);
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    redis.disconnect();
    await t?.close();
  });

  it('lists active and inactive sessions with independent paging over 45+ sessions', async () => {
    await page.locator('[data-test=menu-relay-sessions]').click();
    await page.waitForURL(/\/dashboard\/sessions$/);
    await activeList().locator('.el-table__row').nth(19).waitFor();
    expect(await activeList().locator('.el-table__row').count()).toBe(20);
    expect(await pageOf(activeList()).innerText()).toBe('1 / 3');
    expect(await pageOf(inactiveList()).innerText()).toBe('1 / 2');
    expect(await inactiveList().locator('[data-test=relay-not-counted]').innerText()).toBe('不计入并发数');
    // the session with a request in flight says so; ids are cut to 16 characters
    expect(await activeList().locator('[data-test=relay-in-flight]').count()).toBe(1);
    expect(await activeList().locator('[data-test=relay-session-id]').first().innerText()).toBe(DETAIL.slice(0, 16));
    // inactive sessions cannot be selected or terminated
    expect(await inactiveList().locator('[data-test=relay-multi]').count()).toBe(0);
    expect(await inactiveList().locator('[data-test=relay-terminate]').count()).toBe(0);

    await activeList().locator('[data-test=relay-next]').click();
    await page.waitForURL(/ap=2/);
    await expectText(pageOf(activeList()), '2 / 3');
    expect(await pageOf(inactiveList()).innerText()).toBe('1 / 2');
    await inactiveList().locator('[data-test=relay-next]').click();
    await expectText(pageOf(inactiveList()), '2 / 2');
    expect(await inactiveList().locator('.el-table__row').count()).toBe(5);
    expect(await pageOf(activeList()).innerText()).toBe('2 / 3');
    await activeList().locator('[data-test=relay-session-id]', { hasText: 'sess-19' }).waitFor();
  });

  it('fits the list at 1440×900 in both languages, selection column included: no sideways scrolling, one line per row', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const c = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const p = await c.newPage();
      await p.addInitScript((l) => localStorage.setItem('sessionops.locale', l), locale);
      await signIn(p, t.url, 'admin', ADMIN_PASSWORD);
      await p.goto(`${t.url}/dashboard/sessions`);
      const list = p.locator('[data-test=relay-active]');
      await list.locator('[data-test=relay-in-flight]').waitFor();
      for (const multi of [false, true]) {
        if (multi) {
          await list.locator('[data-test=relay-multi]').click();
          await list.locator('[data-test=relay-select-all]').waitFor();
        }
        const fit = await tableFit(p, '[data-test=relay-active]');
        expect({ locale, multi, ...fit }).toEqual({ locale, multi, overflow: 0, rowHeights: 1, clipped: 0 });
      }
      // the in-flight mark is a spinner and a count, named in full for screen readers and on hover
      const mark = list.locator('[data-test=relay-in-flight]').first();
      const named = locale === 'en' ? '1 in flight' : '进行中 1';
      expect(await mark.getAttribute('title')).toBe(named);
      expect(await mark.locator('.visually-hidden').textContent()).toBe(named);
      // the providers' columns (their on/off switch last before the actions) fit as well
      await p.goto(`${t.url}/relay/providers`);
      await p.locator('[data-test=relay-providers-table]').waitFor();
      expect((await tableFit(p, '[data-test=relay-providers-table]')).overflow).toBe(0);
      await c.close();
    }
  });

  it('keeps the pages and the selection across the 3 s auto-refresh', async () => {
    await activeList().locator('[data-test=relay-multi]').click();
    const rows = activeList().locator('.el-table__row');
    await rows.nth(0).locator('[data-test=relay-select-row]').click();
    await rows.nth(1).locator('[data-test=relay-select-row]').click();
    await expectText(activeList().locator('[data-test=relay-selected-count]'), '已选择 2 个');
    // a new session appears: the list shows it only after an automatic refresh
    await seedRelaySessions(redis, prefix, [{ id: 'late-arrival', userId: users.bob!, userName: 'bob', lastAt: Date.now() + 10_000 }]);
    await expectText(activeList().locator('[data-test=relay-total]'), '47');
    expect(await pageOf(activeList()).innerText()).toBe('2 / 3');
    expect(await pageOf(inactiveList()).innerText()).toBe('2 / 2');
    expect(await activeList().locator('[data-test=relay-selected-count]').innerText()).toBe('已选择 2 个');
    expect(await activeList().locator('[data-test=relay-select-row] input:checked').count()).toBe(2);
    if (SHOTS) {
      await page.setViewportSize({ width: 1600, height: 1480 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${SHOTS}/relay-sessions.png` });
      await page.setViewportSize({ width: 1600, height: 1000 });
    }
  });

  it('terminates the selected sessions and reports the counts, one having expired meanwhile', async () => {
    const unselected = activeList()
      .locator('.el-table__row')
      .filter({ has: page.locator('[data-test=relay-select-row] input:not(:checked)') });
    await unselected.first().locator('[data-test=relay-select-row]').click();
    await expectText(activeList().locator('[data-test=relay-selected-count]'), '已选择 3 个');
    const ids = await activeList()
      .locator('[data-test=relay-select-row] input:checked')
      .evaluateAll((inputs) => inputs.map((i) => i.closest('tr')!.querySelector('[data-test=relay-session-id]')!.textContent!.trim()));
    expect(ids).toHaveLength(3);
    // one of them expires before the confirmation
    const fullIds = ids.map((short) => `${short}`);
    const expired = (await redis.zrange(relayKeys(prefix).all(), 0, -1)).find((id) => id.startsWith(fullIds[2]!))!;
    await redis.del(relayKeys(prefix).session(expired));
    await activeList().locator('[data-test=relay-terminate-selected]').click();
    expect(await page.locator('.el-message-box').innerText()).toContain('不可撤销');
    await confirmBox(page);
    const dialog = page.locator('[data-test=relay-result-dialog]');
    await dialog.locator('[data-test=relay-result-terminated]').waitFor();
    expect(await dialog.locator('[data-test=relay-result-terminated]').innerText()).toContain('成功终止 2 个 Session');
    expect(await dialog.locator('[data-test=relay-result-missing]').innerText()).toContain('1 个因 Session 已过期或不存在而跳过');
    expect(await dialog.locator('[data-test=relay-result-unauthorized]').count()).toBe(0);
    expect(await dialog.locator('[data-test=relay-result-failed]').count()).toBe(0);
    await dialog.locator('[data-test=relay-result-close]').click();
    await expectText(activeList().locator('[data-test=relay-selected-count]'), '已选择 0 个');
    await activeList().locator('[data-test=relay-cancel-multi]').click();
    await activeList().locator('[data-test=relay-multi]').waitFor();
  });

  it('meets WCAG 2.1 AA by axe-core: the lists (inactive ones included, in selection mode) and a session’s requests', async () => {
    const { found, check } = wcagAudit(page);
    await page.goto(`${t.url}/dashboard/sessions`);
    await inactiveList().locator('.el-table__row').first().waitFor();
    await activeList().locator('.el-table__row').first().waitFor();
    await check('lists');
    await activeList().locator('[data-test=relay-multi]').click();
    await activeList().locator('[data-test=relay-select-all]').waitFor();
    await check('lists, selecting');
    await page.goto(`${t.url}/dashboard/sessions/${DETAIL}/messages?seq=2`);
    await page.locator('[data-test=relay-tab-requestBody]').waitFor();
    await check('requests');
    expect(found).toEqual({});
  });

  it('opens a request by ?seq=, moves between requests with back/forward, shows the four tabs, copies and downloads', async () => {
    await page.goto(`${t.url}/dashboard/sessions/${DETAIL}/messages?seq=3`);
    const selected = page.locator('[data-test=relay-request-item].selected');
    await expectAttr(selected, 'data-seq', '3');
    expect(await page.locator('[data-test=relay-total-requests]').innerText()).toBe('25');
    expect(await page.locator('[data-test=relay-user-agent]').innerText()).toContain('claude-cli/2.0.14');
    await page.locator('[data-test=relay-tab-requestBody]').waitFor();
    expect(await page.locator('[data-test=relay-tab-requestBody]').innerText()).toContain(`request 3 of ${DETAIL}`);

    await page.locator('[data-test=relay-request-item][data-seq="5"]').click();
    await page.waitForURL(/seq=5/);
    await expectAttr(selected, 'data-seq', '5');
    await expectContains(page.locator('[data-test=relay-tab-requestBody]'), `request 5 of ${DETAIL}`);
    await page.goBack();
    await page.waitForURL(/seq=3/);
    await expectAttr(selected, 'data-seq', '3');
    await expectContains(page.locator('[data-test=relay-tab-requestBody]'), `request 3 of ${DETAIL}`);
    await page.goForward();
    await page.waitForURL(/seq=5/);
    await expectAttr(selected, 'data-seq', '5');
    if (SHOTS) {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${SHOTS}/relay-session-detail.png` });
    }

    const tabs = page.locator('[data-test=relay-tabs] .el-tabs__item');
    expect(await tabs.allInnerTexts()).toEqual(['请求头', '请求体', '响应头', '响应体']);
    await tabs.nth(0).click();
    await expectContains(page.locator('[data-test=relay-tab-requestHeaders]'), 'content-type: application/json');
    await tabs.nth(2).click();
    await expectContains(page.locator('[data-test=relay-tab-responseHeaders]'), 'request-id: req_5');
    await tabs.nth(3).click();
    await expectContains(page.locator('[data-test=relay-tab-responseBody]'), '"stop_reason": "end_turn"');

    // a streamed response: the reassembled message, and the raw events
    await page.locator('[data-test=relay-request-item][data-seq="2"]').click();
    await expectContains(page.locator('[data-test=relay-tab-responseBody]'), '"text": "Hello, streamed world"');
    await page.locator('[data-test=relay-stream-view] label', { hasText: '原始事件' }).click();
    await expectContains(page.locator('[data-test=relay-tab-responseBody]'), 'event: content_block_delta');

    // copy messages, copy response, download messages
    await page.locator('[data-test=relay-copy-messages]').click();
    await waitForClipboard(page, `request 2 of ${DETAIL}`);
    await page.locator('[data-test=relay-copy-response]').click();
    await waitForClipboard(page, 'Hello, streamed world');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=relay-download-messages]').click()]);
    expect(download.suggestedFilename()).toBe(`session-${DETAIL}-2-messages.json`);
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { messages: { content: string }[] };
    expect(saved.messages[0]!.content).toBe(`request 2 of ${DETAIL}`);

    // sort toggle resets to page 1 and puts the newest first; the list collapses to its count
    await page.locator('[data-test=relay-req-next]').click();
    await expectText(page.locator('[data-test=relay-req-page]'), '2 / 2');
    await page.locator('[data-test=relay-sort]').click();
    await expectText(page.locator('[data-test=relay-req-page]'), '1 / 2');
    await expectAttr(page.locator('[data-test=relay-request-item]').first(), 'data-seq', '25');
    await page.locator('[data-test=relay-request-item][data-seq="24"]').click();
    await page.waitForURL(/seq=24/);
    await page.locator('[data-test=relay-collapse]').click();
    await expectText(page.locator('[data-test=relay-collapsed-count]'), '25');
    await page.locator('[data-test=relay-collapse]').click();
  });

  it('shows a request its instance left in progress as interrupted, and opens requests from the keyboard', async () => {
    const sid = 'cut-0123456789abcdef';
    // its last request has been in progress for a minute; the instance serving it stopped, so its lease lapsed
    await seedRelaySessions(redis, prefix, [
      { id: sid, userId: users.alice!, userName: 'alice', lastAt: Date.now() - 60_000, requests: 3, inFlight: 1, messages: true },
    ]);
    await redis.zadd(relayKeys(prefix).inflight(), Date.now() - 1, `${sid}|seed-0`);
    await page.goto(`${t.url}/dashboard/sessions/${sid}/messages?seq=3`);
    const cut = page.locator('[data-test=relay-request-item][data-seq="3"]');
    await expectAttr(cut, 'data-status', 'interrupted');
    expect(await cut.locator('[data-test=relay-request-status]').getAttribute('aria-label')).toBe('已中断');
    expect(await cut.locator('.code').innerText()).toBe('—');
    await expectContains(page.locator('[data-test=relay-interrupted]'), '服务实例在请求结束前停止');
    expect(
      await page.locator('[data-test=relay-request-item][data-seq="1"] [data-test=relay-request-status]').getAttribute('aria-label'),
    ).toBe('成功');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/relay-interrupted.png` });

    // every request is a button: focused and opened with Enter, the open one marked as current
    const first = page.locator('[data-test=relay-request-item][data-seq="1"]');
    expect(await first.evaluate((el) => (el as HTMLElement).tabIndex)).toBe(0);
    await first.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/seq=1/);
    await expectAttr(first, 'aria-current', 'true');
    expect(await cut.getAttribute('aria-current')).toBeNull();
    // request 1's pane, once it has arrived, has no note
    await expectContains(page.locator('[data-test=relay-tab-requestBody]'), `request 1 of ${sid}`);
    expect(await page.locator('[data-test=relay-interrupted]').count()).toBe(0);
  });

  it('draws a response body of several MiB a screenful at a time', async () => {
    const items = Array.from({ length: 120_000 }, (_, i) => ({ i, text: `line ${i} of a large answer` }));
    const big = JSON.stringify({ id: 'msg_big', type: 'message', content: [{ type: 'text', text: 'big' }], items });
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    await redis.set(relayKeys(prefix).responseBody(DETAIL, 4), big);
    await page.goto(`${t.url}/dashboard/sessions/${DETAIL}/messages?seq=4`);
    await page.locator('[data-test=relay-tabs] .el-tabs__item').nth(3).click();
    const tab = page.locator('[data-test=relay-tab-responseBody]');
    await expectContains(tab, '"text": "line 0 of a large answer"');
    const lines = Number((await tab.locator('.meta').innerText()).replace(/\D/g, ''));
    expect(lines).toBeGreaterThan(480_000);
    // only the lines in view are in the page
    expect((await tab.locator('pre').innerText()).length).toBeLessThan(20_000);
    await tab.locator('[data-test=virtual-text]').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    // after the scroll event the window shows lines from the middle, not the first ones
    await tab.locator('pre').filter({ hasNotText: '"line 0 of' }).filter({ hasText: 'of a large answer' }).waitFor();
    expect((await tab.locator('pre').innerText()).length).toBeLessThan(20_000);
    // the page still answers: another request opens
    await page.locator('[data-test=relay-request-item][data-seq="3"]').click();
    await page.waitForURL(/seq=3/);
    await expectContains(page.locator('[data-test=relay-tab-responseBody]'), '"stop_reason": "end_turn"');
  });

  it('says when a seq is not valid and when a session has expired or does not exist', async () => {
    await page.goto(`${t.url}/dashboard/sessions/${DETAIL}/messages?seq=999`);
    await page.locator('[data-test=relay-seq-warning]').waitFor();
    await page.waitForURL(/seq=1$/);
    await page.goto(`${t.url}/dashboard/sessions/${DETAIL}/messages?seq=abc`);
    await page.locator('[data-test=relay-seq-warning]').waitFor();
    // a terminated session stays readable until it expires, marked as such
    const done = 'sess-44-alice-0123456789abcdef';
    expect((await admin.del(`/api/relay/sessions/${done}`).expect(200)).body.terminated).toBe(1);
    await page.goto(`${t.url}/dashboard/sessions/${done}/messages`);
    await expectText(page.locator('[data-test=relay-detail-terminated]'), '已终止');
    expect(await page.locator('[data-test=relay-detail-terminate]').isDisabled()).toBe(true);
    await page.goto(`${t.url}/dashboard/sessions/no-such-session/messages`);
    await expectContains(page.locator('[data-test=relay-detail-not-found]'), 'Session 已过期或不存在');
  });

  it('manages relay keys (secret shown once) and providers (key never shown) through the console', async () => {
    await page.goto(`${t.url}/relay/providers`);
    await page.locator('[data-test=relay-provider-create]').click();
    const dialog = page.locator('[data-test=relay-provider-dialog]');
    await dialog.waitFor();
    await page.locator('[data-test=relay-provider-name]').fill('upstream-a');
    await page.locator('[data-test=relay-provider-base-url]').fill('http://127.0.0.1:9/anthropic');
    await page.locator('[data-test=relay-provider-api-key]').fill('sk-upstream-secret-value');
    await page.locator('[data-test=relay-provider-submit]').click();
    const provider = page.locator('[data-test=relay-providers-table] .el-table__row', { hasText: 'upstream-a' });
    await provider.waitFor();
    expect(await provider.locator('[data-test=relay-provider-has-key]').innerText()).toBe('已设置');
    expect(await provider.locator('[data-test=relay-provider-circuit]').innerText()).toBe('正常');
    expect(await page.content()).not.toContain('sk-upstream-secret-value');
    await provider.locator('[data-test=relay-provider-enabled]').click();
    await waitForApi(
      async () => ((await admin.get('/api/relay/providers').expect(200)).body.items[0] as { enabled: boolean }).enabled === false,
    );

    await page.goto(`${t.url}/relay/keys`);
    await page.locator('[data-test=relay-key-create]').click();
    await page.locator('[data-test=relay-key-name]').fill('laptop');
    await page.locator('[data-test=relay-key-submit]').click();
    const secretDialog = page.locator('[data-test=relay-key-secret-dialog]');
    await secretDialog.waitFor();
    const secret = await page.locator('[data-test=relay-key-secret]').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await page.locator('[data-test=relay-key-copy]').click();
    await waitForClipboard(page, secret);
    await page.locator('[data-test=relay-key-secret-close]').click();
    const key = page.locator('[data-test=relay-keys-table] .el-table__row', { hasText: 'laptop' });
    await key.waitFor();
    // the list shows the prefix only; the secret is gone for good
    expect(secret.startsWith((await key.locator('[data-test=relay-key-prefix]').innerText()).replace('…', ''))).toBe(true);
    expect(await page.content()).not.toContain(secret);
    await key.locator('[data-test=relay-key-enabled]').click();
    await waitForApi(async () =>
      ((await admin.get('/api/relay/keys').expect(200)).body.items as { name: string; enabled: boolean }[]).some(
        (k) => k.name === 'laptop' && !k.enabled,
      ),
    );
    await key.locator('[data-test=relay-key-delete]').click();
    await confirmBox(page);
    await key.waitFor({ state: 'detached' });
  });

  it('says in the tabs that bodies are not stored when STORE_SESSION_MESSAGES is off', async () => {
    const off = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', STORE_SESSION_MESSAGES: 'false' });
    const other = await browser.newContext();
    try {
      await seedRelaySessions(redis, off.config.redisPrefix, [{ id: 'counted-only', userId: 1, userName: 'admin', requests: 2 }]);
      const p = await other.newPage();
      await signIn(p, off.url, 'admin', ADMIN_PASSWORD);
      await p.goto(`${off.url}/dashboard/sessions/counted-only/messages`);
      await p.waitForURL(/seq=1/);
      expect(await p.locator('[data-test=relay-not-stored]').innerText()).toContain('STORE_SESSION_MESSAGES=true');
      expect(await p.locator('[data-test=relay-not-stored]').innerText()).toContain('敏感信息');
      expect(await p.locator('[data-test=relay-total-requests]').innerText()).toBe('2');
      expect(await p.locator('[data-test=relay-copy-messages]').isDisabled()).toBe(true);
    } finally {
      await other.close();
      await off.close();
    }
  });

  it('shows the error while the relay’s Redis is unreachable and keeps retrying', async () => {
    // the relay's Redis apart from the console's: a cluster address where nothing listens
    const down = await startTestApp({ TENANT_HEALTH_INTERVAL_MS: '0', REDIS_CLUSTER_NODES: `127.0.0.1:${await freePort()}` });
    const other = await browser.newContext();
    try {
      const p = await other.newPage();
      let calls = 0;
      p.on('request', (r) => {
        if (r.url().includes('/api/relay/sessions?state=active')) calls++;
      });
      await signIn(p, down.url, 'admin', ADMIN_PASSWORD);
      await p.goto(`${down.url}/dashboard/sessions`);
      await expectContains(p.locator('[data-test=relay-error]'), 'Redis');
      const seen = calls;
      await waitFor('another attempt', () => Promise.resolve(calls > seen), undefined, 20_000);
      expect(await p.locator('[data-test=relay-error]').isVisible()).toBe(true);
    } finally {
      await other.close();
      await down.close();
    }
  });

  it('sends a non-admin who opens the page to /dashboard', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signIn(p, t.url, 'alice', 'alice-password-1');
    expect(await p.locator('[data-test=menu-relay-sessions]').count()).toBe(0);
    expect(await p.locator('[data-test=menu-relay-keys]').count()).toBe(1);
    await p.goto(`${t.url}/dashboard/sessions`);
    await p.waitForURL(/\/dashboard$/);
    await p.goto(`${t.url}/dashboard/sessions/${DETAIL}/messages?seq=1`);
    await p.waitForURL(/\/dashboard$/);
    await other.close();
  });
});

async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`) }).waitFor();
}

async function expectContains(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

async function expectAttr(locator: import('playwright-core').Locator, name: string, value: string): Promise<void> {
  await locator
    .and(locator.page().locator(`[${name}="${value}"]`))
    .first()
    .waitFor();
}

async function waitForApi(check: () => Promise<boolean>): Promise<void> {
  await waitFor('the API to show the change', check);
}

async function waitForClipboard(page: Page, text: string): Promise<void> {
  await page.waitForFunction(async (want) => (await navigator.clipboard.readText()).includes(want), text);
}
