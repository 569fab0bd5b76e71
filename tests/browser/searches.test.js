// Searches (requisas) and seizures, as Turi's director records them: a search of two
// cells named by their codes, drugs seized into it with their holder, then handed over
// to the prosecutor's office — the chain of custody shows the step.

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

/** Two cells of Turi, by code and id. */
async function twoCells() {
  const roll = (await api(s.server, await apiToken(s.server, 'director'), 'GET', `/facilities/${HOME_FACILITY}/roll`)).body;
  return roll.locations.filter((l) => l.is_cell).slice(0, 2).map((l) => ({ code: l.code, id: l.location_id }));
}

/** Records a search of `cells` through the form; resolves with its id (on its page). */
async function recordSearch(page, cells, reason) {
  await page.getByRole('navigation').getByRole('link', { name: t('es', 'nav-searches') }).click();
  await page.waitForURL('**/searches');
  const form = page.locator('#new-search');
  await form.locator('#facility').selectOption(HOME_FACILITY);
  await form.locator('#kind').selectOption('cell');
  await form.locator('#location_codes').fill(cells.map((c) => c.code.toLowerCase()).join(', '));
  await form.locator('#team').fill('ASP Diego Cabrera, jefe de equipo\nASP Andrea Loja, registro');
  await form.locator('#authorised_by').fill('Director del CPL Azuay N° 1');
  await form.locator('#reason').fill(reason);
  await Promise.all([
    page.waitForURL((u) => /^\/searches\/\d+$/.test(u.pathname)),
    form.getByRole('button', { name: t('es', 'searches-record') }).click(),
  ]);
  return Number(new URL(page.url()).pathname.split('/')[2]);
}

test('a search of cells is recorded, drugs seized and handed over along their chain of custody', async () => {
  const cells = await twoCells();
  const reason = `Información de ingreso de sustancias (prueba ${Date.now()})`;
  const page = await newPage(s.browser);
  try {
    await signIn(page, s.server, 'director');
    await page.goto(`${s.server.url}/searches`);
    assert.equal(await page.locator('h1').innerText(), t('es', 'searches-title'));
    await checkPage(page, 'searches', { shot: true });

    // Cell codes typed in lower case, separated by commas: the places of Turi.
    const id = await recordSearch(page, cells, reason);
    assert.equal(plain(await page.locator('h1').innerText()), t('es', 'search-title', { x: id }));
    const header = plain(await page.locator('main').innerText());
    assert.ok(header.includes(HOME_FACILITY) && header.includes(t('es', 'search-kind-cell')), header);
    assert.ok(header.includes(reason));
    assert.ok(header.includes(t('es', 'search-team', { x: 'ASP Diego Cabrera, ASP Andrea Loja' })), header);
    assert.equal(plain(await page.locator('section[aria-labelledby="items-h"] p.muted').innerText()), t('es', 'search-no-items'));
    const token = await apiToken(s.server, 'director');
    const recorded = (await api(s.server, token, 'GET', `/searches/${id}`)).body;
    assert.deepEqual([...recorded.location_ids].sort(), cells.map((c) => c.id).sort(), 'the cells named by code');
    assert.deepEqual(recorded.team.map((m) => m.role), ['jefe de equipo', 'registro']);

    // Drugs seized: 12.5 g of cocaine base, kept by the officer of the evidence room.
    const seize = page.locator('#seize');
    await seize.locator('#category').selectOption('drugs');
    await seize.locator('#description').fill('Envoltorios plásticos');
    await seize.locator('#quantity').fill('3');
    await seize.locator('#drug_kind').selectOption('cocaine_base');
    await seize.locator('#grams').fill('12,5');
    await seize.locator('#found_place').fill(`${cells[0].code}, bajo la litera`);
    await seize.locator('#holder_name').fill('ASP Diego Cabrera');
    await seize.locator('#holder_office').fill('Bodega de evidencias');
    await Promise.all([
      page.waitForURL(`**/searches/${id}`),
      seize.getByRole('button', { name: t('es', 'search-seize-submit') }).click(),
    ]);
    const item = page.locator('article.item');
    assert.equal(await item.count(), 1);
    const what = plain(await item.locator('h3').innerText());
    assert.equal(what, `3 × ${t('es', 'item-category-drugs')} (Envoltorios plásticos)`);
    const detail = plain(await item.innerText());
    assert.ok(detail.includes(t('es', 'drug-kind-cocaine-base')) && /12[.,]5 g/.test(detail), detail);
    assert.ok(detail.includes(t('es', 'search-holder', { x: 'ASP Diego Cabrera, Bodega de evidencias' })), detail);
    assert.equal(await item.locator('ol.chain li').count(), 0, 'not handed over yet');
    await checkPage(page, 'search', { shot: true });

    // Handed over to the prosecutor's office: a step of the chain, and its final disposal.
    const itemId = (await item.getAttribute('id')).replace('item-', '');
    await item.locator(`#to-name-${itemId}`).fill('Fiscal Ana Cordero');
    await item.locator(`#to-office-${itemId}`).fill('Fiscalía de Azuay');
    await item.locator(`#purpose-${itemId}`).fill('Pericia química');
    await item.locator(`#disposal-${itemId}`).selectOption('handed_to_prosecutor');
    await Promise.all([
      page.waitForURL(`**/searches/${id}`),
      item.getByRole('button', { name: t('es', 'search-hand-over') }).click(),
    ]);
    const chain = (await page.locator('article.item ol.chain li').allInnerTexts()).map(plain);
    assert.equal(chain.length, 1, chain.join('\n'));
    assert.ok(
      chain[0].includes('ASP Diego Cabrera, Bodega de evidencias → Fiscal Ana Cordero, Fiscalía de Azuay · Pericia química'),
      chain[0],
    );
    assert.ok(plain(await page.locator('article.item').innerText()).includes(t('es', 'disposal-handed-to-prosecutor')));
    assert.equal(await page.locator('article.item form').count(), 0, 'disposed of: no further hand-over');
    await checkPage(page, 'search-handed-over', { shot: true });

    // The list shows the search with its one item.
    await page.goto(`${s.server.url}/searches`);
    const row = page.locator(`main tbody tr:has(a[href="/searches/${id}"])`);
    const cellsText = (await row.locator('td').allInnerTexts()).map(plain);
    assert.equal(cellsText.at(-1), '1');
    assert.ok(cellsText.includes(reason));
  } finally {
    await page.context().close();
  }
});

test(
  'a search of cells shows which places were searched',
  async () => {
    const cells = await twoCells();
    const page = await newPage(s.browser);
    try {
      await signIn(page, s.server, 'director');
      await recordSearch(page, cells, 'Requisa de rutina (prueba)');
      const text = plain(await page.locator('main').innerText());
      for (const c of cells) assert.ok(text.includes(c.code), `${c.code} named on the search's page`);
    } finally {
      await page.context().close();
    }
  },
);
