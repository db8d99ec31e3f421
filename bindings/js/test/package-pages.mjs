// Plays the demo page (examples/web: index.html, app.js, story.js) as bundlers built it from the
// packed npm package, in headless Chromium (Debian's, through playwright-core), for
// tests/dist/npm-package.sh:
//   node package-pages.mjs NAME=DIR[?QUERY] ...
// serves each DIR alone on 127.0.0.1, opens index.html (with ?QUERY: app.js passes wasm= and
// worker= to load() as explicit URLs), and checks that every step of the story reports ok, that
// Argon2id ran in the worker, that the page raised no error, and that the .wasm and the worker came
// from DIR (the paths served). Exits non-zero on any failure. CHROMIUM: default /usr/bin/chromium.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';

const STEPS = ['load', 'register-alice', 'register-bob', 'vault', 'share', 'read', 'service-account', 'rotation', 'server'];
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'cloak-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = false;
try {
  for (const arg of process.argv.slice(2)) {
    const [name, spec] = arg.split(/=(.*)/s);
    const [dir, query] = spec.split('?');
    const served = [];
    const server = await serve(dir, 0, (p) => served.push(p));
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const t0 = Date.now();
    try {
      await page.goto(`http://127.0.0.1:${server.address().port}/index.html${query ? `?${query}` : ''}`);
      await page.waitForFunction(() => document.body.dataset.done, null, { timeout: 180000 });
      const done = await page.evaluate(() => document.body.dataset.done);
      const steps = await page.evaluate(() => window.cloakSteps);
      for (const s of steps.filter((x) => x.status !== 'ok')) console.log(`  FAIL ${s.id}: ${s.error}`);
      assert.deepEqual(errors, [], 'page errors');
      assert.equal(done, 'ok');
      assert.deepEqual(steps.map((s) => [s.id, s.status]), STEPS.map((id) => [id, 'ok']));
      const all = steps.flatMap((s) => s.lines).join('\n');
      assert.match(all, /on wasm; new keys are X-Wing/);
      assert.match(all, /in a worker; the page ran [1-9]\d* timer ticks meanwhile/);
      const wasm = served.filter((p) => p.endsWith('.wasm'));
      const workers = served.filter((p) => /worker/i.test(p) && p.endsWith('.js'));
      assert.equal(wasm.length, 1, `one .wasm fetched (${served.join(' ')})`);
      assert.ok(workers.length >= 1, `a worker script fetched (${served.join(' ')})`);
      console.log(`ok: ${name}: all ${steps.length} steps of the story in Chromium in ${((Date.now() - t0) / 1000).toFixed(1)} s; `
        + `.wasm ${wasm[0]}, worker ${workers.join(', ')} from ${dir}`);
    } catch (e) {
      failed = true;
      console.log(`FAIL: ${name}: ${e?.message ?? e} (served: ${served.join(' ')})`);
    } finally {
      await page.close();
      server.close();
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
