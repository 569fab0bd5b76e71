// Transfers between facilities, each step taken by whoever may take it, through the
// buttons /transfers shows them: Turi's director requests a transfer from the placement
// page, national operations approves it, a Turi officer dispatches the person and an
// officer of Pichincha N° 1 receives them. Then a bulk operation, whose moves are
// validated together: bad lines refuse the whole of it, each named by its line.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  USERS,
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

/** Where the transfers go: the facility of the `receiver` test user. */
const DESTINATION = USERS.receiver.facility;

/**
 * `count` persons present in cells of medium-security units of Turi (Pichincha N° 1
 * holds medium and minimum only), as the API lists a cell's occupants now.
 */
async function personsInMediumCells(token, count) {
  const roll = (await api(s.server, token, 'GET', `/facilities/${HOME_FACILITY}/roll`)).body;
  const found = [];
  for (const unit of roll.locations.filter((l) => l.parent_id === null && !l.is_cell)) {
    const level = (await api(s.server, token, 'GET', `/locations/${unit.location_id}`)).body.security_level;
    if (level !== 'medium') continue;
    for (const cell of roll.locations.filter((l) => l.parent_id === unit.location_id && l.is_cell && l.occupancy.occupied > 0)) {
      const occupants = (await api(s.server, token, 'GET', `/locations/${cell.location_id}/occupants`)).body.occupants;
      found.push(...occupants.map((o) => ({ id: o.person_id, name: o.full_name, cell: cell.code })));
      if (found.length >= count) return found.slice(0, count);
    }
  }
  assert.fail(`fewer than ${count} persons in medium-security cells at ${HOME_FACILITY}`);
}

/** The row of `/transfers` for the person, and the buttons it offers. */
async function transferRow(page, personId) {
  await page.goto(`${s.server.url}/transfers`);
  const row = page.locator(`tbody tr:has(a[href="/persons/${personId}"])`);
  assert.equal(await row.count(), 1, `one transfer of person ${personId} listed`);
  const buttons = await row.locator('td.actions button').allInnerTexts();
  return { row, buttons, cells: (await row.locator('td').allInnerTexts()).map(plain) };
}

/** Signs `who` in (a new context) and takes `step` on the person's transfer. */
async function takeStep(who, personId, step, { shot } = {}) {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, who, { next: '/transfers' });
    const { row, buttons } = await transferRow(page, personId);
    const label = t('es', `transfer-step-${step}`);
    assert.ok(buttons.includes(label), `${who} is offered ${label}: ${buttons}`);
    if (shot) await checkPage(page, shot, { shot: true });
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/transfers'),
      row.getByRole('button', { name: label }).click(),
    ]);
    return await transferRow(page, personId);
  } finally {
    await page.context().close();
  }
}

test('a transfer requested by the director, approved, dispatched and received, each by whom may', async () => {
  const directorToken = await apiToken(s.server, 'director');
  const [person] = await personsInMediumCells(directorToken, 1);

  const page = await newPage(s.browser);
  try {
    // The director opens the person's file (the reason asked once), then its placement
    // page, whose second form requests a transfer.
    await signIn(page, s.server, 'director', {
      next: `/persons/${person.id}?reason=${encodeURIComponent(t('es', 'person-reason-transfer'))}`,
    });
    await page.getByRole('link', { name: t('es', 'person-place-or-transfer') }).click();
    await page.waitForURL(`**/persons/${person.id}/placement`);
    const form = page.locator('section[aria-labelledby="transfer-h"]');
    assert.equal(await form.locator('h2').innerText(), t('es', 'transfer-request'));
    const destinations = await page.locator('#to_facility option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(destinations.includes(DESTINATION) && !destinations.includes(HOME_FACILITY), `${destinations}`);
    await page.locator('#to_facility').selectOption(DESTINATION);
    await page.locator('#transfer_reason').selectOption('overcrowding');
    await page.locator('#note').fill('Descongestión del pabellón (prueba de navegador)');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/transfers'),
      form.getByRole('button', { name: t('es', 'transfer-request-submit') }).click(),
    ]);
    assert.equal(await page.locator('h1').innerText(), t('es', 'transfers-title'));
    const requested = await transferRow(page, person.id);
    assert.ok(requested.cells.includes(`${HOME_FACILITY} → ${DESTINATION}`), requested.cells.join(' | '));
    assert.ok(requested.cells.includes(t('es', 'transfer-status-requested')), requested.cells.join(' | '));
    assert.ok(requested.cells.includes(t('es', 'transfer-reason-overcrowding')));
    // The director may cancel their request, not approve it.
    assert.deepEqual(requested.buttons, [t('es', 'transfer-step-cancel')]);
    await checkPage(page, 'transfers', { shot: true });
  } finally {
    await page.context().close();
  }

  // National operations approves (and could cancel); then only the origin dispatches.
  let now = await takeStep('operations', person.id, 'approve', { shot: 'transfers-operations' });
  assert.ok(now.cells.includes(t('es', 'transfer-status-approved')), now.cells.join(' | '));
  assert.ok(!now.buttons.includes(t('es', 'transfer-step-approve')), `${now.buttons}`);
  assert.ok(!now.buttons.includes(t('es', 'transfer-step-dispatch')), 'national operations does not dispatch');

  now = await takeStep('officer', person.id, 'dispatch');
  assert.ok(now.cells.includes(t('es', 'transfer-status-dispatched')), now.cells.join(' | '));
  assert.ok(!now.buttons.includes(t('es', 'transfer-step-receive')), 'the origin does not receive');

  now = await takeStep('receiver', person.id, 'receive', { shot: 'transfers-receive' });
  assert.ok(now.cells.includes(t('es', 'transfer-status-received')), now.cells.join(' | '));
  assert.deepEqual(now.buttons, [], 'nothing left to do');

  // The person is now held at the destination, unallocated there.
  const file = await api(s.server, await apiToken(s.server, 'receiver'), 'GET', `/persons/${person.id}?reason=${encodeURIComponent('Recepción')}`);
  assert.equal(file.status, 200, JSON.stringify(file.body));
  assert.equal(file.body.facility, DESTINATION);
  assert.equal(file.body.current_location_id, null);
});

