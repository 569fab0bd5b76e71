// The national dashboard refreshes itself every 30 seconds (htmx), without reloading the
// page: driven with Playwright's fake clock, a change made meanwhile through the API
// appears after the refresh.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  HOME_FACILITY,
  api,
  apiToken,
  checkPage,
  newPage,
  signIn,
  t,
  useServerAndBrowser,
} from './lib/index.js';

const s = useServerAndBrowser();

const figure = async (page, id) => page.locator(`#${id}`).innerText();

test('the national dashboard shows every facility and the national total', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'operations');
    assert.equal(await page.locator('h1').innerText(), t('es', 'dashboard-title'));
    assert.equal(await page.locator('#dashboard table.occupancy tbody tr').count(), 15);
    assert.match(await figure(page, 'national-on-roll'), /^\d{1,3}([.\s\u202f]\d{3})*$/);
    for (const id of ['fig-crises', 'fig-incidents', 'fig-staff-held', 'fig-not-normal', 'fig-in-transit', 'fig-notifications']) {
      assert.match(await figure(page, id), /^\d+$/, id);
    }
    await checkPage(page, 'dashboard', { shot: true });
  } finally {
    await page.context().close();
  }
});

test('the dashboard refreshes its figures every 30 s, showing an incident reported through the API', async () => {
  const page = await newPage(s.browser);
  try {
    // The fake clock runs with real time until paused, just after the page loaded: from
    // then on only runFor moves it (axe needs real timers: it runs after resume()).
    await page.clock.install();
    await signIn(page, s.server, 'operations');
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);

    const incidentsBefore = Number(await figure(page, 'fig-incidents'));
    const requests = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/dashboard/live')) requests.push(r);
    });
    // Marks: the page itself stays (no reload); the figures' container is replaced.
    await page.evaluate(() => {
      window.stillTheSamePage = true;
      document.querySelector('#fig-incidents').dataset.old = 'yes';
    });

    // A change made elsewhere, through the API.
    const token = await apiToken(s.server, 'operations');
    const summary = `Incendio en el pabellón de prueba ${Date.now()}`;
    const reported = await api(s.server, token, 'POST', '/incidents', {
      type: 'fire',
      site: { facility: HOME_FACILITY },
      occurred_at: new Date().toISOString(),
      summary,
    });
    assert.equal(reported.status, 201, JSON.stringify(reported.body));

    // Before 30 seconds, nothing is asked and nothing changes.
    await page.clock.runFor(20_000);
    assert.equal(requests.length, 0, 'refreshed before 30 s');
    assert.equal(Number(await figure(page, 'fig-incidents')), incidentsBefore);

    // At 30 seconds the body is fetched and swapped in.
    const live = page.waitForResponse((r) => r.url().endsWith('/dashboard/live'));
    await page.clock.runFor(11_000);
    const response = await live;
    assert.equal(response.status(), 200);
    assert.equal(response.request().headers()['hx-request'], 'true');
    await page.waitForFunction(
      (n) => Number(document.querySelector('#fig-incidents')?.textContent) === n,
      incidentsBefore + 1,
    );
    assert.equal(await page.locator('#fig-incidents').getAttribute('data-old'), null, 'the figures were swapped');
    assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'the page was not reloaded');
    const incidents = await page.locator('section[aria-labelledby="incidents-h"]').innerText();
    assert.ok(incidents.includes(reported.body.reference), `the new incident ${reported.body.reference} is listed`);
    // The swapped body is only the body: no second header, heading or navigation.
    assert.equal(await page.locator('h1').count(), 1);
    assert.equal(await page.locator('#dashboard nav, #dashboard header').count(), 0);

    // And again 30 seconds later.
    const again = page.waitForResponse((r) => r.url().endsWith('/dashboard/live'));
    await page.clock.runFor(30_000);
    await again;
    assert.equal(requests.length, 2);

    await page.clock.resume();
    await checkPage(page, 'dashboard-refreshed');
  } finally {
    await page.context().close();
  }
});

test('a facility officer\'s dashboard shows their facility only', async () => {
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'officer');
    const rows = page.locator('#dashboard table.occupancy tbody tr');
    assert.equal(await rows.count(), 1);
    assert.ok((await rows.innerText()).includes(HOME_FACILITY));
  } finally {
    await page.context().close();
  }
});

test(
  'when the session ends, the next refresh sends the page to sign in and back to the dashboard',
  async () => {
    const page = await newPage(s.browser);
    try {
      await page.clock.install();
      await signIn(page, s.server, 'operations');
      // The session ends elsewhere (sign out from another tab of the same browser).
      const csrf = await page.locator('form[action="/logout"] input[name=_csrf]').inputValue();
      const out = await page.request.post(`${s.server.url}/logout`, { form: { _csrf: csrf }, maxRedirects: 0 });
      assert.equal(out.status(), 303);

      await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.clock.runFor(31_000)]);
      const next = new URL(page.url()).searchParams.get('next');
      assert.ok(next === null || next === '/', `after signing in again the page must be the dashboard, not next=${next}`);
    } finally {
      await page.context().close();
    }
  },
);
