// The account page and the languages: the sign-in page in English with ?lang=en, the
// language saved per user from the switch in the frame, API tokens made and revoked from
// the page, and the password change.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  PASSWORD,
  USERS,
  checkPage,
  newPage,
  messages,
  plain,
  signIn,
  t,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

/**
 * Fails unless every link of the navigation reads as its `nav-*` message in `lang` (and
 * the sections every user has are there), whatever sections the user's roles open.
 */
async function assertNavIn(page, lang) {
  const labels = await page.getByRole('navigation').getByRole('link').allInnerTexts();
  const words = messages(lang, 'nav-');
  const other = messages(lang === 'es' ? 'en' : 'es', 'nav-');
  for (const label of labels) {
    assert.ok(
      [...words.values()].includes(label),
      `navigation link "${label}" is not a ${lang} nav-* message (links: ${labels.join(', ')})`,
    );
  }
  for (const key of ['nav-dashboard', 'nav-facilities', 'nav-persons', 'nav-account']) {
    assert.ok(labels.includes(words.get(key)), `${key} in ${lang}`);
    if (other.get(key) !== words.get(key)) assert.ok(!labels.includes(other.get(key)));
  }
}

test('the sign-in page speaks Spanish by default and English with ?lang=en or an English browser', async () => {
  const page = await newPage(s.browser);
  try {
    await page.goto(`${s.server.url}/login`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    assert.equal(await page.locator('h1').innerText(), t('es', 'login-title'));
    await checkPage(page, 'login', { shot: true });

    await page.goto(`${s.server.url}/login?lang=en`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), t('en', 'login-title'));
    assert.equal(await page.locator('label[for=username]').innerText(), t('en', 'login-username'));
    assert.equal(await page.locator('label[for=password]').innerText(), t('en', 'login-password'));
    assert.equal(await page.locator('main button[type=submit]').innerText(), t('en', 'login-submit'));
    assert.equal(await page.title(), `${t('en', 'login-title')} · Custodia`);
    await checkPage(page, 'login-en', { shot: true });

    // A failed sign-in says so, keeps the username, and is announced.
    await page.goto(`${s.server.url}/login`);
    await page.locator('#username').fill(USERS.officer.username);
    await page.locator('#password').fill('not-the-password-at-all');
    await page.locator('main button[type=submit]').click();
    await page.locator('[role=alert]').waitFor();
    assert.equal(await page.locator('[role=alert]').innerText(), t('es', 'login-failed'));
    assert.equal(await page.locator('#username').inputValue(), USERS.officer.username);
    await checkPage(page, 'login-failed');
  } finally {
    await page.context().close();
  }

  const english = await newPage(s.browser, { locale: 'en-GB' });
  try {
    await english.goto(`${s.server.url}/login`);
    assert.equal(await english.locator('html').getAttribute('lang'), 'en', 'Accept-Language: en');
  } finally {
    await english.context().close();
  }
});

test(
  "the sign-in page's English link shows the sign-in page in English, keeping next=",
  async () => {
    const page = await newPage(s.browser);
    try {
      await page.goto(`${s.server.url}/login?next=%2Fpersons`);
      await Promise.all([page.waitForNavigation(), page.locator('header a[hreflang="en"]').click()]);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/login');
      assert.equal(url.searchParams.get('next'), '/persons');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    } finally {
      await page.context().close();
    }
  },
);

test(
  'a failed sign-in on the English sign-in page answers in English',
  async () => {
    const page = await newPage(s.browser);
    try {
      await page.goto(`${s.server.url}/login?lang=en`);
      await page.locator('#username').fill(USERS.officer.username);
      await page.locator('#password').fill('not-the-password-at-all');
      await page.locator('main button[type=submit]').click();
      await page.locator('[role=alert]').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('[role=alert]').innerText(), t('en', 'login-failed'));
    } finally {
      await page.context().close();
    }
  },
);

