// A crisis, as national operations runs it: an incident reported at Turi, a crisis
// opened grouping it, and its accountability board — the staff on duty there (today's
// demo rosters), two officers marked held and then released, the national dashboard
// following — and the board refreshing itself every 30 s (Playwright's fake clock).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  api,
  apiToken,
  checkPage,
  newPage,
  plain,
  signIn,
  t,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

/** The figure of a box of the board or dashboard (`#board-held dd`, `#fig-staff-held`). */
const figure = async (page, selector) => Number((await page.locator(selector).innerText()).replace(/[^\d]/g, ''));

/** The staff held nationally, as the dashboard shows them. */
async function dashboardHeld(page) {
  await page.goto(`${s.server.url}/`);
  return figure(page, '#fig-staff-held');
}

/** Reports an incident at Turi through the form; resolves with its id and reference. */
async function reportIncident(page, summary) {
  await page.goto(`${s.server.url}/incidents/new`);
  await page.locator('#incident_type').selectOption('hostage_taking');
  await page.locator('#facility').selectOption(HOME_FACILITY);
  await page.locator('#summary').fill(summary);
  await Promise.all([
    page.waitForURL((u) => /^\/incidents\/\d+$/.test(u.pathname)),
    page.getByRole('button', { name: t('es', 'incident-report-submit') }).click(),
  ]);
  return Number(new URL(page.url()).pathname.split('/')[2]);
}

/** Opens a crisis at /crises grouping the incident; resolves with the crisis id. */
async function openCrisis(page, name, incidentId) {
  await page.getByRole('navigation').getByRole('link', { name: t('es', 'nav-crises') }).click();
  await page.waitForURL('**/crises');
  assert.equal(await page.locator('h1').innerText(), t('es', 'crises-title'));
  await page.locator('#name').fill(name);
  await page.locator('#summary').fill('Toma de rehenes en el pabellón de máxima seguridad (prueba)');
  const box = page.locator(`#open-crisis input[name=incident_ids][value="${incidentId}"]`);
  await box.check();
  await Promise.all([
    page.waitForURL((u) => /^\/crises\/\d+$/.test(u.pathname)),
    page.getByRole('button', { name: t('es', 'crises-open-submit') }).click(),
  ]);
  return Number(new URL(page.url()).pathname.split('/')[2]);
}

test('national operations opens a crisis and accounts for the officers held and released at Turi', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'operations');
    const heldBefore = await dashboardHeld(page);

    const incidentId = await reportIncident(page, `Toma de rehenes en Turi ${Date.now()}`);
    const name = `Crisis de prueba ${Date.now()}`;
    await page.goto(`${s.server.url}/`);
    await checkPage(page, 'crises-dashboard-before');
    const crisisId = await openCrisis(page, name, incidentId);
    assert.equal(await page.locator('h1').innerText(), name);

    // The board: the staff on duty at Turi now (today's demo rosters), none held yet.
    const site = page.locator(`section.site[aria-labelledby="site-${incidentId}-h"]`);
    assert.equal(await site.locator('h2').innerText(), HOME_FACILITY);
    const onDuty = await figure(page, '#board-on-duty dd');
    const rows = site.locator('tbody tr');
    assert.ok(onDuty > 0, 'staff on duty at Turi (the demo seeds today\'s rosters)');
    assert.equal(await rows.count(), onDuty, 'one row per officer on duty');
    assert.equal(await figure(page, '#board-held dd'), 0);
    assert.equal(await figure(page, '#board-released dd'), 0);
    await checkPage(page, 'crisis-board', { shot: true });

    // Two officers ticked (by their names, as labelled) and marked held.
    const labels = await site.locator('tbody tr td label').allInnerTexts();
    const [first, second] = labels;
    await site.getByLabel(first, { exact: true }).first().check();
    await site.getByLabel(second, { exact: true }).first().check();
    await site.locator(`#circumstances-${incidentId}`).fill('Retenidos en el pabellón A durante el motín');
    await Promise.all([
      page.waitForURL(`**/crises/${crisisId}`),
      site.getByRole('button', { name: t('es', 'board-take') }).click(),
    ]);
    assert.equal(await figure(page, '#board-held dd'), 2);
    assert.equal(await figure(page, `#site-${incidentId}-held dd`), 2);
    const held = await page.locator(`section.site tbody tr.status-held`).allInnerTexts();
    assert.equal(held.length, 2);
    assert.ok(held.some((r) => r.includes(first)) && held.some((r) => r.includes(second)), held.join('\n'));
    await checkPage(page, 'crisis-board-held', { shot: true });

    // The national dashboard counts them.
    assert.equal(await dashboardHeld(page), heldBefore + 2);
    const situation = plain(await page.locator('#dashboard').innerText());
    assert.ok(situation.includes(HOME_FACILITY), situation);

    // Released together: everyone still held at the site, with the circumstances.
    await page.goto(`${s.server.url}/crises/${crisisId}`);
    await site.getByLabel(t('es', 'board-release-all')).check();
    await site.locator(`#circumstances-${incidentId}`).fill('Liberados tras la negociación');
    await Promise.all([
      page.waitForURL(`**/crises/${crisisId}`),
      site.getByRole('button', { name: t('es', 'board-release') }).click(),
    ]);
    assert.equal(await figure(page, '#board-held dd'), 0);
    assert.equal(await figure(page, '#board-released dd'), 2);
    assert.equal(await page.locator('section.site tbody tr.status-released').count(), 2);
    await checkPage(page, 'crisis-board-released');
    assert.equal(await dashboardHeld(page), heldBefore);
  } finally {
    await page.context().close();
  }
});

