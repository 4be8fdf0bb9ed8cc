// A real browser for what the console shows a person: Debian's `chromium` driven by
// playwright-core through `executablePath` (Playwright's own browser download cannot be reached
// from these machines, and playwright-core ships no browser). playwright-core rather than
// puppeteer-core: its locators wait for an element to be there and visible before acting, so a
// test waits on what the page draws instead of sleeping; its CDP client is as good for Chromium.
// Shared by the browser tests, bench/console.ts and the console verify checks.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from '../../tasks/paths.ts';

/** What to run when no browser is found (dev-setup and .ci/run do it as root). */
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

/** Where every page's screenshot goes (CI uploads this folder); outside PLATFORM_DIR, which tests move to a temp dir. */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.platform', 'screenshots');

const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];

/**
 * The Chromium executable: `CHROMIUM_PATH` when set (it must exist), else Debian's, else one on
 * PATH; undefined when there is none.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return fs.existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .flatMap((d) => [path.join(d, 'chromium'), path.join(d, 'chromium-browser')]);
  return [...CANDIDATES, ...onPath].find((p) => fs.existsSync(p));
}

/** Why there is no browser, in one line with what to do; undefined when there is one. */
export function noBrowserReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (chromiumPath(env)) return undefined;
  return env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist; point it at a Chromium binary or unset it`
    : `chromium not found; as root run \`${CHROMIUM_INSTALL}\` (make dev-setup does it)`;
}

/** Headless Chromium; throws the one-line reason when there is none. Close it in a finally. */
export async function launchBrowser(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const executablePath = chromiumPath(env);
  if (!executablePath) throw new Error(noBrowserReason(env));
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    // playwright-core already turns Chromium's sandbox off (root, CI here); /dev/shm may be small in containers.
    args: ['--disable-dev-shm-usage'],
  });
}

/** A page of a fresh context at a readable desktop size. */
export async function newPage(
  browser: Browser,
  opts: { width?: number; height?: number } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    deviceScaleFactor: 1,
  });
  return context.newPage();
}

/** Saves the whole page as `<dir>/<name>.png`; returns the file's path. */
export async function screenshot(page: Page, name: string, dir = SCREENSHOT_DIR): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
