/**
 * Debian's Chromium driven by playwright-core, headless with a fresh profile and no network
 * chatter. Never downloads a browser: when /usr/bin/chromium is absent the browser tests skip,
 * except under CI=true, where they fail (`.ci/run` installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium the tests drive. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests must skip here, or undefined when they can (or, on CI, must) run. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return undefined;
  return `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install -y chromium) to run the Web UI test`;
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
