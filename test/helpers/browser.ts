/**
 * Debian's Chromium driven by playwright-core, headless with a fresh profile and no network
 * chatter. Never downloads a browser: when /usr/bin/chromium is absent the browser tests fail,
 * saying how to install it, unless DURABLE_CRON_SKIP_BROWSER_TESTS=1 opts out (then they skip).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium the tests drive. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The variable that, set to 1, skips the browser tests when Chromium is missing. */
export const SKIP_BROWSER_TESTS = 'DURABLE_CRON_SKIP_BROWSER_TESTS';

const missing = () =>
  `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium) to run the Web UI tests`;

/**
 * Why the browser tests skip: only when Chromium is missing and {@link SKIP_BROWSER_TESTS}=1 says
 * to skip them. Otherwise undefined: they run, and fail without Chromium ({@link requireChromium}).
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env[SKIP_BROWSER_TESTS] !== '1') return undefined;
  return `${missing()} (skipped: ${SKIP_BROWSER_TESTS}=1)`;
}

/**
 * Fails a browser test at once when Chromium is missing, before it starts any server.
 * @throws Error saying how to install Chromium, or how to skip the browser tests explicitly
 */
export function requireChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  throw new Error(`${missing()}, or set ${SKIP_BROWSER_TESTS}=1 to skip them`);
}

/** A headless browser context with a throwaway profile; `close` removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'durable-cron-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Directory for test artifacts (gitignored). */
export function artifactPath(name: string): string {
  return join(__dirname, '..', '..', '..', 'test-results', name);
}
