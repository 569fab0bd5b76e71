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

/** Today's date (`YYYY-MM-DD`) in Ecuador's mainland time, as the pages' forms read it. */
export function today(zone = 'America/Guayaquil') {
  return new Date().toLocaleDateString('en-CA', { timeZone: zone });
}

/**
 * A valid cédula (10 digits: province, a third digit below 6, the check digit of
 * Ecuador's modulo-10 rule) made from any number `n`.
 */
export function cedula(n) {
  const nine = `17${String(n % 10_000_000).padStart(7, '0')}`;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `${nine}${(10 - (sum % 10)) % 10}`;
}

/**
 * Admits a new man through `POST /api/v1/admissions` (a pretrial detention order of
 * today), unallocated unless `location_id` is given; resolves with the person's id.
 */
export async function admitByApi(server, token, { facility, given, first, second = null, born = '1990-05-01', location_id } = {}) {
  const day = today();
  const body = {
    person: {
      given_names: given,
      first_surname: first,
      second_surname: second,
      aliases: [],
      date_of_birth: born,
      sex: 'male',
      nationality: 'EC',
      languages: ['es'],
    },
    facility,
    admitted_at: new Date(Date.now() - 60_000).toISOString(),
    legal_basis: {
      kind: 'pretrial_detention_order',
      case_number: `01283-${day.slice(0, 4)}-${String(Date.now() % 100_000).padStart(5, '0')}`,
      court: 'Unidad Judicial Penal de Cuenca',
      judge: 'Dr. Pablo Vintimilla',
      issued_on: day,
      carried_out_on: day,
      offences: [{ description: 'Robo', legal_reference: 'COIP art. 189', max_penalty: { years: 7, months: 0, days: 0 } }],
    },
    arrest: { at: new Date(Date.now() - 3_600_000).toISOString(), place: 'Cuenca', authority: 'Policía Nacional' },
    injuries: { visible: [], complaints: [] },
    property: { items: [], signed_by_person: true, received_by: 'ASP de guardia' },
    emergency_contact: { name: 'Rosa Pérez', relationship: 'madre', phone: '+593 99 123 4567' },
    health_screening: { status: 'pending' },
    rights: { informed: true, language: 'es' },
    confirm_new_person: true,
    ...(location_id === undefined ? {} : { location_id }),
  };
  const r = await api(server, token, 'POST', '/admissions', body);
  assert.equal(r.status, 201, `admission of ${given} ${first}: ${JSON.stringify(r.body)}`);
  return r.body.id;
}
