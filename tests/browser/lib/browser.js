// Debian's Chromium driven by playwright-core, and what every flow does with it: signing
// in, checking a page (axe-core, Content-Security-Policy violations, script errors) and
// keeping a full-page screenshot.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { OUTPUT, PASSWORD, USERS } from './server.js';

const require = createRequire(import.meta.url);

/** Chromium from Debian's package (Playwright's own download is not used). */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Flags for a closed network: no background connections Chromium would try anyway. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts Chromium with a fresh temporary profile. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/setup (or set CHROMIUM_BIN)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** What went wrong in a page's own scripts or against its security policy. */
const problems = new WeakMap();

function watch(page) {
  const seen = [];
  problems.set(page, seen);
  page.on('pageerror', (e) => seen.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) {
      seen.push(`CSP violation: ${text}`);
    } else if (m.type() === 'error' && !/Failed to load resource/.test(text)) {
      seen.push(`console error: ${text}`);
    }
  });
}

/**
 * A new browser context (its own cookies and cache) in Spanish, the interface's default
 * for a browser in Ecuador; every page it opens is watched for script errors and CSP
 * violations.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    locale: 'es-EC',
    timezoneId: 'America/Guayaquil',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.on('page', watch);
  return context;
}

/** A new page in a new context; close the context with `page.context().close()`. */
export async function newPage(browser, options = {}) {
  const context = await newContext(browser, options);
  return context.newPage();
}

/**
 * Signs in through the form as one of USERS (`'officer'`, …), with `?next=` when given;
 * resolves once the browser has left the sign-in page.
 */
export async function signIn(page, server, who, { next } = {}) {
  const user = typeof who === 'string' ? USERS[who] : who;
  const query = next ? `?next=${encodeURIComponent(next)}` : '';
  await page.goto(`${server.url}/login${query}`);
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.locator('main form button[type=submit]').click(),
  ]);
}

/** The session cookie of a signed-in page's context, as a `Cookie` header value. */
export async function cookieHeader(page) {
  const cookies = await page.context().cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

let axeSource;

/**
 * Runs axe-core on the page as it is now; writes every finding to
 * target/browser-output/axe/NAME.json and fails on serious or critical ones (with
 * `{ enforce: false }`, only reports them: for third-party pages Custodia serves as they
 * come). axe is evaluated through the DevTools protocol, so the pages' strict CSP stays
 * in force.
 */
export async function checkAccessibility(page, name, { enforce = true } = {}) {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(axeSource);
  }
  // axe schedules its work with timers: under a paused fake clock it would never finish.
  let timer;
  const results = await Promise.race([
    page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })),
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`axe did not finish on ${name} in 120 s (a paused page.clock?)`)),
        120_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  const dir = path.join(OUTPUT, 'axe');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, `${name}.json`),
    JSON.stringify({ url: page.url(), violations: results.violations }, null, 2),
  );
  const describe = (v) =>
    `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes
      .slice(0, 5)
      .map((n) => `      ${n.target.join(' ')}  ${n.html.slice(0, 160)}\n        ${(n.failureSummary ?? '').replace(/\n/g, '\n        ')}`)
      .join('\n');
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.violations.filter((v) => !serious.includes(v));
  if (!enforce) {
    const ids = (found) => found.map((v) => v.id).join(', ') || 'none';
    console.log(`# axe, ${name} (not enforced): serious or critical: ${ids(serious)}; moderate or minor: ${ids(minor)}`);
    return results.violations;
  }
  if (minor.length) {
    console.log(`# axe, ${name}: ${minor.length} moderate or minor finding(s)\n${minor.map(describe).join('\n')}`);
  }
  assert.equal(
    serious.length,
    0,
    `axe found serious or critical problems on ${name} (${page.url()}):\n${serious.map(describe).join('\n')}`,
  );
}

/** Fails if the page's scripts threw or its security policy refused something. */
export function assertNoPageProblems(page) {
  const seen = problems.get(page) ?? [];
  assert.deepEqual(seen, [], `problems on ${page.url()}:\n${seen.join('\n')}`);
}

/** The tallest screenshot kept, in CSS pixels: longer pages are cut (and say so). */
const MAX_SHOT_HEIGHT = 16_000;

/** Saves a full-page screenshot as target/browser-output/screenshots/NAME.png. */
export async function screenshot(page, name) {
  const dir = path.join(OUTPUT, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height > MAX_SHOT_HEIGHT) {
    console.log(`# screenshot ${name}: the page is ${height} px tall; kept the first ${MAX_SHOT_HEIGHT} px`);
    const width = page.viewportSize()?.width ?? 1280;
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height: MAX_SHOT_HEIGHT } });
  } else {
    await page.screenshot({ path: file, fullPage: true });
  }
  return file;
}

/**
 * What every visited page gets: no script errors or CSP violations, no serious
 * accessibility problem, and (with `{ shot: true }`) a full-page screenshot.
 */
export async function checkPage(page, name, { shot = false } = {}) {
  assertNoPageProblems(page);
  await checkAccessibility(page, name);
  if (shot) await screenshot(page, name);
}
