// The browser tests' entry to a real Chromium (validation/lib/browser.ts finds and launches it):
// open a URL headless, let the test act on the page, keep the page's screenshot under
// .platform/screenshots/ (CI uploads that folder), and always close the browser.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, noBrowserReason, screenshot } from '../../validation/lib/browser.ts';

export { noBrowserReason, screenshot };

/** Runs `fn` with a launched browser, closing it afterwards whatever happened. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchBrowser();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * Opens `url` in a fresh page, runs `fn` on it, then saves the screenshot `<name>.png` (also
 * when `fn` threw, so a failing page can be looked at). Returns `fn`'s value.
 */
export async function onPage<T>(
  browser: Browser,
  url: string,
  name: string,
  fn: (page: Page) => Promise<T> = async () => undefined as T,
): Promise<T> {
  const page = await newPage(browser);
  try {
    await page.goto(url, { waitUntil: 'load' });
    return await fn(page);
  } finally {
    await screenshot(page, name).catch((e: unknown) => console.error(`screenshot ${name}: ${String(e)}`));
    await page.context().close();
  }
}
