import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import type { OAuthProvider } from '../../src/auth/oauth/providers.js';

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_MISSING = `${CHROMIUM} not found: install the Debian package chromium to run the browser tests`;

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * A fresh browser profile (its own --user-data-dir), closed and deleted by close(). Null when
 * Chromium is not installed, outside CI; in CI (`CI` set) that throws, as CI installs it and must
 * run every browser test rather than pass without them.
 */
export async function launchBrowser(opts: { locale?: string; viewport?: { width: number; height: number }; touch?: boolean } = {}): Promise<{ context: BrowserContext; close(): Promise<void> } | null> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM_MISSING}. CI runs every test, so Chromium is required there.`);
    return null;
  }
  const profile = await mkdtemp(join(tmpdir(), 'dossier-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, locale: opts.locale ?? 'en-GB', viewport: opts.viewport ?? { width: 1280, height: 860 },
    // A phone's touch screen: (pointer: coarse) matches, as on the real thing.
    ...(opts.touch && { hasTouch: true, isMobile: true }),
    timeout: 60_000,
  });
  return { context, close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); } };
}

/**
 * For a describe block of browser tests: true, with one skipped test that names the package,
 * when Chromium cannot start here (outside CI only; see launchBrowser), so the block registers
 * nothing else.
 */
export async function withoutChromium(): Promise<boolean> {
  const check = await launchBrowser();
  if (check) { await check.close(); return false; }
  it('runs in Chromium', (t) => { t.skip(CHROMIUM_MISSING); });
  return true;
}

/** Builds the web app into a fresh folder with Vite, so the test serves what the sources say now. */
export async function buildWebApp(): Promise<{ root: string; remove(): Promise<void> }> {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'dossier-web-'));
  await build({ configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), build: { outDir, emptyOutDir: true }, logLevel: 'warn' });
  return { root: outDir, remove: () => rm(outDir, { recursive: true, force: true }) };
}

/** Where the screenshots go: docs/screenshots when DOSSIER_SCREENSHOTS says so (npm run screenshots), else a temp folder. */
export async function screenshotDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const wanted = process.env.DOSSIER_SCREENSHOTS;
  if (wanted) return { dir: wanted, remove: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'dossier-screens-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A whole Dossier serving a fresh build of the web app, a browser, and where screenshots go; close() ends them all. */
export interface WebWorld {
  served: import('./served.js').Served;
  browser: NonNullable<Awaited<ReturnType<typeof launchBrowser>>>;
  shot(page: import('playwright-core').Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWebWorld(env: Record<string, string> = {}, opts: { providers?: (baseUrl: string) => OAuthProvider[] } = {}): Promise<WebWorld> {
  const { startServed } = await import('./served.js');
  const web = await buildWebApp();
  const served = await startServed(env, { webRoot: web.root, providers: opts.providers });
  const shots = await screenshotDir();
  const browser = (await launchBrowser())!;
  return {
    served, browser,
    shot: async (page, name) => { await page.screenshot({ path: join(shots.dir, `${name}.png`), fullPage: true }); },
    close: async () => { await browser.close(); await served.close(); await web.remove(); await shots.remove(); },
  };
}

/**
 * Fills the sign-in form the page shows and waits for the page it leads to: the overview, or
 * the page the sign-in's ?next= names (give its heading as `lands`).
 */
export async function signInAs(page: import('playwright-core').Page, email: string, password: string, lands = 'Overview'): Promise<void> {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: lands, exact: true }).waitFor();
}
