// A Custodia server for the browser tests: the `custodia` binary (CUSTODIA_BIN, else
// target/debug/custodia) serving a copy of a seeded demo database on a free loopback port.
//
// Seeding the Ecuador 2023 demo takes tens of seconds in a debug build, so the seeded
// database (with the test users below) is built once per binary and kept under
// target/browser-fixture/; each test file serves its own copy, so nothing one file
// changes is seen by another.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where screenshots, accessibility reports and performance figures go. */
export const OUTPUT = path.join(REPO, 'target', 'browser-output');

/** Every test user's password (12+ characters, not a common one). */
export const PASSWORD = 'Prueba-navegador-2026';

/**
 * The users the tests sign in as, created in the seeded database. Add one here (and bump
 * FIXTURE_VERSION) when a flow needs another role.
 */
export const USERS = {
  officer: { username: 'oficial.turi', role: 'facility-officer', facility: 'CPL-AZ-1' },
  director: { username: 'director.turi', role: 'facility-director', facility: 'CPL-AZ-1' },
  operations: { username: 'operaciones', role: 'national-operations' },
  analyst: { username: 'analista', role: 'intelligence-analyst' },
  admin: { username: 'admin.nacional', role: 'national-admin' },
  // The destination of the transfer flows: an officer of Pichincha N° 1, who receives.
  receiver: { username: 'oficial.quito', role: 'facility-officer', facility: 'CPL-PI-1' },
};

/** The facility the officer works at, and one out of their reach. */
export const HOME_FACILITY = 'CPL-AZ-1';
export const OTHER_FACILITY = 'CPL-GY-1';

/** Bump when USERS or the seeding changes, so that a stale fixture is rebuilt. */
const FIXTURE_VERSION = 2;

/** How much of the 2023 population the demo admits (1: about 21,000 persons). */
const DEMO_SCALE = process.env.CUSTODIA_DEMO_SCALE ?? '1';

/** The `custodia` binary under test. */
export function custodiaBin() {
  const bin = path.resolve(process.env.CUSTODIA_BIN ?? path.join(REPO, 'target', 'debug', 'custodia'));
  if (!fs.existsSync(bin)) {
    throw new Error(
      `no custodia binary at ${bin}: build it (cargo build -p custodia) or set CUSTODIA_BIN`,
    );
  }
  return bin;
}

/** Runs `custodia args…`, feeding `input` on standard input; resolves with its output. */
export function runCustodia(args, { input, env } = {}) {
  const bin = custodiaBin();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`custodia ${args.join(' ')} exited with ${code}\n${stdout}\n${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The SQLite files of a closed database: the file and its write-ahead log, if any (the
 * shared-memory index is rebuilt from them on opening). */
function databaseFiles(dir) {
  return fs.readdirSync(dir).filter((f) => /^custodia\.db(-wal)?$/.test(f));
}

async function buildFixture(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const db = `sqlite://${path.join(dir, 'custodia.db')}`;
  const started = Date.now();
  await runCustodia(['seed', '--db', db, '--demo-scale', DEMO_SCALE]);
  for (const u of Object.values(USERS)) {
    const args = ['user', 'add', '--db', db, '--username', u.username, '--role', u.role];
    if (u.facility) args.push('--facility', u.facility);
    args.push('--password-stdin');
    await runCustodia(args, { input: `${PASSWORD}\n` });
  }
  return Date.now() - started;
}

/**
 * The directory of the seeded database for this binary, built on first use. Concurrent
 * test files wait for the one building it (a lock directory beside it).
 */
export async function seededFixture() {
  const bin = custodiaBin();
  const st = fs.statSync(bin);
  // The demo's staff rosters are those of the day it was seeded (on duty from 19:00 the
  // evening before to 07:00 the morning after): a fixture of an earlier day has nobody on
  // duty now, so each day has its own.
  const day = new Date().toLocaleDateString('en-CA', { timeZone: 'America/Guayaquil' });
  const key = createHash('sha256')
    .update(`${bin}:${st.size}:${st.mtimeMs}:${DEMO_SCALE}:${FIXTURE_VERSION}:${day}`)
    .digest('hex')
    .slice(0, 16);
  const root = path.join(REPO, 'target', 'browser-fixture');
  const ready = path.join(root, key);
  const lock = `${ready}.lock`;
  fs.mkdirSync(root, { recursive: true });
  for (;;) {
    if (fs.existsSync(path.join(ready, 'READY'))) return ready;
    try {
      fs.mkdirSync(lock);
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // Someone else is seeding; a lock older than 15 minutes is a crashed run's.
      const age = Date.now() - fs.statSync(lock).mtimeMs;
      if (age > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      // Fixtures of older binaries only take space: keep the two newest besides this one.
      const older = fs
        .readdirSync(root)
        .filter((f) => !f.endsWith('.lock') && f !== key)
        .map((f) => ({ f, at: fs.statSync(path.join(root, f)).mtimeMs }))
        .sort((a, b) => b.at - a.at)
        .slice(2);
      for (const { f } of older) fs.rmSync(path.join(root, f), { recursive: true, force: true });
      fs.rmSync(ready, { recursive: true, force: true }); // a crashed run's half-built one
      const ms = await buildFixture(ready);
      fs.writeFileSync(path.join(ready, 'READY'), `seeded in ${ms} ms\n`);
      console.log(`# seeded the demo database in ${(ms / 1000).toFixed(1)} s (${ready})`);
      return ready;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A private copy of the seeded database in a new temporary directory. */
export async function freshDatabase() {
  const fixture = await seededFixture();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodia-browser-'));
  for (const f of databaseFiles(fixture)) fs.copyFileSync(path.join(fixture, f), path.join(dir, f));
  return { dir, url: `sqlite://${path.join(dir, 'custodia.db')}` };
}

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `custodia serve` on a copy of the seeded database and waits until it answers.
 * Resolves with `{ url, stop(), serverMillis(requestId), log }`.
 */
export async function startServer({ database } = {}) {
  const db = database ?? (await freshDatabase());
  const child = spawn(
    custodiaBin(),
    ['serve', '--db', db.url, '--listen', '127.0.0.1:0', '--log-format', 'json'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info,sqlx=warn' } },
  );
  running.add(child);
  const log = [];
  const millis = new Map();
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    running.delete(child);
  });
  const address = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`custodia serve exited (${code}) before listening:\n${log.join('\n')}`)));
  });
  let pending = '';
  child.stderr.on('data', (d) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      log.push(line);
      if (log.length > 5000) log.shift();
      try {
        const e = JSON.parse(line);
        if (e.request_id && typeof e.millis === 'number') millis.set(e.request_id, e.millis);
      } catch {
        // not JSON: keep it in the log only
      }
    }
  });
  const url = await address;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not yet
    }
    if (i > 200) throw new Error(`custodia serve at ${url} never answered /healthz`);
    await sleep(50);
  }
  return {
    url,
    log,
    /** The server's own time for a request (from its log line), in ms, once logged. */
    async serverMillis(requestId) {
      for (let i = 0; i < 100 && !millis.has(requestId); i++) await sleep(5);
      return millis.get(requestId);
    },
    /** Stops the server and removes its database copy. */
    async stop() {
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(timer);
      }
      if (!database) fs.rmSync(db.dir, { recursive: true, force: true });
    },
  };
}
