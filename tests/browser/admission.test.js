// Admission and placement, as a facility officer of Turi would do them: the wizard with
// its checks made while typing (cédula, age group with the centres for adolescents, a
// possible duplicate), the person registered as new, then a cell chosen on the
// placement form, whose check refuses a full cell before anything is sent (and the
// server refuses it too), allows a free one, and refuses a cell barred by a keep-apart
// rule without saying which rule.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  admitByApi,
  api,
  apiToken,
  cedula,
  checkPage,
  newPage,
  plain,
  signIn,
  t,
  today,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

/** A form field by its name (the wizard's ids are the JSON paths, dots included). */
const field = (page, name) => page.locator(`[id="${name}"]`);

/** Fills `name`, then leaves the field (Tab), as a person does: that is the change the
 * inline checks listen to. */
async function type(page, name, value) {
  await field(page, name).fill(value);
  await field(page, name).press('Tab');
}

/** Waits for the inline checks' answer after `act`, and for `#checks` to be swapped. */
async function checked(page, act) {
  const answer = page.waitForResponse((r) => r.url().endsWith('/admissions/check') && r.request().method() === 'POST');
  await act();
  const response = await answer;
  assert.equal(response.status(), 200, 'the checks answer');
  // htmx swaps after the response; the settle is short.
  await page.waitForFunction(() => !document.querySelector('#checks.htmx-request, #checks.htmx-settling'));
}

/** The cells offered by the placement form: value, label, and whether marked full. */
async function cellOptions(page) {
  return page.locator('#location_id option').evaluateAll((options) =>
    options
      .filter((o) => o.value !== '')
      .map((o) => ({ value: o.value, label: o.textContent.trim(), full: o.textContent.includes('⚠') })),
  );
}

/** Chooses a cell and waits for its placement check to be shown. */
async function chooseCell(page, personId, value) {
  const answer = page.waitForResponse((r) => r.url().endsWith(`/persons/${personId}/placement/check`));
  await page.locator('#location_id').selectOption(value);
  assert.equal((await answer).status(), 200);
  await page.locator('#placement-check #check-verdict').waitFor();
  return plain(await page.locator('#placement-check').innerText());
}

/** The person's cell, as the API sees it (null: unallocated). */
async function currentLocation(token, id) {
  const file = await api(s.server, token, 'GET', `/persons/${id}?reason=${encodeURIComponent('Verificación de la prueba')}`);
  assert.equal(file.status, 200, JSON.stringify(file.body));
  return file.body.current_location_id;
}

/** A new cell of `capacity` places in Turi's unit J (medium security, men), made by an
 * administrator through the API; resolves with its id. */
async function newCell(capacity) {
  const adminToken = await apiToken(s.server, 'admin');
  const roll = (await api(s.server, adminToken, 'GET', `/facilities/${HOME_FACILITY}/roll`)).body;
  const unit = roll.locations.find((l) => l.parent_id === null && l.code === 'PAB-J');
  assert.ok(unit, `unit PAB-J at ${HOME_FACILITY}`);
  const { security_level, holds_sex } = (await api(s.server, adminToken, 'GET', `/locations/${unit.location_id}`)).body;
  assert.equal(holds_sex, 'men');
  const cell = await api(s.server, adminToken, 'POST', `/facilities/${HOME_FACILITY}/locations`, {
    code: `PAB-J-T${String(Date.now()).slice(-6)}`,
    name: 'Celda de prueba (navegador)',
    parent_id: unit.location_id,
    security_level,
    holds_sex: 'men',
    holds_legal_status: 'both',
    design_capacity: capacity,
    operational_capacity: capacity,
  });
  assert.equal(cell.status, 201, JSON.stringify(cell.body));
  return cell.body.id;
}

/**
 * Turi's demo (scale 1) has full cells and one free place; a smaller demo
 * (CUSTODIA_DEMO_SCALE) may have no full cell, a changed one no free place: whichever
 * is missing is arranged through the API.
 */
