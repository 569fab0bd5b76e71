// Performance figures of the main pages, printed as a table and kept in
// target/browser-output/performance.{md,json}:
//  - server time, p50/p95 over 30 sequential requests with the session cookie (the
//    server's own figure from its log line, and the client's, loopback included);
//  - bytes transferred by a page load with its assets, cold (cache disabled) and warm;
//  - first contentful paint with the CPU throttled 4× (DevTools emulation), cold and warm,
//    the median of 5 loads each (on a busy 2-core machine, expect ±40 %).
// Only the clear budgets are asserted: every page load ≤ 200 KB cold.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  OTHER_FACILITY,
  OUTPUT,
  accentedPersons,
  api,
  apiToken,
  cookieHeader,
  newContext,
  signIn,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

const RUNS = 30;
const WARMUP = 2;
const BYTES_BUDGET = 200 * 1024;
const PAINT_SAMPLES = 5;
const CPU_SLOWDOWN = 4;

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const median = (values) => quantile(values, 0.5);
/** The median of the figures measured (a paint never seen is left out, and said). */
const medianOf = (values, what) => {
  const seen = values.filter((v) => typeof v === 'number');
  if (seen.length < values.length) console.log(`# ${what}: ${values.length - seen.length} load(s) without a paint entry`);
  return seen.length ? median(seen) : null;
};

/** Server and client time of `RUNS` sequential GETs of `url`. */
async function serverTimes(url, cookie) {
  const server = [];
  const client = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const started = performance.now();
    const r = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    await r.arrayBuffer();
    const elapsed = performance.now() - started;
    assert.equal(r.status, 200, `GET ${url}: ${r.status}`);
    if (i < WARMUP) continue;
    client.push(elapsed);
    const ms = await s.server.serverMillis(r.headers.get('x-request-id'));
    if (ms !== undefined) server.push(ms);
  }
  return { server, client };
}

/**
 * Loads `url` in a new page of `context` and counts the bytes received (DevTools'
 * encodedDataLength: headers and compressed bodies) and the first contentful paint.
 */
async function load(context, url, { cold, cpu = 1 }) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: cold });
    if (cpu !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    let bytes = 0;
    let requests = 0;
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      requests += 1;
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    assert.equal(response.status(), 200, url);
    await page.waitForLoadState('networkidle');
    // The paint entry may come after the load event: wait for it (at most 10 s).
    const paint = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const found = () => {
            const entry =
              performance.getEntriesByName('first-contentful-paint')[0] ??
              performance.getEntriesByType('paint')[0];
            return entry ? entry.startTime : null;
          };
          if (found() !== null) return resolve(found());
          new PerformanceObserver(() => {
            if (found() !== null) resolve(found());
          }).observe({ type: 'paint', buffered: true });
          setTimeout(() => resolve(found()), 10_000);
        }),
    );
    return { bytes, requests, paint };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