test('the language switch saves English for the user, then Spanish again', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'analyst', { next: '/account' });
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await assertNavIn(page, 'es');
    await checkPage(page, 'account', { shot: true });

    await page.locator('form.langs button[value=en]').click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, '/account', 'the switch comes back to the same page');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), t('en', 'account-title'));
    await assertNavIn(page, 'en');
    assert.equal(await page.locator('form.langs button[value=en]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('form.langs button[value=es]').getAttribute('aria-pressed'), 'false');
    await checkPage(page, 'account-en', { shot: true });

    // Saved for the user: other pages, and a new session, are in English.
    await page.goto(`${s.server.url}/facilities`);
    assert.equal(await page.locator('h1').innerText(), t('en', 'facilities-title'));
    await checkPage(page, 'facilities-en');
    const other = await newPage(s.browser);
    try {
      await signIn(other, s.server, 'analyst');
      assert.equal(await other.locator('html').getAttribute('lang'), 'en', 'a new session keeps the saved language');
      await assertNavIn(other, 'en');
    } finally {
      await other.context().close();
    }

    // ?lang= shows one page in the other language without saving it.
    await page.goto(`${s.server.url}/facilities?lang=es`);
    assert.equal(await page.locator('h1').innerText(), t('es', 'facilities-title'));
    await page.goto(`${s.server.url}/facilities`);
    assert.equal(await page.locator('h1').innerText(), t('en', 'facilities-title'));

    // And back to Spanish.
    await page.goto(`${s.server.url}/account`);
    await page.locator('form.langs button[value=es]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await assertNavIn(page, 'es');
    assert.equal(await page.locator('h1').innerText(), t('es', 'account-title'));
  } finally {
    await page.context().close();
  }
});

test('an API token made on the account page works, read-only, until it is revoked', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'analyst', { next: '/account' });
    const name = 'informe-semanal';
    await page.locator('#name').fill(name);
    await page.locator('#days').fill('7');
    assert.equal(await page.locator('input[name=read_only]').isChecked(), true, 'read-only by default');
    await page.getByRole('button', { name: t('es', 'account-token-create') }).click();
    const secret = (await page.locator('#issued-token').innerText()).trim();
    assert.match(secret, /^cst_[0-9a-f]{32,}$/);
    await checkPage(page, 'account-token-issued');

    const call = (method, path, body) =>
      fetch(`${s.server.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
    assert.equal((await call('GET', '/facilities')).status, 200);
    const write = await call('POST', '/groups', { name: 'Grupo de prueba' });
    assert.equal(write.status, 403, 'a read-only token cannot change anything');

    // The secret is shown once: reloading the page does not show it again.
    await page.goto(`${s.server.url}/account`);
    assert.equal(await page.locator('#issued-token').count(), 0);
    const row = page.locator('tr', { hasText: name });
    assert.equal(await row.count(), 1);

    await row.getByRole('button', { name: new RegExp(name) }).click();
    await page.waitForURL('**/account');
    assert.equal(await page.locator('tr', { hasText: name }).getByRole('button').count(), 0);
    assert.match(plain(await page.locator('tr', { hasText: name }).innerText()), /Revocado el/);
    assert.equal((await call('GET', '/facilities')).status, 401, 'a revoked token is refused');
  } finally {
    await page.context().close();
  }
});

test('the password change checks the current password and the repetition, then applies', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'director', { next: '/account' });
    const fresh = 'Otra-clave-de-prueba-2027';

    await page.locator('#current_password').fill('not-my-password-at-all');
    await page.locator('#new_password').fill(fresh);
    await page.locator('#confirm_password').fill(fresh);
    await page.getByRole('button', { name: t('es', 'account-password-submit') }).click();
    await page.locator('#current_password[aria-invalid=true]').waitFor();
    assert.equal(await page.locator('#current_password-error').innerText(), t('es', 'err-wrong-password'));
    await checkPage(page, 'account-password-error');

    await page.locator('#current_password').fill(PASSWORD);
    await page.locator('#new_password').fill(fresh);
    await page.locator('#confirm_password').fill(`${fresh}x`);
    await page.getByRole('button', { name: t('es', 'account-password-submit') }).click();
    await page.locator('#confirm_password[aria-invalid=true]').waitFor();
    assert.equal(await page.locator('#confirm_password-error').innerText(), t('es', 'err-passwords-differ'));

    await page.locator('#current_password').fill(PASSWORD);
    await page.locator('#new_password').fill(fresh);
    await page.locator('#confirm_password').fill(fresh);
    await page.getByRole('button', { name: t('es', 'account-password-submit') }).click();
    await page.locator('[role=status]').waitFor();
    assert.equal(await page.locator('[role=status]').innerText(), t('es', 'account-password-changed'));

    // This session goes on; the old password no longer signs in, the new one does.
    await page.goto(`${s.server.url}/`);
    assert.equal(new URL(page.url()).pathname, '/');
    const signInWith = (password) =>
      fetch(`${s.server.url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USERS.director.username, password }),
      });
    assert.equal((await signInWith(PASSWORD)).status, 401);
    assert.equal((await signInWith(fresh)).status, 200);
  } finally {
    await page.context().close();
  }
});