async function ensureFullAndFreeCells(officerToken) {
  const roll = (await api(s.server, officerToken, 'GET', `/facilities/${HOME_FACILITY}/roll`)).body;
  const cells = roll.locations.filter((l) => l.is_cell && l.in_service);
  if (!cells.some((l) => l.occupancy.free <= 0)) {
    const full = await newCell(1);
    await admitByApi(s.server, officerToken, { facility: HOME_FACILITY, given: 'Wilson Fabián', first: 'Tacuri', location_id: full });
  }
  if (!cells.some((l) => l.occupancy.free > 0)) await newCell(4);
}

test('an officer admits a person through the wizard, checked as they type, and places them', async () => {
  const officerToken = await apiToken(s.server, 'officer');
  await ensureFullAndFreeCells(officerToken);
  // An existing person of Turi: the new admission has their names and date of birth
  // (and no document), so the wizard must offer them as a possible duplicate.
  const [found] = (await api(s.server, officerToken, 'GET', '/persons?q=Andrade&limit=50')).body.items.filter(
    (p) => p.facility === HOME_FACILITY && p.in_custody,
  );
  assert.ok(found, `a person named Andrade at ${HOME_FACILITY}`);
  const existing = (await api(s.server, officerToken, 'GET', `/persons/${found.id}?reason=${encodeURIComponent('Prueba de ingreso')}`)).body;
  const { given_names: given, first_surname: first, second_surname: second, date_of_birth: born } = existing.identity;

  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer');
    await page.getByRole('navigation').getByRole('link', { name: t('es', 'nav-admission') }).click();
    await page.waitForURL('**/admissions/new');
    assert.equal(await page.locator('h1').innerText(), t('es', 'admission-title'));
    assert.equal(await page.locator('#facility').inputValue(), HOME_FACILITY);
    await checkPage(page, 'admission', { shot: true });

    // A cédula with its last digit mistyped: the problem, before anything is sent.
    const good = cedula(4_820_113);
    const mistyped = good.slice(0, 9) + String((Number(good[9]) + 1) % 10);
    await checked(page, () => type(page, 'person.document.number', mistyped));
    assert.equal(plain(await page.locator('#check-cedula').innerText()), t('es', 'err-cedula-check-digit'));
    assert.equal(await page.locator('#check-cedula').getAttribute('class'), 'problem');
    // Corrected: valid.
    await checked(page, () => type(page, 'person.document.number', good));
    assert.equal(plain(await page.locator('#check-cedula').innerText()), t('es', 'admission-cedula-ok'));

    // Born sixteen years ago: an adolescent, who cannot enter Turi; the centres for
    // adolescents that can hold him are suggested.
    const [y, m, d] = today().split('-').map(Number);
    const sixteen = `${y - 16}-${String(m).padStart(2, '0')}-${String(Math.min(d, 28)).padStart(2, '0')}`;
    await field(page, 'person.sex').selectOption('male');
    await checked(page, () => type(page, 'person.date_of_birth', sixteen));
    const age = plain(await page.locator('#check-age').innerText());
    assert.ok(age.includes(t('es', 'admission-wrong-age-adolescents')), age);
    assert.ok(age.includes(t('es', 'admission-suggested')), age);
    const suggested = await page.locator('#check-age li').allInnerTexts();
    assert.ok(suggested.length > 0 && suggested.every((s) => s.startsWith('CAI-')), `suggested: ${suggested}`);
    assert.ok(suggested.some((s) => s.startsWith('CAI-AZ-1')), `Cuenca's centre for adolescents: ${suggested}`);

    // Now the identity of a person already registered, without a document.
    await checked(page, () => type(page, 'person.document.number', ''));
    assert.equal(await page.locator('#check-cedula').count(), 0, 'no document, nothing to check');
    await type(page, 'person.given_names', given);
    await type(page, 'person.first_surname', first);
    await type(page, 'person.second_surname', second ?? '');
    await checked(page, () => type(page, 'person.date_of_birth', born));
    assert.equal(await page.locator('#check-age').count(), 0, 'an adult');
    const duplicates = page.locator('#check-duplicates');
    await duplicates.waitFor();
    const offered = plain(await duplicates.innerText());
    assert.ok(offered.includes(existing.registry_number), offered);
    assert.ok(offered.includes(t('es', 'admission-duplicate-same-name-and-birth')), offered);
    assert.equal(await duplicates.locator(`input[name=link_person_id][value="${found.id}"]`).count(), 1);
    await checkPage(page, 'admission-checks');

    // The rest of the wizard: the court order, the arrest, the Rule 7 record.
    await field(page, 'legal_basis.kind').selectOption('pretrial_detention_order');
    await field(page, 'legal_basis.case_number').fill('01283-2026-00417');
    await field(page, 'legal_basis.court').fill('Unidad Judicial Penal con sede en Cuenca');
    await field(page, 'legal_basis.judge').fill('Dra. Lucía Ordóñez');
    await field(page, 'legal_basis.issued_on').fill(today());
    await field(page, 'legal_basis.carried_out_on').fill(today());
    await field(page, 'legal_basis.offences.0.description').fill('Robo');
    await field(page, 'legal_basis.offences.0.legal_reference').fill('COIP art. 189');
    await field(page, 'legal_basis.offences.0.max_penalty.years').fill('7');
    await field(page, 'arrest.place').fill('El Arenal, Cuenca');
    await field(page, 'arrest.authority').fill('Policía Nacional, UPC El Arenal');
    await field(page, 'property.items').fill('Teléfono celular\n2 x cordones');
    await field(page, 'property.received_by').fill('ASP Diego Cabrera');
    await page.getByLabel(t('es', 'admission-property-signed')).check();
    await field(page, 'emergency_contact.name').fill('Rosa Pérez');
    await field(page, 'emergency_contact.relationship').fill('madre');
    await field(page, 'emergency_contact.phone').fill('+593 99 123 4567');
    await field(page, 'health_screening.status').selectOption('pending');
    await page.getByLabel(t('es', 'admission-rights-informed')).check();

    // Submitted without saying who it is: the page comes back asking, with the choices.
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admissions') && r.request().method() === 'POST'),
      page.getByRole('button', { name: t('es', 'admission-submit') }).click(),
    ]);
    assert.equal(refused.status(), 422);
    await page.waitForLoadState();
    assert.equal(plain(await page.locator('#problems').innerText()).trim(), t('es', 'admission-duplicates-found'));
    const choices = page.locator('input[type=radio][name=link_person_id]');
    assert.ok((await choices.count()) >= 2, 'the candidate and "a new person"');
    assert.equal(await page.locator(`input[name=link_person_id][value="${found.id}"]`).count(), 1);
    assert.equal(await field(page, 'person.given_names').inputValue(), given, 'what was typed is kept');
    await checkPage(page, 'admission-duplicates', { shot: true });

    // Another person with the same names: registered as new, then the placement form.
    await page.getByLabel(t('es', 'admission-confirm-new')).check();
    await Promise.all([
      page.waitForURL((u) => /^\/persons\/\d+\/placement$/.test(u.pathname) && u.searchParams.get('admitted') === '1'),
      page.getByRole('button', { name: t('es', 'admission-submit') }).click(),
    ]);
    const id = Number(new URL(page.url()).pathname.split('/')[2]);
    assert.notEqual(id, found.id, 'a new person, not the one offered');
    assert.equal(await page.locator('#admitted').innerText(), t('es', 'placement-admitted'));
    assert.ok(plain(await page.locator('main').innerText()).includes(t('es', 'placement-unallocated')));
    await checkPage(page, 'placement', { shot: true });
    assert.equal(await currentLocation(officerToken, id), null, 'admitted unallocated');

    // A full cell (marked ⚠): the check refuses it before anything is sent…
    const cells = await cellOptions(page);
    const full = cells.find((c) => c.full);
    let free = cells.find((c) => !c.full);
    assert.ok(full, 'a full cell at Turi');
    assert.ok(free, `a cell with a free place at Turi (of ${cells.length})`);
    const refusal = await chooseCell(page, id, full.value);
    assert.ok(refusal.includes(t('es', 'placement-refused')), refusal);
    assert.ok(refusal.includes(t('es', 'err-over-capacity')), refusal);
    await checkPage(page, 'placement-full');

    // …and submitted anyway, the server refuses it too (409), nothing changed.
    const [conflict] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${id}/placement`) && r.request().method() === 'POST'),
      page.getByRole('button', { name: t('es', 'placement-submit') }).click(),
    ]);
    assert.equal(conflict.status(), 409);
    await page.waitForLoadState();
    assert.ok(plain(await page.locator('#problems').innerText()).includes(t('es', 'err-over-capacity')));
    assert.ok(plain(await page.locator('main').innerText()).includes(t('es', 'placement-unallocated')));
    assert.equal(await currentLocation(officerToken, id), null, 'still unallocated');
    await checkPage(page, 'placement-refused', { shot: true });

    // A cell with a free place: allowed (in a smaller demo, some free cells hold only
    // sentenced persons: the next one is tried, as an officer would), placed, and the
    // file shows where.
    let verdict;
    for (const cell of cells.filter((c) => !c.full).slice(0, 10)) {
      free = cell;
      verdict = await chooseCell(page, id, free.value);
      if (verdict === t('es', 'placement-allowed')) break;
    }
    assert.equal(verdict, t('es', 'placement-allowed'), `${free.label}: ${verdict}`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/persons/${id}` && u.searchParams.get('placed') === '1'),
      page.getByRole('button', { name: t('es', 'placement-submit') }).click(),
    ]);
    const cellCode = free.label.split(' · ')[0];
    const place = plain(await page.locator('#current-place').innerText());
    assert.ok(place.includes(HOME_FACILITY) && place.includes(cellCode), `${place} names ${cellCode}`);
    assert.equal(String(await currentLocation(officerToken, id)), free.value);
    await checkPage(page, 'person-placed');
  } finally {
    await page.context().close();
  }
});