test('the accountability board refreshes itself every 30 s with changes made elsewhere', async () => {
  const token = await apiToken(s.server, 'operations');
  const reported = await api(s.server, token, 'POST', '/incidents', {
    type: 'hostage_taking',
    site: { facility: HOME_FACILITY },
    occurred_at: new Date(Date.now() - 60_000).toISOString(),
    summary: `Retención de guías en Turi ${Date.now()}`,
  });
  assert.equal(reported.status, 201, JSON.stringify(reported.body));
  const opened = await api(s.server, token, 'POST', '/crises', {
    name: `Crisis con tablero vivo ${Date.now()}`,
    started_at: new Date(Date.now() - 60_000).toISOString(),
    incident_ids: [reported.body.id],
  });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const crisisId = opened.body.id;
  const board = await api(s.server, token, 'GET', `/crises/${crisisId}/accountability`);
  assert.equal(board.status, 200, JSON.stringify(board.body));
  const staffId = board.body.staff[0].staff_id;

  const page = await newPage(s.browser);
  try {
    await page.clock.install();
    await signIn(page, s.server, 'operations', { next: `/crises/${crisisId}` });
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    assert.equal(await figure(page, '#board-held dd'), 0);
    const requests = [];
    page.on('request', (r) => {
      if (r.url().endsWith(`/crises/${crisisId}/board`)) requests.push(r);
    });
    await page.evaluate(() => {
      window.stillTheSamePage = true;
    });

    // An officer taken, recorded elsewhere (through the API).
    const taken = await api(s.server, token, 'POST', `/crises/${crisisId}/hostages`, {
      incident_id: reported.body.id,
      staff_ids: [staffId],
      at: new Date().toISOString(),
      circumstances: 'Retenido en la garita 2',
    });
    assert.ok([200, 201].includes(taken.status), JSON.stringify(taken.body));

    await page.clock.runFor(20_000);
    assert.equal(requests.length, 0, 'refreshed before 30 s');
    assert.equal(await figure(page, '#board-held dd'), 0);

    const live = page.waitForResponse((r) => r.url().endsWith(`/crises/${crisisId}/board`));
    await page.clock.runFor(11_000);
    const response = await live;
    assert.equal(response.status(), 200);
    assert.equal(response.request().headers()['hx-request'], 'true');
    await page.waitForFunction(() => document.querySelector('#board-held dd')?.textContent.trim() === '1');
    assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'the page was not reloaded');
    assert.equal(await page.locator('h1').count(), 1, 'only the board was swapped');
    assert.equal(await page.locator('#board #board').count(), 0, 'the board is not nested in itself');
    assert.equal(await page.locator('#board tr.status-held').count(), 1);

    await page.clock.resume();
    await checkPage(page, 'crisis-board-refreshed');
  } finally {
    await page.context().close();
  }
});
