// The browser tests run in Debian's headless Chromium. Where it is missing they are skipped with a
// loud notice naming the package to install, so the README's `npm ci && npm test` passes on a fresh
// machine; with DTLAB_REQUIRE_BROWSER=1 (set by .ci/run, which installs it) a missing Chromium fails
// the file instead, so CI can never skip them silently.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium; DTLAB_CHROMIUM names another binary. */
export const CHROMIUM = process.env.DTLAB_CHROMIUM || '/usr/bin/chromium';

export function chromiumPresent(): boolean {
  return existsSync(CHROMIUM);
}

export function browserRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes'].includes((env.DTLAB_REQUIRE_BROWSER ?? '').trim().toLowerCase());
}

/** `describe` for tests that need Chromium: runs them, skips them loudly, or fails when they are required. */
export function describeInBrowser(name: string, body: () => void): void {
  const present = chromiumPresent();
  if (!present && browserRequired()) {
    throw new Error(`${name}: DTLAB_REQUIRE_BROWSER is set but there is no Chromium at ${CHROMIUM}; install it: apt-get install chromium`);
  }
  if (!present) {
    process.stderr.write(`\n!!! SKIPPED "${name}": no Chromium at ${CHROMIUM}. Install Debian's chromium to run the browser tests:  apt-get install chromium  !!!\n\n`);
  }
  describe.skipIf(!present)(name, body);
}

/** Debian's Chromium, headless, with nothing that reaches the network by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The mock's web page at `url` in a new page that may request nothing outside the mock, once it is ready. */
export async function openWebPage(browser: Browser, url: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage(viewport ? { viewport } : {});
  await page.route('**/*', (route) => (route.request().url().startsWith(url) ? route.continue() : route.abort()));
  await page.goto(url + '/');
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}
