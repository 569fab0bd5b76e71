// The JSON API, for what a flow needs to arrange or look up outside the browser: a
// bearer token, a person to search for, a change the pages must then show.

import assert from 'node:assert/strict';

import { PASSWORD, USERS } from './server.js';

/** A bearer token for one of USERS, from `POST /api/v1/auth/token`. */
export async function apiToken(server, who) {
  const user = typeof who === 'string' ? USERS[who] : who;
  const r = await fetch(`${server.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: PASSWORD }),
  });
  const text = await r.text();
  assert.equal(r.status, 200, `token for ${user.username}: ${r.status} ${text}`);
  return JSON.parse(text).token;
}

/** Calls the API with a bearer token; resolves with `{ status, body }`. */
export async function api(server, token, method, path, body) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, body: json };
}

/** Persons found by the API's search, as the token's user may see them. */
export async function searchPersons(server, token, q, limit = 100) {
  const r = await api(server, token, 'GET', `/persons?q=${encodeURIComponent(q)}&limit=${limit}`);
  assert.equal(r.status, 200, `search ${q}: ${JSON.stringify(r.body)}`);
  return r.body.items;
}

/** Surnames common in the demo population, several with accents. */
const SURNAMES = ['Martínez', 'Sánchez', 'Ramírez', 'Pérez', 'López', 'Gómez', 'Jiménez', 'Rodríguez', 'Hernández', 'Vásquez', 'Suárez', 'Chávez'];

/**
 * Persons in custody at `facility` whose names carry accents, found through the API
 * (at least `count`, else the test fails: the demo data changed).
 */
export async function accentedPersons(server, token, facility, count = 2) {
  const found = new Map();
  for (const surname of SURNAMES) {
    for (const p of await searchPersons(server, token, surname)) {
      if (p.facility === facility && p.in_custody && /[áéíóúñÁÉÍÓÚÑ]/.test(p.full_name)) {
        found.set(p.id, p);
      }
    }
    if (found.size >= count) break;
  }
  assert.ok(found.size >= count, `fewer than ${count} persons with accented names at ${facility}`);
  return [...found.values()];
}

/** Letters without their accents (`Martínez` → `Martinez`). */
export function withoutAccents(text) {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}
