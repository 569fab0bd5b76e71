// One server and one browser per test file: `const s = useServerAndBrowser();` at the top
// of a file gives `s.server` and `s.browser` inside its tests, started before the first
// and stopped after the last.

import { after, before } from 'node:test';

import { launchBrowser } from './browser.js';
import { startServer } from './server.js';

/** Seeding the demo database (the first file of a run, in a debug build) takes a minute
 * or two; anything slower is stuck. */
const START_TIMEOUT = 15 * 60_000;

export function useServerAndBrowser() {
  const s = {};
  before(async () => {
    s.server = await startServer();
    s.browser = await launchBrowser();
  }, { timeout: START_TIMEOUT });
  after(async () => {
    await s.browser?.close();
    await s.server?.stop();
  }, { timeout: 60_000 });
  return s;
}
