// Drives the demo page (examples/web/) in headless Chromium (Debian's, through playwright-core):
// every step of the story must report ok in the page, with its own checks; the page must load the
// WebAssembly backend and run Argon2id in a worker, and run the story on X-Wing keys (members and
// the service account), naming each key's suite. Saves a screenshot.
//   CHROMIUM (default /usr/bin/chromium), SCREENSHOT (default test-results/web-demo.png)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';

const root = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const screenshot = process.env.SCREENSHOT ?? new URL('../test-results/web-demo.png', import.meta.url).pathname;
const STEPS = ['load', 'register-alice', 'register-bob', 'vault', 'share', 'read', 'service-account', 'rotation', 'server'];

describe('the demo page in headless Chromium', () => {
  let server, browser, profile, page;
  const errors = [];

  before(async () => {
    assert.ok(existsSync(executablePath), `${executablePath} is missing (apt-get install chromium)`);
    server = await serve(root);
    profile = mkdtempSync(join(tmpdir(), 'cloak-chromium-'));
    // A fresh profile directory (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: { width: 1100, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('plays every step and each one checks out', async () => {
    const { port } = server.address();
    await page.goto(`http://127.0.0.1:${port}/examples/web/index.html`);
    await page.waitForFunction(() => document.body.dataset.done, null, { timeout: 120000 });
    const done = await page.evaluate(() => document.body.dataset.done);
    const steps = await page.evaluate(() => window.cloakSteps);
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    for (const s of steps) console.log(`${s.status.padEnd(4)} ${s.id}: ${s.title}${s.error ? ' -- ' + s.error : ''}`);
    console.log(`screenshot: ${screenshot}`);
    assert.deepEqual(errors, []);
    assert.equal(done, 'ok');
    assert.deepEqual(steps.map((s) => s.id), STEPS);
    for (const s of steps) assert.equal(s.status, 'ok', `${s.id}: ${s.error}`);
    // What the page shows agrees with what it recorded.
    const shown = await page.$$eval('li[data-step]', (lis) => lis.map((li) => [li.dataset.step, li.dataset.status]));
    assert.deepEqual(shown, STEPS.map((id) => [id, 'ok']));
    const text = await page.textContent('#steps');
    assert.match(text, /DATABASE_URL = postgres:\/\/app:s3cret@db\/app/);
    assert.match(text, /in a worker; the page ran \d+ timer ticks meanwhile/);
    assert.match(text, /WRONG_KEY/);
    // A real head chain: version 1 with a roster and a Merkle root, the batch bound to a head.
    assert.match(text, /head v1 \(epoch 1, \d+ bytes\): roster of 1 admin, Merkle root [0-9a-f]{16}… over 3 secrets/);
    assert.match(text, /bound to head v3 [0-9a-f]{16}…, epoch 1, expires /);
    // X-Wing keys throughout, each named with its suite; the rotation makes the vault post-quantum only.
    const X = 'X-Wing \\(ML-KEM-768 \\+ X25519\\)';
    assert.match(text, new RegExp(`new keys are ${X} keys; a share is 1288 bytes \\(200 to an X25519 key\\)`));
    assert.match(text, new RegExp(`Alice's encryption key: ${X}, 1216-byte public key`));
    assert.match(text, new RegExp(`Bob's encryption key: ${X}, 1216-byte public key`));
    assert.match(text, new RegExp(`Bob's bundle verifies \\(encryption key: ${X}\\)`));
    assert.match(text, new RegExp(`account key \\(${X}\\) cloak-`));
    assert.match(text, /head v4: epoch 2, new vault key id [0-9a-f]{16}…, Bob removed, post-quantum only/);
    // Each thing the server can still try is refused, with its own status (the page checks the
    // status itself; these lines are what it shows).
    const refusals = {
      'the pre-rotation share': 'STALE', 'the pre-rotation batch': 'STALE', 'a batch of another vault': 'MISMATCH',
      'a rolled-back API_TOKEN': 'MISMATCH', 'DATABASE_URL omitted': 'MISMATCH', 'head v4 served to a device at v5': 'STALE',
      'head v4 to a fresh device pinned at v5': 'STALE', 'a forked v6': 'MISMATCH', 'v6 signed by Bob, removed at v4': 'UNTRUSTED_SIGNER',
      'head v5 after its expiry': 'EXPIRED',
      'an X25519 bundle served for Alice (a downgrade)': 'POLICY', 'an X25519 share handed to Alice': 'POLICY',
    };
    const serverLines = steps.find((s) => s.id === 'server').lines;
    for (const [what, status] of Object.entries(refusals)) {
      const line = serverLines.find((l) => l.startsWith(what));
      assert.ok(line, `the page shows no line for ${what}`);
      assert.ok(line.endsWith(`: ${status}`), `${line} (wanted ${status})`);
    }
  });
});
