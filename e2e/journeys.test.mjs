// What users do, in a real browser: a consultant's journey from sign-in to a published report,
// with the keyboard; an élu reading their report (and printing it); two consultants editing
// the same answer; the saving path without JavaScript; axe-core on every page type; and the
// Nu HTML checker on every page dumped along the way.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import path from 'node:path';

import { USERS, accessibilityViolations, capture, launchBrowser, out, signedIn, startApp, startEmptyApp, validateHtml } from './harness.mjs';

let app;
let browser;
/** The consultant's published report and its assessment (journey 1), for the élu's journey. */
const state = {};

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

/** Waits until every autosave has been answered. */
async function settled(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => document.querySelectorAll('.htmx-request').length === 0);
}

/**
 * Answers criterion `code` with the keyboard only, starting with the focus in its level cards
 * (on the checked one, or the first when none is): arrows choose the level (or N/A), Tab moves
 * on; returns the keys pressed. A criterion the round marked outside the territory's competence
 * starts on N/A with a generated justification, which the consultant replaces.
 */
async function answerWithKeyboard(page, code, { level, evidence, justification }) {
  let keys = 0;
  const press = async (key) => {
    await page.keyboard.press(key);
    keys += 1;
  };
  // Arrows move (and check) from the focused card: the checked one when Tab came in, else the
  // first; Space checks the focused card itself.
  const order = ['0', '1', '2', '3', '4', 'na'];
  const focused = await page.evaluate(() => document.activeElement?.value ?? null);
  const target = order.indexOf(String(level));
  const moves = target - order.indexOf(focused);
  if (moves === 0 && !(await page.isChecked(`#${code}-level-${order[target]}`))) await press('Space');
  for (let i = 0; i < Math.abs(moves); i += 1) await press(moves > 0 ? 'ArrowRight' : 'ArrowLeft');
  await press('Tab');
  if (level === 'na') {
    assert.equal(await page.evaluate(() => document.activeElement.id), `${code}-justification`);
    await press('Control+A');
    await page.keyboard.type(justification);
    keys += 1;
    await press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), `${code}-importance`);
  await press('Tab'); // target: the default (level + 1)
  await press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), `${code}-confidence`);
  await press('ArrowDown'); // déclaratif
  await press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), `${code}-evidence`);
  await page.keyboard.type(evidence);
  keys += 1;
  await press('Tab');
  return keys;
}

/** Fills an indicator with the keyboard, the focus on its value; returns the keys pressed. */
async function indicatorWithKeyboard(page, value, year, source) {
  await page.keyboard.type(value);
  await page.keyboard.press('Tab');
  await page.keyboard.type(year);
  await page.keyboard.press('Tab');
  await page.keyboard.type(source);
  await page.keyboard.press('Tab');
  return 6;
}

const SECTIONS = {
  MOB: [
    // Marked "compétence de l'autorité organisatrice de la mobilité" by the round (framework v2):
    // the consultant overrides MOB-1 and keeps MOB-3 not applicable in their own words.
    { code: 'MOB-1', level: 2, evidence: 'Réseau urbain cadencé, desserte périurbaine faible.' },
    { code: 'MOB-2', level: 1, evidence: 'Deux stations vélo, pas de plan vélo.' },
    { code: 'MOB-3', level: 'na', justification: 'Compétence du Grand Annecy.', evidence: 'Voir le diagnostic de l\u2019agglomération.' },
    { code: 'MOB-4', level: 0, evidence: 'Aucune donnée ouverte de stationnement.' },
    { code: 'MOB-5', level: 3, evidence: 'Plan de mobilité employeur adopté et suivi.' },
    { code: 'MOB-6', level: 'na', justification: 'Billettique portée par la Région et le Grand Annecy.', evidence: 'Titre régional accepté sur le réseau urbain.' },
  ],
  GOV: [
    { code: 'GOV-1', level: 2, evidence: 'Feuille de route numérique votée en 2025.' },
    { code: 'GOV-2', level: 2, evidence: 'Démarches en ligne principales disponibles.' },
    { code: 'GOV-3', level: 1, evidence: 'Quelques jeux de données sur data.gouv.fr.' },
    { code: 'GOV-4', level: 2, evidence: 'Budget participatif annuel.' },
    { code: 'GOV-5', level: 1, evidence: 'Pas de charte éthique des données.' },
  ],
};

