// Administration, as a national administrator: a user created with a role at one
// facility (who can then sign in), places imported from a CSV file — refused whole for a
// bad row, named by file and line, then imported once corrected — and a place taken out
// of service and back.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  PASSWORD,
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

test('an administrator creates a facility officer, who is listed and can sign in', async () => {
  const username = 'guia.prueba';
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'admin');
    await page.getByRole('navigation').getByRole('link', { name: t('es', 'nav-admin') }).click();
    await page.waitForURL('**/admin/users');
    assert.equal(await page.locator('h1').innerText(), t('es', 'admin-users'));
    assert.equal(await page.locator(`[id="user-${username}"]`).count(), 0);
    await checkPage(page, 'admin-users', { shot: true });

    const form = page.locator('#new-user');
    await form.locator('#username').fill(username);
    await form.locator('#display_name').fill('Guía de prueba');
    await form.locator('#password').fill(PASSWORD);
    await form.locator('#role').selectOption('facility-officer');
    await form.locator('#facility').selectOption(HOME_FACILITY);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/admin/users'),
      form.getByRole('button', { name: t('es', 'admin-create-user') }).click(),
    ]);
    const row = page.locator(`[id="user-${username}"]`);
    assert.equal(await row.count(), 1, 'the new user is listed');
    const cells = (await row.locator('td').allInnerTexts()).map(plain);
    assert.equal(cells[0], username);
    assert.equal(cells[1], 'Guía de prueba');
    assert.equal(cells[2], `${t('es', 'role-facility-officer')} (${HOME_FACILITY})`);
    assert.equal(cells[3], t('es', 'admin-active'));
    await checkPage(page, 'admin-users-created');
  } finally {
    await page.context().close();
  }

  // The new officer signs in and sees their facility only.
  const officer = await newPage(s.browser);
  try {
    await signIn(officer, s.server, { username }, { next: '/facilities' });
    assert.equal(new URL(officer.url()).pathname, '/facilities');
    const rows = officer.locator('main tbody tr');
    assert.equal(await rows.count(), 1);
    assert.ok((await rows.innerText()).includes(HOME_FACILITY));
  } finally {
    await officer.context().close();
  }
});

test('an import with a bad row is refused whole, naming file and line; corrected, it is imported', async () => {
  const unit = `PAB-Z${Date.now() % 1000}`;
  const header = 'facility,code,name,parent_code,security_level,holds_sex,design_capacity,operational_capacity';
  const rows = (capacity) => [
    header,
    `${HOME_FACILITY},${unit},"Pabellón Z (prueba)",,medium,men,0,0`,
    `${HOME_FACILITY},${unit}-C001,"Pabellón Z, celda 1",${unit},medium,men,4,4`,
    `${HOME_FACILITY},${unit}-C002,"Pabellón Z, celda 2",${unit},medium,men,${capacity},4`,
  ].join('\n') + '\n';
  const file = (capacity) => ({ name: 'lugares-turi.csv', mimeType: 'text/csv', buffer: Buffer.from(rows(capacity)) });
  const adminToken = await apiToken(s.server, 'admin');
  const codes = async () =>
    (await api(s.server, adminToken, 'GET', `/facilities/${HOME_FACILITY}/locations`)).body;

  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'admin', { next: '/admin/facilities' });
    assert.equal(await page.locator('h1').innerText(), t('es', 'admin-facilities'));
    assert.equal(await page.locator('main table tbody tr').count(), 15);
    await checkPage(page, 'admin-facilities', { shot: true });

    // Line 4 has a capacity that is not a number.
    await page.locator('#files').setInputFiles(file('cuatro'));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admin/import') && r.request().method() === 'POST'),
      page.getByRole('button', { name: t('es', 'admin-import-submit') }).click(),
    ]);
    assert.equal(refused.status(), 422);
    await page.waitForLoadState();
    const errors = (await page.locator('#import-errors li').allInnerTexts()).map(plain);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0].startsWith('lugares-turi.csv:'), `the file is named: ${errors[0]}`);
    assert.match(errors[0], /\b4\b/, `line 4 is named: ${errors[0]}`);
    assert.ok(errors[0].includes('design_capacity'), errors[0]);
    assert.equal(await page.locator('#import-done').count(), 0);
    await checkPage(page, 'admin-import-refused', { shot: true });
    // All or nothing: not even the good rows.
    assert.ok(!JSON.stringify(await codes()).includes(unit), 'nothing imported');

    // Corrected: imported, one unit and two cells.
    await page.locator('#files').setInputFiles(file(4));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admin/import') && r.status() === 200),
      page.getByRole('button', { name: t('es', 'admin-import-submit') }).click(),
    ]);
    await page.waitForLoadState();
    assert.equal(plain(await page.locator('#import-done').innerText()), t('es', 'admin-imported', { facilities: 0, locations: 3 }));
    assert.equal(await page.locator('#import-errors').count(), 0);
    assert.ok(JSON.stringify(await codes()).includes(`${unit}-C002`), 'the places exist');
  } finally {
    await page.context().close();
  }
});

test("an administrator takes a place out of service from the facility's places, and back", async () => {
  const adminToken = await apiToken(s.server, 'admin');
  const roll = (await api(s.server, adminToken, 'GET', `/facilities/${HOME_FACILITY}/roll`)).body;
  // A cell of Turi, with its persons or not: out of service, it takes nobody more.
  const cell = roll.locations.find((l) => l.is_cell && l.in_service);

  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'admin', { next: '/admin/facilities' });
    await page.locator(`main a[href="/admin/facilities/${HOME_FACILITY}"]`).click();
    await page.waitForURL(`**/admin/facilities/${HOME_FACILITY}`);
    assert.ok((await page.locator('h1').innerText()).startsWith(plain(t('es', 'admin-locations-of', { x: '' }))));
    const row = page.locator(`#location-${cell.location_id}`);
    assert.ok((await row.locator('th').innerText()).startsWith(cell.code));
    await checkPage(page, 'admin-locations', { shot: true });

    await row.locator(`#oos-${cell.location_id}`).selectOption('maintenance');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/admin/facilities/${HOME_FACILITY}`),
      row.getByRole('button', { name: t('es', 'admin-out-of-service') }).click(),
    ]);
    assert.equal(plain(await row.locator('.badge').innerText()), t('es', 'oos-reason-maintenance'));
    assert.equal(await row.getByRole('button', { name: t('es', 'admin-in-service') }).count(), 1);
    let location = (await api(s.server, adminToken, 'GET', `/locations/${cell.location_id}`)).body;
    assert.equal(location.in_service, false);
    assert.equal(location.out_of_service.reason, 'maintenance');
    // (axe already ran on this page above: on 685 places, a second run costs 15 s.)

    // Back in service.
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/admin/facilities/${HOME_FACILITY}`),
      row.getByRole('button', { name: t('es', 'admin-in-service') }).click(),
    ]);
    assert.equal(await row.locator('.badge').count(), 0);
    location = (await api(s.server, adminToken, 'GET', `/locations/${cell.location_id}`)).body;
    assert.equal(location.in_service, true);
  } finally {
    await page.context().close();
  }
});
