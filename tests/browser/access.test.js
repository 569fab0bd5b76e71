// Who may see and change what, seen from the browser: forms without their CSRF token are
// refused and change nothing, pages out of the viewer's reach read as absent ones, the
// sign-in's next= stays on this site, and signing out ends the session.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  OTHER_FACILITY,
  PASSWORD,
  USERS,
  accentedPersons,
  apiToken,
  checkPage,
  newPage,
  signIn,
  t,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

test('a form posted without its CSRF token is refused with the 403 page and changes nothing', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer', { next: '/account' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');

    // The language switch, its token removed.
    await page.evaluate(() => document.querySelector('form.langs input[name=_csrf]').remove());
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/account/language')),
      page.locator('form.langs button[value=en]').click(),
    ]);
    assert.equal(refused.status(), 403);
    await page.waitForLoadState();
    assert.equal(await page.locator('[role=alert]').innerText(), t('es', 'error-csrf'));
    await checkPage(page, 'error-403', { shot: true });
    await page.goto(`${s.server.url}/account`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', 'the language must not have changed');
    assert.equal(await page.locator('form.langs button[value=es]').getAttribute('aria-pressed'), 'true');

    // A token from elsewhere is no better than none.
    await page.evaluate(() => {
      document.querySelector('form.langs input[name=_csrf]').value = 'forged-token';
    });
    const [forged] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/account/language')),
      page.locator('form.langs button[value=en]').click(),
    ]);
    assert.equal(forged.status(), 403);
    await page.goto(`${s.server.url}/account`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');

    // Signing out without the token does not sign out.
    await page.evaluate(() =>
      document.querySelector('form[action="/logout"] input[name=_csrf]').remove(),
    );
    const [logout] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/logout')),
      page.locator('form[action="/logout"] button').click(),
    ]);
    assert.equal(logout.status(), 403);
    await page.goto(`${s.server.url}/account`);
    assert.equal(new URL(page.url()).pathname, '/account', 'still signed in');

    // A count without the token is not recorded: the facility's alerts stay as they were.
    await page.goto(`${s.server.url}/facilities/${HOME_FACILITY}`);
    const alertsBefore = await page.locator('section.alerts li').count();
    const place = await page.locator('#location_id option').nth(1).getAttribute('value');
    await page.locator('#location_id').selectOption(place);
    await page.locator('#counted').fill('9999');
    await page.evaluate(() =>
      document.querySelector('form[action$="/counts"] input[name=_csrf]').remove(),
    );
    const [count] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/counts')),
      page.locator('form[action$="/counts"] button[type=submit]').click(),
    ]);
    assert.equal(count.status(), 403);
    await page.goto(`${s.server.url}/facilities/${HOME_FACILITY}`);
    assert.equal(await page.locator('section.alerts li').count(), alertsBefore, 'no count alert was opened');
  } finally {
    await page.context().close();
  }
});

test('a sign-in posted from another site is refused', async () => {
  const body = new URLSearchParams({ username: USERS.officer.username, password: PASSWORD, next: '/' });
  const r = await fetch(`${s.server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    },
    body,
  });
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('set-cookie'), null, 'no session for a cross-site sign-in');
});

test('pages out of the officer\'s reach answer as absent ones: the 404 page', async () => {
  const operations = await apiToken(s.server, 'operations');
  const [elsewhere] = await accentedPersons(s.server, operations, OTHER_FACILITY, 1);
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer');

    // Another facility's page, and one that does not exist, read the same.
    const other = await page.goto(`${s.server.url}/facilities/${OTHER_FACILITY}`);
    assert.equal(other.status(), 404);
    const otherText = {
      h1: await page.locator('h1').innerText(),
      message: await page.locator('[role=alert]').innerText(),
    };
    assert.deepEqual(otherText, { h1: t('es', 'error-not-found-title'), message: t('es', 'error-not-found') });
    await checkPage(page, 'error-404', { shot: true });
    const none = await page.goto(`${s.server.url}/facilities/NO-EXISTE-1`);
    assert.equal(none.status(), 404);
    assert.deepEqual(
      { h1: await page.locator('h1').innerText(), message: await page.locator('[role=alert]').innerText() },
      otherText,
    );

    // A unit of another facility (the partial htmx loads) and its count form.
    const unit = await page.request.get(`${s.server.url}/facilities/${OTHER_FACILITY}/units/1`);
    assert.equal(unit.status(), 404);

    // A person held elsewhere: 404 even with a reason given, and nothing of theirs shown.
    const person = await page.goto(`${s.server.url}/persons/${elsewhere.id}?reason=Consulta`);
    assert.equal(person.status(), 404);
    assert.equal(await page.locator('h1').innerText(), t('es', 'error-not-found-title'));
    const html = await page.content();
    assert.ok(!html.includes(elsewhere.full_name), 'the name must not leak');
    assert.ok(!html.includes(elsewhere.registry_number), 'the registry number must not leak');

    // Nor does the search find them.
    await page.goto(`${s.server.url}/persons?q=${encodeURIComponent(elsewhere.registry_number)}`);
    assert.equal(await page.locator(`#results a[href="/persons/${elsewhere.id}"]`).count(), 0);
    assert.equal(await page.locator('#results').innerText(), t('es', 'persons-none'));
    await checkPage(page, 'persons-search-none');

    // An address nothing serves.
    const missing = await page.goto(`${s.server.url}/no-such-page`);
    assert.equal(missing.status(), 404);
    assert.equal(await page.locator('h1').innerText(), t('es', 'error-not-found-title'));
  } finally {
    await page.context().close();
  }
});

test('next= after signing in stays on this site', async () => {
  for (const [next, expected] of [
    ['/facilities', '/facilities'],
    ['//evil.example/x', '/'],
    ['https://evil.example/', '/'],
    ['/\\evil.example', '/'],
  ]) {
    const page = await newPage(s.browser);
    try {
      await signIn(page, s.server, 'officer', { next });
      const url = new URL(page.url());
      assert.equal(url.origin, s.server.url, `next=${next} left the site for ${page.url()}`);
      assert.equal(url.pathname, expected, `next=${next}`);
    } finally {
      await page.context().close();
    }
  }
});

test('signing out ends the session; pages then ask to sign in and come back', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/login'),
      page.locator('form[action="/logout"] button').click(),
    ]);
    assert.equal(await page.locator('h1').innerText(), t('es', 'login-title'));
    assert.equal((await page.context().cookies()).filter((c) => c.name === 'custodia_session').length, 0);

    await page.goto(`${s.server.url}/persons?q=abc`);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/login');
    assert.equal(url.searchParams.get('next'), '/persons?q=abc');
    // Signing in comes back to the page asked for.
    await page.locator('#username').fill(USERS.officer.username);
    await page.locator('#password').fill(PASSWORD);
    await Promise.all([page.waitForURL('**/persons?q=abc'), page.locator('main button[type=submit]').click()]);
    assert.equal(await page.locator('#q').inputValue(), 'abc');
  } finally {
    await page.context().close();
  }
});
