import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Signs in through the real login page and waits for the main layout. */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  opts: { waitForLayout?: boolean } = {},
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('[data-test=username]').fill(username);
  await page.locator('[data-test=password]').fill(password);
  await page.locator('[data-test=login-submit]').click();
  if (opts.waitForLayout !== false) await page.locator('[data-test=side-menu]').waitFor();
}

/** Answers the open confirmation box with its primary button. */
export async function confirmBox(page: Page): Promise<void> {
  const box = page.locator('.el-message-box');
  await box.waitFor();
  await box.locator('.el-message-box__btns .el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
}

/** A screenshot once every running animation (a dialog fading in...) has finished. */
export async function screenshotSettled(page: Page, path: string): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await page.screenshot({ path });
}

export interface TableFit {
  /** how far the columns reach past the table's width (0: no sideways scrolling) */
  overflow: number;
  /** distinct heights of the body rows (1: no row wraps onto more lines than another) */
  rowHeights: number;
  /** body cells that cut their content without an ellipsis and a tooltip */
  clipped: number;
}

/** How an Element Plus table inside `container` fits its width. */
export function tableFit(page: Page, container: string): Promise<TableFit> {
  return page.locator(container).evaluate((el) => {
    const table = el.matches('.el-table') ? el : el.querySelector('.el-table')!;
    const header = table.querySelector('.el-table__header') as HTMLElement;
    const heights = [...table.querySelectorAll('.el-table__body tr')].map((r) => Math.round(r.getBoundingClientRect().height));
    const clipped = [...table.querySelectorAll('.el-table__body td .cell:not(.el-tooltip)')].filter((x) => x.scrollWidth > x.clientWidth);
    return { overflow: Math.max(0, header.offsetWidth - table.clientWidth), rowHeights: new Set(heights).size, clipped: clipped.length };
  });
}