test('journey 1: a consultant goes from sign-in to a published report, answering with the keyboard', async () => {
  const { context, page } = await signedIn(browser, app.url, USERS.consultant);
  await capture(page, 'home-consultant');

  await page.goto('/territoires/nouveau');
  await page.fill('#q', 'annecy');
  const choice = page.locator('#geo-results label', { hasText: 'Annecy' }).first();
  await choice.waitFor();
  await capture(page, 'territory-new');
  await choice.click();
  await Promise.all([page.waitForURL(/\/territoires\/\d+$/), page.getByRole('button', { name: 'Créer le profil' }).click()]);
  await capture(page, 'territory-profile');

  await page.getByRole('link', { name: 'Nouvelle évaluation' }).click();
  await Promise.all([page.waitForURL(/\/evaluations\/\d+$/), page.getByRole('button', { name: /Commencer/ }).click()]);
  const overview = page.url();
  state.assessment = overview;

  let keys = 0;
  for (const [section, criteria] of Object.entries(SECTIONS)) {
    await page.goto(`${overview}/${section}`);
    await page.focus(`#${criteria[0].code}-level-0`);
    for (const criterion of criteria) keys += await answerWithKeyboard(page, criterion.code, criterion);
    if (section === 'MOB') {
      assert.equal(await page.evaluate(() => document.activeElement.id), 'MOB-I1-value');
      keys += await indicatorWithKeyboard(page, '41,5', '2023', 'Insee, RP 2021');
    }
    await settled(page);
    for (const { code } of criteria) {
      assert.match(await page.textContent(`#${code}-state`), /Enregistré/, `${code} shows its autosave`);
    }
    if (section === 'MOB') {
      assert.match(await page.textContent('#MOB-I1-state'), /Enregistré/);
      await capture(page, 'assessment-section');
    }
    // Everything is still there after a reload.
    await page.reload();
    for (const { code, level, evidence, justification } of criteria) {
      const radio = level === 'na' ? `#${code}-level-na` : `#${code}-level-${level}`;
      assert.ok(await page.isChecked(radio), `${code} level kept`);
      assert.equal(await page.inputValue(`#${code}-evidence`), evidence);
      assert.equal(await page.inputValue(`#${code}-confidence`), 'declaratif');
      if (justification) assert.equal(await page.inputValue(`#${code}-justification`), justification);
    }
    if (section === 'MOB') {
      assert.equal(await page.inputValue('#MOB-I1-value'), '41.5');
      assert.equal(await page.inputValue('#MOB-I1-year'), '2023');
    }
  }
  state.keys = keys;
  const answered = Object.values(SECTIONS).flat().length;
  console.log(`keyboard: ${keys} key presses and text entries for ${answered} criteria and 1 indicator`);

  // The roadmap: proposed, then a chantier edited with the keyboard only.
  await page.goto(`${overview}/feuille-de-route`);
  await page.focus('form[action$="/proposer"] button');
  await Promise.all([page.waitForURL(/feuille-de-route\?enregistre=1$/), page.keyboard.press('Enter')]);
  assert.match(await page.textContent('main [role="status"]'), /Modification enregistrée/);
  const title = page.locator('form.chantier-form input[name="title"]').first();
  const titleId = await title.getAttribute('id');
  await page.focus(`#${titleId}`);
  let roadmapKeys = 0;
  await page.keyboard.press('Control+A'); roadmapKeys++;
  await page.keyboard.type('Chantier au clavier'); roadmapKeys++;
  await page.keyboard.press('Tab'); roadmapKeys++;
  assert.match(await page.evaluate(() => document.activeElement.id), /-objective$/);
  await page.keyboard.press('Tab'); roadmapKeys++;
  await page.keyboard.type('Adjoint au numérique'); roadmapKeys++;
  await page.keyboard.press('Tab'); roadmapKeys++;
  await page.keyboard.type('Direction des systèmes d\u2019information'); roadmapKeys++;
  await Promise.all([page.waitForURL(/feuille-de-route\?enregistre=1#chantier-\d+$/), page.keyboard.press('Enter')]);
  roadmapKeys++;
  const chantier = page.locator('section.chantier').first();
  assert.match(await chantier.locator('h2').textContent(), /Chantier au clavier/);
  assert.equal(await chantier.locator('input[name="elu"]').inputValue(), 'Adjoint au numérique');
  console.log(`keyboard: ${roadmapKeys} key presses and text entries to edit a chantier`);

  // The same task on the overview table: rename the second chantier, name its élu and pilot.
  await page.goto(`${overview}/feuille-de-route`);
  const started = Date.now();
  const scrolledFrom = await page.evaluate(() => window.scrollY);
  const row = page.locator('table.roadmap-overview tbody tr').nth(1);
  const rowTitle = await row.locator('input[name="title"]').getAttribute('id');
  await page.focus(`#${rowTitle}`);
  let tableKeys = 0;
  await page.keyboard.press('Control+A'); tableKeys++;
  await page.keyboard.type('Données ouvertes au quotidien'); tableKeys++;
  await page.keyboard.press('Tab'); tableKeys++;
  await page.keyboard.type('Adjointe à la transparence'); tableKeys++;
  await page.keyboard.press('Tab'); tableKeys++;
  await page.keyboard.type('Direction de la donnée'); tableKeys++;
  await Promise.all([page.waitForURL(/feuille-de-route\?enregistre=1#chantiers-tableau$/), page.keyboard.press('Enter')]);
  tableKeys++;
  const scrolled = await page.evaluate((from) => Math.abs(window.scrollY - from), scrolledFrom);
  const saved = page.locator('table.roadmap-overview tbody tr').nth(1);
  assert.equal(await saved.locator('input[name="title"]').inputValue(), 'Données ouvertes au quotidien');
  assert.equal(await saved.locator('input[name="pilot"]').inputValue(), 'Direction de la donnée');
  assert.match(await page.textContent('main [role="status"]'), /Modification enregistrée/);
  console.log(`roadmap table: rename + élu + pilot in ${tableKeys} key presses and text entries, ${Date.now() - started} ms of script time, ${scrolled} px scrolled before saving`);
  await capture(page, 'roadmap');

  await page.goto(overview);
  await capture(page, 'assessment-overview');
  await page.getByRole('button', { name: 'Soumettre pour relecture' }).click();
  await page.getByText('En relecture').first().waitFor();
  // Publishing asks first: what freezes, who will read it.
  await page.locator('details.publish summary').click();
  assert.match(await page.textContent('details.publish'), /fige le diagnostic/);
  assert.deepEqual(await accessibilityViolations(page), [], 'the publication confirmation');
  await capture(page, 'assessment-publish-confirm');
  await Promise.all([page.waitForURL(/\/rapports\/\d+$/), page.getByRole('button', { name: 'Oui, publier le rapport' }).click()]);
  state.report = page.url();
  assert.match(await page.textContent('h1'), /Annecy/);
  assert.ok(await page.isVisible('#radar-axes'));
  assert.ok(await page.isVisible('#gantt'));
  assert.match(await page.textContent('section.roadmap'), /Chantier au clavier/);
  await context.close();
});

test('journey 2: an élu reads their territory\u2019s report, prints it, and cannot open another', async () => {
  const { context, page } = await signedIn(browser, app.url, USERS.elu);
  await capture(page, 'home-elu');
  assert.match(await page.textContent('main'), /Valence/);
  assert.doesNotMatch(await page.textContent('main'), /Annecy/);
  assert.equal(await page.locator('nav a[href="/territoires"]').count(), 0, 'no consultant navigation');

  // The territory's reports, newest first, dated in words, with the framework version; the
  // latest is marked, and "Vos territoires" leads to them.
  assert.equal(await page.getAttribute('ul.followed a', 'href'), await page.locator('section h2[id^="territoire-"]').first().evaluate((h) => `#${h.id}`));
  const reports = page.locator('ol.reports-of-territory > li');
  assert.ok((await reports.count()) >= 2, 'the demo publishes Valence twice');
  const first = await reports.first().textContent();
  assert.match(first, /Rapport publié le \d{1,2} \p{L}+ \d{4}/u);
  assert.match(first, /Le plus récent/);
  assert.match(first, /référentiel v2/);
  assert.doesNotMatch(await reports.nth(1).textContent(), /Le plus récent/);
  assert.doesNotMatch(await page.textContent('main'), /chromium|--missing/i, 'no operator message');
  await reports.first().locator('a').click();
  await page.waitForURL(/\/rapports\/\d+$/);
  // On a phone: nothing wider than the screen, chart text at 11 px or more.
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(page.url());
  const layout = await phone.evaluate(() => {
    const small = [];
    for (const t of document.querySelectorAll('svg.chart text')) {
      const svg = t.ownerSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const px = parseFloat(t.getAttribute('font-size')) * scale;
      if (px < 10.95) small.push(`${svg.id}: ${px.toFixed(1)} px`);
    }
    return { width: document.documentElement.scrollWidth, small: [...new Set(small)] };
  });
  assert.equal(layout.width, 390, 'no element of the report is wider than the screen');
  assert.deepEqual(layout.small, [], 'chart text is at least 11 px');
  await phone.screenshot({ path: path.join(out, 'screenshots', 'report-phone.png') });
  await phone.close();
  assert.doesNotMatch(await page.textContent('main'), /chromium|--missing/i, 'no operator message on the report');
  assert.ok(await page.isVisible('#synthese'));
  assert.ok(await page.isVisible('#radar-axes'));
  assert.ok(await page.isVisible('#radar-dimensions'));
  assert.match(await page.textContent('#synthese ~ .overall, .overall'), /\d,\d \/ 4/);
  await capture(page, 'report');

  // On a tablet: the page reads at 768 pixels, the priorities and the roadmap included.
  await page.setViewportSize({ width: 768, height: 1024 });
  assert.ok(await page.isVisible('section.brief'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the report is ${overflow}px wider than a tablet`);
  await page.screenshot({ path: path.join(out, 'screenshots', 'report-tablet.png'), fullPage: false });
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('.site-header'), false, 'no navigation in print');
  assert.ok(await page.isVisible('#radar-axes'));
  await page.screenshot({ path: path.join(out, 'screenshots', 'report-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // Another territory's report (the consultant's, journey 1): the 404 page.
  const response = await page.goto(state.report ?? '/rapports/999999');
  assert.equal(response.status(), 404);
  assert.match(await page.textContent('h1'), /Page introuvable/);
  await capture(page, 'not-found');
  await context.close();
});

test('journey 3: two consultants edit one answer; the second sees the conflict and nothing is lost', async () => {
  const first = await signedIn(browser, app.url, USERS.consultant);
  const second = await signedIn(browser, app.url, USERS.other);
  // A new round of Annecy (the first one is published).
  await first.page.goto(state.assessment);
  const profile = await first.page.getAttribute('nav.breadcrumb a[href^="/territoires/"]:not([href="/territoires"])', 'href');
  await first.page.goto(`${profile}/evaluations/nouvelle`);
  await Promise.all([first.page.waitForURL(/\/evaluations\/\d+$/), first.page.getByRole('button', { name: /Commencer/ }).click()]);
  const env = `${first.page.url()}/ENV`;
  await first.page.goto(env);
  await second.page.goto(env);

  await first.page.focus('#ENV-1-level-0');
  await first.page.keyboard.press('ArrowRight'); // 1
  await first.page.keyboard.press('ArrowRight'); // 2
  await settled(first.page);
  assert.match(await first.page.textContent('#ENV-1-state'), /Enregistré/);

  // The second page still holds version 1.
  await second.page.focus('#ENV-1-level-0');
  for (let i = 0; i < 3; i += 1) await second.page.keyboard.press('ArrowRight'); // 3
  await settled(second.page);
  const conflict = await second.page.textContent('#ENV-1-state');
  assert.match(conflict, /Modifié entre-temps/);
  assert.match(conflict, /Niveau de maturité\s*3\s*2/, 'both values are shown side by side');
  assert.match(conflict, new RegExp(USERS.consultant.replace('.', '\\.')), 'the other author is named');
  await second.page.screenshot({ path: path.join(out, 'screenshots', 'conflict.png'), fullPage: false });

  await second.page.getByRole('button', { name: 'Garder ma saisie' }).click();
  await settled(second.page);
  assert.match(await second.page.textContent('#ENV-1-state'), /Enregistré/);
  await first.page.reload();
  assert.ok(await first.page.isChecked('#ENV-1-level-3'), 'the kept input is stored');

  // Taking the stored value instead puts it back in the form.
  await first.page.focus('#ENV-2-level-0');
  await first.page.keyboard.press('Space'); // 0
  await settled(first.page);
  await second.page.focus('#ENV-2-level-0');
  await second.page.keyboard.press('ArrowRight'); // 1 on a stale version
  await settled(second.page);
  await Promise.all([
    second.page.waitForResponse((r) => r.url().endsWith('/reponses/ENV-2')),
    second.page.getByRole('button', { name: 'Reprendre la valeur enregistrée' }).click(),
  ]);
  // The stored level is put back in the form once the answer is swapped in.
  await second.page.waitForFunction(() => document.querySelector('#ENV-2-level-0').checked, null, { timeout: 5000 });
  assert.match(await second.page.textContent('#ENV-2-state'), /Enregistré/);
  await first.context.close();
  await second.context.close();
});

test('journey 6: on a phone, every keystroke is kept: a refused field, typing, leaving, a stale tab', async () => {
  const { context, page } = await signedIn(browser, app.url, USERS.consultant, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  // A fresh round of Annecy.
  await page.goto(state.assessment);
  const profile = await page.getAttribute('nav.breadcrumb a[href^="/territoires/"]:not([href="/territoires"])', 'href');
  await page.goto(`${profile}/evaluations/nouvelle`);
  await Promise.all([page.waitForURL(/\/evaluations\/\d+$/), page.getByRole('button', { name: /Commencer/ }).click()]);
  const section = `${page.url()}/GOV`;
  await page.goto(section);
  assert.match(await page.textContent('#page-status'), /Enregistrement automatique/, 'the page says how it saves');

  // A target below the level is refused; the evidence typed with it is stored all the same.
  await page.focus('#GOV-1-level-0');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight'); // 3
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab'); // importance → target
  assert.equal(await page.evaluate(() => document.activeElement.id), 'GOV-1-target');
  await page.keyboard.press('ArrowDown'); // 0: below the level
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'GOV-1-evidence');
  await page.keyboard.press('Control+A'); // the round carried the previous evidence
  await page.keyboard.type('Feuille de route votée le 12 mars ; annexe budgétaire.');
  await page.keyboard.press('Tab');
  await settled(page);
  const status = await page.textContent('#page-status');
  assert.match(status, /1 champ non enregistré/, status);
  assert.match(status, /GOV-1, Niveau cible/, status);
  assert.equal(await page.getAttribute('#page-status a', 'href'), '#GOV-1-target');
  assert.match(await page.textContent('#GOV-1-target-error'), /ne peut pas être inférieur/);

  // Typing is saved while typing (after a pause), without leaving the field.
  await page.focus('#GOV-2-evidence');
  await page.keyboard.press('Control+A');
  const saved = page.waitForResponse((r) => r.url().endsWith('/reponses/GOV-2') && r.status() === 200);
  await page.keyboard.type('Démarches en ligne : état civil et urbanisme.');
  await saved;
  await settled(page);
  assert.match(await page.textContent('#page-status'), /Enregistré à \d+ h \d\d/);

  // A stale tab of the same consultant changes only what it edited.
  const stale = await context.newPage();
  await stale.goto(section);
  await page.focus('#GOV-4-level-0');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight'); // 3, stored from the first tab
  await settled(page);
  await stale.fill('#GOV-4-evidence', 'Budget participatif annuel.');
  await Promise.all([
    stale.waitForResponse((r) => r.url().endsWith('/reponses/GOV-4') && r.status() === 200),
    stale.press('#GOV-4-evidence', 'Tab'),
  ]);
  await stale.waitForFunction(() => /Enregistré/.test(document.querySelector('#GOV-4-state').textContent), null, { timeout: 5000 });
  // The stale tab now shows the level stored meanwhile.
  await stale.waitForFunction(() => document.querySelector('#GOV-4-level-3').checked, null, { timeout: 5000 });
  await settled(stale);
  await stale.close();

  // Read back what is stored.
  await page.reload();
  assert.ok(await page.isChecked('#GOV-1-level-3'), 'the level of GOV-1 is stored');
  assert.equal(await page.inputValue('#GOV-1-evidence'), 'Feuille de route votée le 12 mars ; annexe budgétaire.');
  assert.equal(await page.inputValue('#GOV-2-evidence'), 'Démarches en ligne : état civil et urbanisme.');
  assert.ok(await page.isChecked('#GOV-4-level-3'), 'the level set in the first tab was not written back');
  assert.equal(await page.inputValue('#GOV-4-evidence'), 'Budget participatif annuel.');

  // Keyboard focus never hides under the sticky bar.
  await page.focus('#GOV-1-level-3');
  for (let i = 0; i < 42; i += 1) {
    await page.keyboard.press('Tab');
    const hidden = await page.evaluate(() => {
      const bar = document.querySelector('.sticky-actions').getBoundingClientRect();
      const focused = document.activeElement;
      if (!focused || focused.closest('.sticky-actions')) return null;
      const shown = focused.type === 'radio' && focused.labels?.[0] ? focused.labels[0] : focused;
      const box = shown.getBoundingClientRect();
      return box.bottom > bar.top + 1 && box.top < bar.bottom - 1 ? `${focused.id || focused.tagName} ${box.bottom} > ${bar.top}` : null;
    });
    assert.equal(hidden, null, `Tab stop ${i + 1} under the sticky bar`);
  }

  // Card mode and table mode, the same script: a whole section with the keyboard.
  const round = section.replace(/\/GOV$/, '');
  state.draft = round;
  await page.goto(`${round}/PEO`);
  const cards = await page.locator('fieldset.criterion > legend .code').allTextContents();
  const cardStart = Date.now();
  let cardActions = 0;
  await page.focus(`#${cards[0]}-level-0`);
  for (const [n, code] of cards.entries()) {
    cardActions += await answerWithKeyboard(page, code, { level: (n % 4) + 1, evidence: `Constat saisi en cartes n° ${n}` });
  }
  await settled(page);
  const cardMs = Date.now() - cardStart;
  console.log(`card mode: ${cards.length} criteria in ${cardActions} actions (${(cardActions / cards.length).toFixed(1)} per criterion), ${cardMs} ms of script time (${(cardMs / cards.length / 1000).toFixed(2)} s per criterion)`);

  await page.goto(`${round}/ECO/tableau`);
  await capture(page, 'assessment-table');
  const rows = await page.locator('tr.answer th .code').allTextContents();
  assert.ok(rows.length >= 4, `ECO has ${rows.length} criteria`);
  const tableStart = Date.now();
  let tableActions = 0;
  const act = async (fn) => { await fn(); tableActions += 1; };
  await page.focus(`#${rows[0]}-level`);
  for (const [n, code] of rows.entries()) {
    assert.equal(await page.evaluate(() => document.activeElement.id), `${code}-level`);
    await act(() => page.keyboard.press('Control+A'));
    await act(() => page.keyboard.type(String(n % 5)));
    await act(() => page.keyboard.press('Tab')); // importance
    await act(() => page.keyboard.press('Tab')); // target: the default
    await act(() => page.keyboard.press('Tab')); // confidence
    await act(() => page.keyboard.press('ArrowDown'));
    await act(() => page.keyboard.press('Tab')); // evidence
    await act(() => page.keyboard.press('Control+A'));
    await act(() => page.keyboard.type(`Constat tapé en tableau n° ${n}`));
    await act(() => page.keyboard.press('Tab')); // justification
    await act(() => page.keyboard.press('Tab')); // next row
  }
  await settled(page);
  const tableMs = Date.now() - tableStart;
  console.log(`table mode: ${rows.length} criteria in ${tableActions} actions (${(tableActions / rows.length).toFixed(1)} per criterion), ${tableMs} ms of script time (${(tableMs / rows.length / 1000).toFixed(2)} s per criterion)`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'the page never scrolls sideways: the table scrolls in its box');
  await page.reload();
  for (const [n, code] of rows.entries()) {
    assert.equal(await page.inputValue(`#${code}-level`), String(n % 5), `${code} level stored`);
    assert.equal(await page.inputValue(`#${code}-evidence`), `Constat tapé en tableau n° ${n}`);
  }

  // Ten rows pasted from a spreadsheet: a preview first, then saved.
  const pasted = ['GOV-5', 'GOV-6', 'ENV-1', 'ENV-2', 'ENV-3', 'PEO-1', 'PEO-2', 'LIV-1', 'LIV-2', 'LIV-3'];
  const sheet = pasted.map((code, n) => `${code}\t${(n + 1) % 5}\t2\t\tDocumenté\tCollé depuis le tableur, ligne ${n + 1}`).join('\n');
  await page.fill('#texte', sheet);
  await Promise.all([page.waitForURL(/\/coller$/), page.getByRole('button', { name: 'Voir ce qui changera' }).click()]);
  const previewRows = page.locator('.paste-preview tbody tr');
  assert.equal(await previewRows.count(), 10);
  assert.match(await page.textContent('.paste-preview'), /Collé depuis le tableur, ligne 10/);
  await capture(page, 'assessment-paste-preview');
  await Promise.all([page.waitForURL(/tableau\?colle=10$/), page.getByRole('button', { name: 'Enregistrer ces 10 lignes' }).click()]);
  assert.match(await page.textContent('main [role="status"]'), /10 critère/);
  await page.goto(`${round}/LIV/tableau`);
  assert.equal(await page.inputValue('#LIV-3-evidence'), 'Collé depuis le tableur, ligne 10');

  // Leaving while typing, before the pause: the browser asks first.
  await page.goto(section);
  await page.focus('#GOV-3-evidence');
  await page.keyboard.type('Jeux de données');
  const dialog = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.type()); d.accept(); }));
  await page.close({ runBeforeUnload: true });
  assert.equal(await dialog, 'beforeunload');
  await context.close();
});

test('journey 4: without JavaScript the section saves as a form, errors keep the input', async () => {
  const { context, page } = await signedIn(browser, app.url, USERS.consultant, { javaScriptEnabled: false });
  await page.goto('/');
  const round = await page.locator('a[href^="/evaluations/"]').first().getAttribute('href');
  await page.goto(`${round}/GOV`);
  await page.focus('#GOV-1-level-0');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.fill('#GOV-1-evidence', 'Feuille de route votée.');
  await page.check('#GOV-2-level-na');
  await page.fill('#GOV-2-evidence', 'Texte conservé');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Enregistrer la section' }).click()]);
  assert.match(await page.textContent('#erreurs'), /Justifiez pourquoi ce critère est sans objet/);
  assert.equal(await page.inputValue('#GOV-2-evidence'), 'Texte conservé');
  assert.ok(await page.isChecked('#GOV-1-level-2'), 'the valid answer is kept on the page');
  await capture(page, 'assessment-section-errors');
  await page.fill('#GOV-2-justification', 'Compétence de l\u2019agglomération.');
  await Promise.all([page.waitForURL(/enregistre=1/), page.getByRole('button', { name: 'Enregistrer la section' }).click()]);
  assert.match(await page.textContent('main'), /Section enregistrée/);
  assert.ok(await page.isChecked('#GOV-2-level-na'));
  assert.equal(await page.inputValue('#GOV-1-evidence'), 'Feuille de route votée.');
  await context.close();
});

test('journey 5: on an empty installation, the first start\u2019s link creates the administrator, who signs in', async () => {
  const empty = await startEmptyApp();
  try {
    const link = /(http:\/\/\S+\/installation\?jeton=[0-9a-f]+)/.exec(empty.log())?.[1];
    assert.ok(link, `no setup link in the log:\n${empty.log()}`);
    const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${empty.url}/connexion`);
    assert.match(await page.textContent('main'), /Aucun compte n’existe encore|Aucun compte n'existe encore/);
    await page.goto(link.replace(/^http:\/\/[^/]+/, empty.url));
    assert.equal(await page.textContent('h1'), 'Installation : premier administrateur');
    assert.deepEqual(await accessibilityViolations(page), []);
    await capture(page, 'setup');
    await page.fill('#email', 'premiere@cabinet.test');
    await page.fill('#display_name', 'Première Administratrice');
    await page.fill('#password', 'cheval-agrafe-batterie-neuf');
    await page.fill('#confirmation', 'cheval-agrafe-batterie-neuf');
    await Promise.all([page.waitForURL(`${empty.url}/`), page.getByRole('button', { name: 'Créer le compte administrateur' }).click()]);
    await page.getByRole('button', { name: /Se déconnecter/ }).click();
    await page.waitForURL(/\/connexion/);
    await page.fill('#email', 'premiere@cabinet.test');
    await page.fill('#password', 'cheval-agrafe-batterie-neuf');
    await Promise.all([page.waitForURL(`${empty.url}/`), page.press('#password', 'Enter')]);
    await page.goto(`${empty.url}/admin/utilisateurs`);
    assert.match(await page.textContent('main'), /premiere@cabinet\.test/);
    const reused = await page.goto(link.replace(/^http:\/\/[^/]+/, empty.url));
    assert.equal(reused.status(), 404, 'the link works only once');
    await context.close();
  } finally {
    await empty.stop();
  }
});

test('every page type has no WCAG 2.1 A/AA violation (axe-core)', async () => {
  const anonymous = await browser.newContext({ baseURL: app.url, bypassCSP: true });
  const page = await anonymous.newPage();
  const pages = [];
  await page.goto('/connexion');
  await capture(page, 'sign-in');
  pages.push(['sign-in', page]);
  const failures = [];
  const check = async (name, p) => {
    const violations = await accessibilityViolations(p);
    if (violations.length) failures.push(`${name}:\n  ${violations.join('\n  ')}`);
  };
  await check('sign-in', page);

  const consultant = await signedIn(browser, app.url, USERS.consultant);
  const assessment = state.assessment;
  for (const [name, url] of [
    ['home-consultant', '/'],
    ['territories', '/territoires'],
    ['territory-new', '/territoires/nouveau?q=annecy'],
    ['framework', '/referentiel'],
    ['framework-dimension', '/referentiel/MOB'],
    ['framework-v1-dimension', '/referentiel/MOB?version=1'],
    ['framework-changes', '/referentiel/changements'],
    ['assessment-overview', assessment],
    ['assessment-section', `${assessment}/MOB`],
    ['report', state.report],
    ['roadmap', `${assessment}/feuille-de-route`],
    ['brief', `${assessment}/synthese`],
    ['assessment-overview-draft', state.draft],
    ['assessment-table-draft', `${state.draft}/GOV/tableau`],
    ['brief-draft', `${state.draft}/synthese`],
    ['roadmap-draft', `${state.draft}/feuille-de-route`],
    ['followup', `${state.report}/suivi`],
    ['report-annexes', `${state.report}/annexes`],
    ['not-found', '/nulle-part'],
    ['password', '/compte/mot-de-passe'],
  ]) {
    await consultant.page.goto(url);
    if (name === 'territories') {
      const profile = await consultant.page.locator('table a').first().getAttribute('href');
      await consultant.page.goto(profile);
      await capture(consultant.page, 'territory-profile');
      await check('territory-profile', consultant.page);
      await consultant.page.goto(url);
    }
    await capture(consultant.page, name);
    await check(name, consultant.page);
  }
  // The demo's v2 round says what it carried over from its v1 round.
  await consultant.page.goto(`/territoires/${app.demo.territory}`);
  const rounds = await consultant.page
    .locator('a[href^="/evaluations/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')).filter((h) => /^\/evaluations\/\d+$/.test(h)));
  let carried = null;
  for (const round of rounds) {
    await consultant.page.goto(round);
    const link = consultant.page.locator('a[href$="/reprise"]');
    if (await link.count()) {
      carried = await link.first().getAttribute('href');
      break;
    }
  }
  assert.ok(carried, 'the demo round on framework v2 links to what it carried over');
  await consultant.page.goto(carried);
  await capture(consultant.page, 'carry-over');
  await check('carry-over', consultant.page);

  const admin = await signedIn(browser, app.url, USERS.admin);
  for (const [name, url] of [
    ['admin-users', '/admin/utilisateurs'],
    ['admin-user-new', '/admin/utilisateurs/nouveau'],
    ['admin-journal', '/admin/journal'],
    ['admin-jobs', '/admin/taches'],
  ]) {
    await admin.page.goto(url);
    await capture(admin.page, name);
    await check(name, admin.page);
  }
  const elu = await signedIn(browser, app.url, USERS.elu);
  await check('home-elu', elu.page);
  await anonymous.close();
  await consultant.context.close();
  await admin.context.close();
  await elu.context.close();
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('every dumped page is valid HTML (Nu HTML checker)', () => {
  const errors = validateHtml();
  assert.deepEqual(errors, [], errors.join('\n'));
});