test('a cell barred by a keep-apart rule is refused, to the officer without naming the rule', async () => {
  const officerToken = await apiToken(s.server, 'officer');
  const analystToken = await apiToken(s.server, 'analyst');

  // Arranged through the API: a new cell with room in a unit of Turi, one man in it, and
  // a newcomer who must be kept apart from him (recorded by an intelligence analyst).
  const cellId = await newCell(4);
  const resident = await admitByApi(s.server, officerToken, {
    facility: HOME_FACILITY, given: 'Bolívar Eduardo', first: 'Quizhpi', second: 'Lema', location_id: cellId,
  });
  const newcomer = await admitByApi(s.server, officerToken, {
    facility: HOME_FACILITY, given: 'Segundo Manuel', first: 'Guamán', second: 'Tenesaca', born: '1988-02-14',
  });
  const rule = await api(s.server, analystToken, 'POST', '/keep-apart', {
    kind: 'persons', a: newcomer, b: resident, reason: 'threat', scope: 'cell', authorized_by: 'Fiscalía de Azuay',
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));

  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer', { next: `/persons/${newcomer}?reason=${encodeURIComponent('Ubicación')}` });
    await page.goto(`${s.server.url}/persons/${newcomer}/placement`);
    const refusal = await chooseCell(page, newcomer, String(cellId));
    assert.ok(refusal.includes(t('es', 'placement-refused')), refusal);
    // The generic reason only: nothing says which rule, or with whom.
    const reasons = (await page.locator('#check-verdict li').allInnerTexts()).map(plain);
    assert.deepEqual(reasons, [t('es', 'err-placement-restricted')]);
    assert.ok(!/regla|rule|Quizhpi|Fiscal/i.test(refusal), `the officer must not learn the rule: ${refusal}`);
    await checkPage(page, 'placement-restricted', { shot: true });

    // Submitted anyway: refused (409) with the same words, the newcomer still unallocated.
    const [conflict] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${newcomer}/placement`) && r.request().method() === 'POST'),
      page.getByRole('button', { name: t('es', 'placement-submit') }).click(),
    ]);
    assert.equal(conflict.status(), 409);
    await page.waitForLoadState();
    const problems = plain(await page.locator('#problems').innerText());
    assert.ok(problems.includes(t('es', 'err-placement-restricted')), problems);
    assert.ok(!/regla|Quizhpi/i.test(problems), problems);
    assert.equal(await currentLocation(officerToken, newcomer), null);
  } finally {
    await page.context().close();
  }
});
