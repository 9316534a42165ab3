import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium unless CHROMIUM_PATH names another build. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
/** Why the browser tests are skipped, shown in the test name. */
export const skipReason = `chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`;

/** Screenshots land here for CI to keep as artefacts (gitignored, never committed). */
export const artefacts = fileURLToPath(new URL('../../artefacts/browser/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  await mkdir(artefacts, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * What the page reported as broken: CSP refusals and other console errors, uncaught errors,
 * server errors. (A 4xx is the API's answer to the client and is reported by the client.)
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
      problems.push(`console: ${text}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

let axeSource: string | undefined;

/**
 * Runs axe-core on the page as it is and fails on any serious or critical violation. The
 * script goes in through the DevTools protocol (`evaluate`), which the page's CSP does not
 * govern, so the CSP under test stays as strict as in production.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  const loaded = await page.evaluate('typeof window.axe');
  if (loaded === 'undefined') await page.evaluate(axeSource);
  // A string, evaluated in the page (this file is type-checked without the DOM library).
  const violations = (await page.evaluate(`
    axe.run(document, { resultTypes: ['violations'] }).then((results) =>
      results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        })),
    )
  `)) as { id: string; impact: string; help: string; targets: string[] }[];
  expect(violations, `axe on ${screen}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
}