// Fifteen pages, each measured some 45 times (5 loads with the CPU throttled): about
// 4 minutes alone, twice that on a busy machine — more than scripts/test's 10-minute
// default per test allows with room to spare.
test('performance of the main pages', { timeout: 20 * 60_000 }, async () => {
  // Who looks: national operations (the national view: every facility) and an officer.
  const ops = await newContext(s.browser);
  const officer = await newContext(s.browser);
  const opsPage = await ops.newPage();
  await signIn(opsPage, s.server, 'operations');
  const officerPage = await officer.newPage();
  await signIn(officerPage, s.server, 'officer');
  const anonymous = await newContext(s.browser);

  const opsToken = await apiToken(s.server, 'operations');
  const [person] = await accentedPersons(s.server, opsToken, OTHER_FACILITY, 1);
  const [ownPerson] = await accentedPersons(s.server, await apiToken(s.server, 'officer'), HOME_FACILITY, 1);
  const query = encodeURIComponent(person.full_name.split(' ').slice(-2).join(' '));
  // The reason for reading, given once in the browser; the same cookie for fetch.
  const reason = encodeURIComponent('Medición de rendimiento');
  await opsPage.goto(`${s.server.url}/persons/${person.id}?reason=${reason}`);
  await officerPage.goto(`${s.server.url}/persons/${ownPerson.id}?reason=${reason}`);
  await opsPage.close();
  await officerPage.close();
  // The accountability board of the demo's crisis (August 2023: six sites, 57 officers
  // taken and released), the largest there is.
  const crises = await api(s.server, opsToken, 'GET', '/crises');
  assert.equal(crises.status, 200, JSON.stringify(crises.body));
  const crisis = crises.body.reduce((a, b) => ((b.incidents?.length ?? 0) > (a.incidents?.length ?? 0) ? b : a));

  const pages = [
    { name: 'sign-in', path: '/login', context: anonymous },
    { name: 'dashboard (national operations)', path: '/', context: ops },
    { name: 'dashboard refresh (fragment)', path: '/dashboard/live', context: ops, fragment: true },
    { name: `dashboard (officer, ${HOME_FACILITY})`, path: '/', context: officer },
    { name: 'facilities', path: '/facilities', context: ops },
    { name: `facility ${OTHER_FACILITY}`, path: `/facilities/${OTHER_FACILITY}`, context: ops },
    { name: 'person search', path: `/persons?q=${query}`, context: ops },
    { name: 'search results (fragment)', path: `/persons/results?q=${query}`, context: ops, fragment: true },
    { name: 'person file', path: `/persons/${person.id}`, context: ops },
    { name: 'account', path: '/account', context: ops },
    { name: `admission wizard (officer, ${HOME_FACILITY})`, path: '/admissions/new', context: officer },
    { name: `placement (officer, ${HOME_FACILITY})`, path: `/persons/${ownPerson.id}/placement`, context: officer },
    { name: 'crisis accountability board', path: `/crises/${crisis.id}`, context: ops },
    { name: 'board refresh (fragment)', path: `/crises/${crisis.id}/board`, context: ops, fragment: true },
    { name: 'statistics (12 months)', path: '/statistics', context: ops },
  ];

  const rows = [];
  for (const p of pages) {
    const url = `${s.server.url}${p.path}`;
    const probe = await p.context.newPage();
    const cookie = await cookieHeader(probe);
    await probe.close();
    const times = await serverTimes(url, cookie);
    const row = {
      page: p.name,
      path: p.path,
      server_p50_ms: median(times.server),
      server_p95_ms: quantile(times.server, 0.95),
      client_p50_ms: median(times.client),
      client_p95_ms: quantile(times.client, 0.95),
    };
    if (!p.fragment) {
      const cold = await load(p.context, url, { cold: true });
      await load(p.context, url, { cold: false }); // fills the cache
      const warm = await load(p.context, url, { cold: false });
      const paintsCold = [];
      const paintsWarm = [];
      for (let i = 0; i < PAINT_SAMPLES; i++) {
        paintsCold.push((await load(p.context, url, { cold: true, cpu: CPU_SLOWDOWN })).paint);
        paintsWarm.push((await load(p.context, url, { cold: false, cpu: CPU_SLOWDOWN })).paint);
      }
      Object.assign(row, {
        bytes_cold: cold.bytes,
        requests_cold: cold.requests,
        bytes_warm: warm.bytes,
        requests_warm: warm.requests,
        fcp_cold_ms: medianOf(paintsCold, `${p.name}, cold`),
        fcp_warm_ms: medianOf(paintsWarm, `${p.name}, warm`),
      });
    }
    rows.push(row);
  }
  for (const c of [ops, officer, anonymous]) await c.close();

  const ms = (v) => (v === undefined || v === null ? '' : v.toFixed(1));
  const kb = (v) => (v === undefined ? '' : (v / 1024).toFixed(1));
  const table = [
    `| page | server p50 ms | server p95 ms | client p50 ms | client p95 ms | KB cold (requests) | KB warm | FCP cold ms (CPU ${CPU_SLOWDOWN}×) | FCP warm ms (CPU ${CPU_SLOWDOWN}×) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.page} | ${ms(r.server_p50_ms)} | ${ms(r.server_p95_ms)} | ${ms(r.client_p50_ms)} | ${ms(r.client_p95_ms)} | ` +
        `${r.bytes_cold === undefined ? '' : `${kb(r.bytes_cold)} (${r.requests_cold})`} | ${kb(r.bytes_warm)} | ${ms(r.fcp_cold_ms)} | ${ms(r.fcp_warm_ms)} |`,
    ),
  ].join('\n');
  const binary = process.env.CUSTODIA_BIN ?? 'target/debug/custodia';
  const heading =
    `Custodia page performance — ${new Date().toISOString()}, binary ${binary}, ` +
    `${RUNS} sequential requests per page after ${WARMUP} warm-up, demo data (about 21,000 persons)`;
  fs.mkdirSync(OUTPUT, { recursive: true });
  fs.writeFileSync(path.join(OUTPUT, 'performance.md'), `${heading}\n\n${table}\n`);
  fs.writeFileSync(path.join(OUTPUT, 'performance.json'), JSON.stringify({ heading, rows }, null, 2));
  console.log(`\n${heading}\n\n${table}\n`);

  const heavy = rows.filter((r) => r.bytes_cold > BYTES_BUDGET);
  assert.deepEqual(
    heavy.map((r) => `${r.page}: ${kb(r.bytes_cold)} KB`),
    [],
    `page loads over ${BYTES_BUDGET / 1024} KB`,
  );
});
