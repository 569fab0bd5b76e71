// Statistics, as national operations reads them: the charts drawn on the server as SVG,
// each with its data as a CSV download — downloaded through the link as a person would,
// its rows adding up to the national row.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  api,
  apiToken,
  checkPage,
  cookieHeader,
  newPage,
  signIn,
  t,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

/** CSV text as rows of cells (quoted cells with commas or quotes handled). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

const CHARTS = ['population', 'occupancy', 'pretrial', 'deaths', 'seizures'];

test('statistics: every chart drawn, and its data downloaded as CSV adding up', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'operations');
    await page.getByRole('navigation').getByRole('link', { name: t('es', 'nav-statistics') }).click();
    await page.waitForURL('**/statistics');
    assert.equal(await page.locator('h1').innerText(), t('es', 'stats-title'));
    for (const id of CHARTS) {
      const svg = page.locator(`#chart-${id} svg`);
      assert.equal(await svg.count(), 1, `#chart-${id} svg`);
      assert.equal(await svg.getAttribute('role'), 'img');
      assert.ok((await svg.getAttribute('aria-label')).length > 10, `${id} is described`);
    }
    // Twelve months of columns, and a bar per facility.
    assert.ok((await page.locator('#chart-population svg rect').count()) >= 12);
    assert.ok((await page.locator('#chart-occupancy svg rect').count()) >= 15);
    await checkPage(page, 'statistics', { shot: true });

    // The population's data, through its link: a download of a CSV file.
    const link = page.locator('#chart-population a[download]');
    assert.equal(await link.innerText(), t('es', 'stats-download'));
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'custodia-population.csv');
    const rows = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
    const [header, ...body] = rows;
    assert.equal(header[0], t('es', 'stats-facility'));
    assert.equal(header.at(-1), t('es', 'stats-capacity'));
    const months = header.slice(1, -1);
    assert.equal(months.length, 12);
    for (const m of months) assert.match(m, /^\d{4}-\d{2}$/);
    const national = body.find((r) => r[0] === t('es', 'stats-national'));
    const facilities = body.filter((r) => r !== national);
    assert.ok(national, 'a national row');
    assert.equal(facilities.length, 15);
    assert.ok(facilities.some((r) => r[0] === HOME_FACILITY));
    for (let col = 1; col < header.length; col++) {
      const sum = facilities.reduce((n, r) => n + Number(r[col]), 0);
      assert.equal(Number(national[col]), sum, `${header[col]}: the facilities add up to the national row`);
    }
    assert.ok(Number(national.at(-2)) > 0, 'the demo holds persons now');

    // The same file fetched with the session: a CSV, not to be cached, named.
    const href = await link.getAttribute('href');
    const r = await fetch(`${s.server.url}${href}`, { headers: { cookie: await cookieHeader(page) } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.headers.get('content-disposition'), /attachment; filename="custodia-population\.csv"/);
    const fetched = parseCsv(await r.text());
    assert.deepEqual(fetched[0], header);

    // The occupancy today agrees with the population's last month, facility by facility,
    // and with the facility's roll.
    const occupancy = parseCsv(await (await fetch(`${s.server.url}/statistics/occupancy.csv`, {
      headers: { cookie: await cookieHeader(page) },
    })).text());
    for (const f of facilities) {
      const o = occupancy.find((r) => r[0] === f[0]);
      assert.ok(o, `${f[0]} in occupancy.csv`);
      assert.equal(o[1], f.at(-2), `${f[0]}: held today`);
      assert.equal(o[2], f.at(-1), `${f[0]}: capacity`);
    }
    const roll = await api(s.server, await apiToken(s.server, 'operations'), 'GET', `/facilities/${HOME_FACILITY}/roll`);
    const turi = facilities.find((r) => r[0] === HOME_FACILITY);
    assert.equal(Number(turi.at(-2)), roll.body.totals.total_on_roll, 'held today: those on the roll');
    assert.equal(Number(turi.at(-1)), roll.body.totals.occupancy.operational_capacity);
  } finally {
    await page.context().close();
  }
});

test("a facility officer's statistics cover their facility only", async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer', { next: '/statistics' });
    const r = await fetch(`${s.server.url}/statistics/occupancy.csv`, { headers: { cookie: await cookieHeader(page) } });
    assert.equal(r.status, 200);
    const [, ...rows] = parseCsv(await r.text());
    assert.deepEqual(rows.map((row) => row[0]), [HOME_FACILITY]);
    await checkPage(page, 'statistics-officer');
  } finally {
    await page.context().close();
  }
});
