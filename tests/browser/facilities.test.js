// Facilities: the list in reach, one facility's roll with its units opening onto their
// cells, and a physical count recorded from the page (matching, then with a discrepancy
// that opens an alert).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  api,
  apiToken,
  checkPage,
  newPage,
  plain,
  screenshot,
  signIn,
  t,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

/** A number as the pages write it in Spanish (`1.234`, `1 234`). */
const number = (text) => Number(text.replace(/[^\d-]/g, ''));

test('the facilities list shows what is in reach', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'operations', { next: '/facilities' });
    assert.equal(await page.locator('h1').innerText(), t('es', 'facilities-title'));
    assert.equal(await page.locator('main tbody tr').count(), 15);
    await checkPage(page, 'facilities', { shot: true });
  } finally {
    await page.context().close();
  }
  const officer = await newPage(s.browser);
  try {
    await signIn(officer, s.server, 'officer', { next: '/facilities' });
    const rows = officer.locator('main tbody tr');
    assert.equal(await rows.count(), 1);
    assert.ok((await rows.innerText()).includes(HOME_FACILITY));
  } finally {
    await officer.context().close();
  }
});

test('an officer opens their facility, its units and cells, and records counts', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer', { next: '/facilities' });
    await page.locator(`main a[href="/facilities/${HOME_FACILITY}"]`).click();
    await page.waitForURL(`**/facilities/${HOME_FACILITY}`);
    assert.ok((await page.locator('h1').innerText()).includes(HOME_FACILITY));
    const total = number(await page.locator('#roll-total dd').innerText());
    const inPlace = number(await page.locator('#roll-in-place dd').innerText());
    assert.ok(total > 0, 'the demo holds persons here');
    assert.ok(inPlace <= total);

    // The roll agrees with the API's.
    const roll = await api(s.server, await apiToken(s.server, 'officer'), 'GET', `/facilities/${HOME_FACILITY}/roll`);
    assert.equal(roll.status, 200);
    assert.equal(total, roll.body.totals.total_on_roll);

    await checkPage(page, 'facility', { shot: true });

    // A unit opens onto its cells, loaded on demand (the rows right after the unit's).
    // (Its accessibility with the cells open is checked by the test below.)
    const toggle = page.locator('button.toggle').first();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    const loaded = page.waitForResponse((r) => r.url().includes(`/facilities/${HOME_FACILITY}/units/`));
    await toggle.click();
    assert.equal((await loaded).status(), 200);
    const cellsBody = page.locator('tbody:has(button.toggle) + tbody').first();
    const cells = cellsBody.locator('tr');
    await cells.first().waitFor();
    assert.ok((await cells.count()) > 0);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await screenshot(page, 'facility-unit-open');

    // A cell with persons in it: its code and occupancy, as the rows show them.
    const rows = await cellsBody.locator('tr:not(.group)').evaluateAll((trs) =>
      trs.map((tr) => ({
        code: tr.querySelector('th').textContent.split(' · ')[0].trim(),
        occupied: tr.querySelector('td').textContent,
      })),
    );
    const cell = rows.find((r) => number(r.occupied) > 0);
    assert.ok(cell, 'an occupied cell in the first unit');
    const occupied = number(cell.occupied);
    const option = page.locator('#location_id option', { hasText: new RegExp(`^${cell.code} · `) });
    const locationId = await option.first().getAttribute('value');

    // A count that matches.
    await page.locator('#location_id').selectOption(locationId);
    await page.locator('#counted').fill(String(occupied));
    await page.getByRole('button', { name: t('es', 'facility-count-submit') }).click();
    await page.waitForURL((u) => u.searchParams.get('counted') === 'ok');
    assert.equal(await page.locator('[role=status]').innerText(), t('es', 'facility-count-ok'));
    await checkPage(page, 'facility-count-ok');

    // A count one short: recorded with a discrepancy, and an alert names the place.
    await page.locator('#location_id').selectOption(locationId);
    await page.locator('#counted').fill(String(occupied - 1));
    await page.getByRole('button', { name: t('es', 'facility-count-submit') }).click();
    await page.waitForURL((u) => u.searchParams.get('counted') === 'discrepancy');
    assert.equal(await page.locator('[role=status]').innerText(), t('es', 'facility-count-discrepancy'));
    const alerts = plain(await page.locator('section.alerts').innerText());
    assert.ok(alerts.includes(t('es', 'facility-alert-count')), alerts);
    assert.ok(alerts.includes(`${cell.code}: contados ${occupied - 1}, esperados ${occupied}`), alerts);
    await checkPage(page, 'facility-count-discrepancy', { shot: true });
  } finally {
    await page.context().close();
  }
});

test(
  "a unit's cells close again, and its button names them (aria-controls)",
  async () => {
    const page = await newPage(s.browser);
    try {
      await signIn(page, s.server, 'officer', { next: `/facilities/${HOME_FACILITY}` });
      const toggle = page.locator('button.toggle').first();
      const cellsId = await toggle.getAttribute('aria-controls');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/units/')),
        toggle.click(),
      ]);
      await page.locator('tbody:has(button.toggle) + tbody tr').first().waitFor();
      assert.equal(await page.locator(`#${cellsId} tr`).count() > 0, true, `#${cellsId} holds the cells`);
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.locator('tbody:has(button.toggle) + tbody').first().isVisible(), false, 'the cells hide again');
      await toggle.click();
      await checkPage(page, 'facility-unit-open');
    } finally {
      await page.context().close();
    }
  },
);