test('a bulk operation with bad lines is refused whole, each bad line named; corrected, it is created', async () => {
  const directorToken = await apiToken(s.server, 'director');
  const [a, b, c] = await personsInMediumCells(directorToken, 3);
  const transfersBefore = (await api(s.server, directorToken, 'GET', '/transfers')).body;

  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'director', { next: '/transfers' });
    await page.getByRole('link', { name: t('es', 'operation-new') }).click();
    await page.waitForURL('**/transfer-operations/new');
    assert.equal(await page.locator('h1').innerText(), t('es', 'operation-new'));
    await checkPage(page, 'operation-new', { shot: true });

    await page.locator('#name').fill('Descongestión de Turi (prueba)');
    await page.locator('#reason').selectOption('overcrowding');
    // Line 2 names nobody held in reach; line 4 sends a person where they already are.
    await page.locator('#moves').fill([
      `${a.id}, ${DESTINATION}`,
      `99999999, ${DESTINATION}`,
      `${b.id}, ${DESTINATION}`,
      `${c.id}, ${HOME_FACILITY}`,
    ].join('\n'));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/transfer-operations') && r.request().method() === 'POST'),
      page.getByRole('button', { name: t('es', 'operation-create') }).click(),
    ]);
    assert.equal(refused.status(), 422);
    await page.waitForLoadState();
    const problems = (await page.locator('#move-problems li').allInnerTexts()).map(plain);
    assert.deepEqual(problems, [
      t('es', 'operation-line-problem', { line: 2, problem: t('es', 'err-unknown-person') }),
      t('es', 'operation-line-problem', { line: 4, problem: t('es', 'err-same-facility') }),
    ]);
    assert.ok((await page.locator('#moves').inputValue()).includes('99999999'), 'the text is kept to correct');
    await checkPage(page, 'operation-refused', { shot: true });

    // Nothing was created.
    const transfersAfter = (await api(s.server, directorToken, 'GET', '/transfers')).body;
    assert.deepEqual(transfersAfter, transfersBefore, 'no transfer created by a refused operation');

    // Corrected: created, the three listed as requested.
    await page.locator('#moves').fill([a, b, c].map((p) => `${p.id}, ${DESTINATION}`).join('\n'));
    await Promise.all([
      page.waitForURL((u) => /^\/transfer-operations\/\d+$/.test(u.pathname)),
      page.getByRole('button', { name: t('es', 'operation-create') }).click(),
    ]);
    const rows = await page.locator('main tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    for (const row of rows) {
      assert.ok(row.includes(DESTINATION) && row.includes(t('es', 'transfer-status-requested')), row);
    }
    await checkPage(page, 'operation', { shot: true });
  } finally {
    await page.context().close();
  }
});

test(
  'a bulk operation names every bad line at once, unreadable lines and refused moves together',
  { todo: 'page bug: an unreadable line stops the validation (operations.rs create: r.finish() fails before create_operation runs), so the refused moves of the other lines are named only after a second submission' },
  async () => {
    const directorToken = await apiToken(s.server, 'director');
    const [a] = await personsInMediumCells(directorToken, 1);
    const page = await newPage(s.browser);
    try {
      await signIn(page, s.server, 'director', { next: '/transfer-operations/new' });
      await page.locator('#name').fill('Operación con líneas erróneas (prueba)');
      await page.locator('#reason').selectOption('overcrowding');
      await page.locator('#moves').fill(['traslado de todos', `${a.id}, ${HOME_FACILITY}`].join('\n'));
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/transfer-operations') && r.request().method() === 'POST'),
        page.getByRole('button', { name: t('es', 'operation-create') }).click(),
      ]);
      await page.waitForLoadState();
      const problems = (await page.locator('#move-problems li').allInnerTexts()).map(plain);
      assert.deepEqual(problems, [
        t('es', 'operation-line-unreadable', { line: 1, text: 'traslado de todos' }),
        t('es', 'operation-line-problem', { line: 2, problem: t('es', 'err-same-facility') }),
      ]);
    } finally {
      await page.context().close();
    }
  },
);
