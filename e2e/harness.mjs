// The application under test: the real binary on a throwaway embedded PostgreSQL (or a fresh
// database on DATABASE_URL's server), seeded through its own command line (demo report and
// accounts), then served on a free loopback port. Also the browser (Debian's Chromium driven
// by playwright-core) and helpers to save screenshots, page dumps and accessibility results.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const out = path.join(here, 'out');
const binary = path.join(process.env.CARGO_TARGET_DIR || path.join(root, 'target'), 'debug', 'territoires');

export const PASSWORD = 'cheval-agrafe-batterie';
export const USERS = {
  admin: 'admin@e2e.test',
  consultant: 'consultant@e2e.test',
  other: 'consultant2@e2e.test',
  elu: 'elu@e2e.test',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function run(args, env, input) {
  const result = spawnSync(binary, args, { env, input, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`territoires ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A fresh place for the application's data: a throwaway embedded cluster, or a new database
 * on DATABASE_URL's server; returns { env, remove }. */
function freshData(name) {
  const env = { ...process.env, RUST_LOG: 'warn' };
  if (process.env.DATABASE_URL) {
    const database = `territoires_${name.replace(/-/g, "_")}_${process.pid}`;
    const admin = process.env.DATABASE_URL;
    spawnSync('psql', [admin, '-c', `drop database if exists ${database}`, '-c', `create database ${database}`], { stdio: 'ignore' });
    const url = new URL(admin);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    return { env, remove: () => spawnSync('psql', [admin, '-c', `drop database if exists ${database}`], { stdio: 'ignore' }) };
  }
  const dataDir = fs.mkdtempSync(path.join(root, 'target', `${name}-`));
  fs.chmodSync(dataDir, 0o755);
  env.TERRITOIRES_DATA_DIR = dataDir;
  return { env, remove: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

/** Serves the application on a free port until /healthz answers; returns { url, log, stop }
 * where log() is what the server wrote on standard error so far. */
async function serve(data) {
  const port = await freePort();
  const env = { ...data.env, RUST_LOG: 'info,sqlx=warn' };
  const server = spawn(binary, ['serve', '--addr', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk) => {
    log += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null) throw new Error(`the application exited at start-up:\n${log}`);
    if (Date.now() > deadline) throw new Error('the application did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    data.remove();
  };
  return { url, log: () => log, stop };
}

/** Starts the seeded application; returns { url, demo, stop }. */
export async function startApp() {
  fs.rmSync(out, { recursive: true, force: true });
  for (const dir of ['screenshots', 'pages']) fs.mkdirSync(path.join(out, dir), { recursive: true });
  const data = freshData('e2e');
  const { env } = data;
  const demoOutput = run(['demo'], env);
  const territory = Number(/territoire (\d+)/.exec(demoOutput)[1]);
  const report = Number(/rapports\/(\d+)/.exec(demoOutput)[1]);
  run(['user', 'add', '--email', USERS.admin, '--role', 'admin'], env, `${PASSWORD}\n`);
  run(['user', 'add', '--email', USERS.consultant, '--role', 'consultant'], env, `${PASSWORD}\n`);
  run(['user', 'add', '--email', USERS.other, '--role', 'consultant'], env, `${PASSWORD}\n`);
  run(['user', 'add', '--email', USERS.elu, '--role', 'elu', '--territory', String(territory)], env, `${PASSWORD}\n`);
  const server = await serve(data);
  return { url: server.url, demo: { territory, report }, stop: server.stop };
}

/** Starts the application on an empty installation (no account, nothing seeded); returns
 * { url, log, stop }. */
export async function startEmptyApp() {
  return serve(freshData('e2e-empty'));
}

/** Debian's Chromium, headless, without background network traffic. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A browser context signed in as `email` (bypassCSP only lets axe-core be injected). */
export async function signedIn(browser, url, email, options = {}) {
  const context = await browser.newContext({ baseURL: url, bypassCSP: true, locale: 'fr-FR', ...options });
  const page = await context.newPage();
  await page.goto('/connexion');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/connexion')), page.press('#password', 'Enter')]);
  return { context, page };
}

/** Saves a full-page screenshot and the raw HTML of the current URL (for the validator). */
export async function capture(page, name) {
  await page.screenshot({ path: path.join(out, 'screenshots', `${name}.png`), fullPage: true });
  const response = await page.context().request.get(page.url());
  fs.writeFileSync(path.join(out, 'pages', `${name}.html`), await response.text());
}

const axeSource = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A/AA violations on the current page. */
export async function accessibilityViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`);
}

/** Runs the Nu HTML checker on every dumped page; returns its error messages. */
export function validateHtml() {
  const pages = fs.readdirSync(path.join(out, 'pages')).map((f) => path.join(out, 'pages', f));
  const jar = path.join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const result = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...pages], { encoding: 'utf8' });
  const report = JSON.parse(result.stderr || result.stdout || '{"messages":[]}');
  return report.messages.map((m) => `${path.basename(m.url || '')}:${m.lastLine}: ${m.message} ${m.extract ? `[${m.extract.trim()}]` : ''}`);
}

export const tmp = os.tmpdir();
