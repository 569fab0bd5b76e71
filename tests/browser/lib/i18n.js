// The interface's own Fluent catalogues, read so that tests expect the words the pages
// are meant to show (and fail when a page shows another language's).

import fs from 'node:fs';
import path from 'node:path';

import { REPO } from './server.js';

const catalogues = new Map();

function catalogue(lang) {
  if (!catalogues.has(lang)) {
    const file = path.join(REPO, 'crates', 'web', 'locales', lang, 'main.ftl');
    const messages = new Map();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = line.match(/^([a-z][a-z0-9-]*)\s*=\s*(.*)$/);
      if (m) messages.set(m[1], m[2]);
    }
    catalogues.set(lang, messages);
  }
  return catalogues.get(lang);
}

/**
 * The message `key` in `lang` (`es` or `en`), its `{ $name }` placeables filled from
 * `vars`. Only one-line messages (no plural selectors).
 */
export function t(lang, key, vars = {}) {
  const text = catalogue(lang).get(key);
  if (text === undefined || text === '') {
    throw new Error(`no one-line message ${key} in the ${lang} catalogue`);
  }
  return text.replace(/\{\s*\$([a-z_]+)\s*\}/g, (_, name) => String(vars[name] ?? ''));
}

/** Text as read by a person: without the invisible isolation marks Fluent puts around
 * the values it fills in. */
export function plain(text) {
  return text.replace(/[\u2068\u2069]/g, '');
}

/** The one-line messages of `lang` whose keys start with `prefix`, by key. */
export function messages(lang, prefix = '') {
  return new Map([...catalogue(lang)].filter(([key]) => key.startsWith(prefix)));
}
