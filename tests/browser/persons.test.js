// Finding a person and reading their file, as a facility officer: results as one types
// (forgiving a typo and missing accents), the reason for reading asked once per session.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  OTHER_FACILITY,
  USERS,
  accentedPersons,
  api,
  apiToken,
  checkPage,
  newPage,
  signIn,
  t,
  useServerAndBrowser,
  withoutAccents,
} from './lib/index.js';

const s = useServerAndBrowser();

/** A query for `fullName` as someone might type it: no accents, one letter left out. */
function sloppyQuery(fullName) {
  const words = withoutAccents(fullName).split(/\s+/);
  // Leave a letter out of the longest word (one typo), keep the others whole.
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  const i = Math.floor(longest.length / 2);
  const typo = longest.slice(0, i) + longest.slice(i + 1);
  return words.map((w) => (w === longest ? typo : w)).join(' ');
}

test('an officer signs in, finds a person as they type and reads two files, asked the reason once', async () => {
  const officerToken = await apiToken(s.server, 'officer');
  const [first, second] = await accentedPersons(s.server, officerToken, HOME_FACILITY, 2);

  const page = await newPage(s.browser);
  try {
    // Signing in lands on the dashboard, with the officer's facility and no other.
    await signIn(page, s.server, 'officer');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('h1').innerText(), t('es', 'dashboard-title'));
    const table = page.locator('#dashboard table.occupancy');
    await assert.doesNotReject(table.locator(`a[href="/facilities/${HOME_FACILITY}"]`).waitFor());
    assert.equal(await table.locator(`a[href="/facilities/${OTHER_FACILITY}"]`).count(), 0);
    await checkPage(page, 'dashboard-officer', { shot: true });

    // The search page, through the navigation.
    await page.getByRole('navigation').getByRole('link', { name: t('es', 'nav-persons') }).click();
    await page.waitForURL('**/persons');
    const box = page.locator('#q');
    await assert.doesNotReject(box.waitFor());

    // Results appear while typing: no submit, no navigation.
    const query = sloppyQuery(first.full_name);
    const swapped = page.waitForResponse((r) => r.url().includes('/persons/results?') && r.status() === 200);
    await box.pressSequentially(query, { delay: 40 });
    await swapped;
    const link = page.locator(`#results a[href="/persons/${first.id}"]`);
    await link.waitFor({ timeout: 10_000 });
    assert.equal(await link.innerText(), first.full_name, `typed "${query}"`);
    assert.equal(new URL(page.url()).pathname, '/persons', 'typing must not leave the page');
    assert.equal(new URL(page.url()).search, '', 'typing must not submit the form');
    // Only the officer's facility is searched.
    const facilities = await page.locator('#results tbody tr td:last-child').allInnerTexts();
    assert.ok(facilities.length > 0);
    for (const f of facilities) assert.match(f, new RegExp(`^${HOME_FACILITY}`));
    await checkPage(page, 'persons-search', { shot: true });

    // The first file asks the reason for reading.
    await link.click();
    await page.waitForURL(`**/persons/${first.id}`);
    assert.equal(await page.locator('h1').innerText(), t('es', 'person-reason-title'));
    await checkPage(page, 'person-reason', { shot: true });
    const reason = 'Revisión del expediente (prueba de navegador)';
    await page.locator('#reason').fill(reason);
    await Promise.all([
      page.waitForURL((u) => u.searchParams.has('reason')),
      page.locator('main form button[type=submit]').click(),
    ]);

    // The file: identity and where the person is now.
    const h1 = await page.locator('h1').innerText();
    assert.ok(h1.startsWith(first.full_name), `file heading "${h1}"`);
    assert.ok(h1.includes(first.registry_number));
    const identity = await page.locator('section[aria-labelledby="identity-h"] dl').innerText();
    const givenFirst = first.full_name.split(' ')[0];
    assert.ok(identity.includes(givenFirst), `identity shows ${givenFirst}:\n${identity}`);
    const place = page.locator('#current-place');
    assert.ok((await place.innerText()).startsWith(HOME_FACILITY), await place.innerText());
    assert.equal(await place.locator(`a[href="/facilities/${HOME_FACILITY}"]`).count(), 1);
    assert.ok((await page.locator('.reading').innerText()).includes(reason));
    await checkPage(page, 'person-file', { shot: true });

    // Another file: not asked again; the same reason is shown.
    await page.goto(`${s.server.url}/persons/${second.id}`);
    assert.equal(await page.locator('#reason').count(), 0, 'the reason was asked a second time');
    assert.ok((await page.locator('h1').innerText()).startsWith(second.full_name));
    assert.ok((await page.locator('#current-place').innerText()).startsWith(HOME_FACILITY));
    assert.ok((await page.locator('.reading').innerText()).includes(reason));
    await checkPage(page, 'person-file-second');

    // Both reads were journaled with the officer's name and the reason (the access
    // audit, as an administrator sees it).
    const admin = await apiToken(s.server, 'admin');
    for (const p of [first, second]) {
      const audit = await api(s.server, admin, 'GET', `/audit/access?person=${p.id}`);
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      const text = JSON.stringify(audit.body);
      assert.ok(text.includes(USERS.officer.username), `the read of ${p.id} is journaled as the officer's: ${text}`);
      assert.ok(text.includes(reason), `the read of ${p.id} is journaled with its reason: ${text}`);
    }
  } finally {
    await page.context().close();
  }
});

test('a new session asks the reason again', async () => {
  const token = await apiToken(s.server, 'officer');
  const [person] = await accentedPersons(s.server, token, HOME_FACILITY, 1);
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer', { next: `/persons/${person.id}` });
    assert.equal(new URL(page.url()).pathname, `/persons/${person.id}`, 'next= brings back to the file');
    assert.equal(await page.locator('#reason').count(), 1);
    // An empty reason is refused, with the problem tied to the field.
    await page.locator('#reason').fill('   ');
    await page.locator('main form button[type=submit]').click();
    await page.waitForURL((u) => u.searchParams.has('reason'));
    assert.equal(await page.locator('#reason').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#reason-error').innerText(), t('es', 'person-reason-required'));
    await checkPage(page, 'person-reason-error');
  } finally {
    await page.context().close();
  }
});
