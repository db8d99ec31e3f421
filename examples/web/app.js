// The story of libcloak, played in the page with the WebAssembly backend: Alice registers and
// makes a vault, shares it with Bob, Bob reads it on another device, a CI service account gets a
// batch of the secrets, and when Bob leaves the vault key is rotated. Each step shows what it did
// and checks its result; the browser test (bindings/js/test/browser.test.mjs) reads those checks
// from the page (li[data-step][data-status], document.body.dataset.done, window.cloakSteps).
import { load, utf8, CloakError } from '../../bindings/js/dist/index.js';

const list = document.getElementById('steps');
const steps = [];
window.cloakSteps = steps;
const text = (b) => new TextDecoder().decode(b);
const short = (b) => Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('') + '…';
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function step(id, title, fn) {
  const li = document.createElement('li');
  li.dataset.step = id;
  li.dataset.status = 'running';
  li.innerHTML = `<span class="badge"></span><span class="title"></span><pre></pre>`;
  li.querySelector('.title').textContent = title;
  list.appendChild(li);
  const t0 = performance.now();
  const record = { id, title, status: 'running', lines: [] };
  steps.push(record);
  try {
    const lines = await fn();
    record.lines = lines;
    record.status = 'ok';
    li.querySelector('pre').textContent = lines.join('\n');
  } catch (e) {
    record.status = 'fail';
    record.error = e instanceof CloakError ? `${e.name} (${e.code}): ${e.message}` : String(e && e.stack || e);
    li.querySelector('pre').textContent = record.error;
  }
  li.dataset.status = record.status;
  li.querySelector('.badge').textContent = `${record.status === 'ok' ? 'ok' : 'FAILED'} · ${(performance.now() - t0).toFixed(0)} ms`;
  if (record.status !== 'ok') throw new Error(`step ${id} failed`);
}

/** Counts animation frames while `p` runs: a frozen page would count none. */
async function whileCountingFrames(p) {
  let frames = 0;
  let on = true;
  const tick = () => { frames++; if (on) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    return { result: await p, frames: () => frames, ticks: () => ticks };
  } finally {
    on = false;
    clearInterval(timer);
  }
}

async function register(cloak, name, password) {
  const record = cloak.passwordRecordNew(); // m = 64 MiB, t = 3, p = 4
  const run = await whileCountingFrames(cloak.passwordDeriveAsync(password, record));
  const { masterKey, loginKey } = run.result;
  const identity = cloak.identityKeypair();
  const encryption = cloak.encryptionKeypair();
  const bundle = cloak.bundleCreate(identity.secretKey, encryption.publicKey);
  const server = {
    record, loginKey, bundle,
    wrappedIdentity: cloak.identityWrap(masterKey, identity.secretKey),
    wrappedEncryption: cloak.encryptionWrap(masterKey, encryption.secretKey),
  };
  const p = cloak.passwordRecordDecode(record);
  check(run.ticks() > 0, 'the page kept running during Argon2id');
  return {
    server, masterKey, identity, encryption,
    lines: [
      `${name}: Argon2id m=${p.memoryKib} KiB t=${p.iterations} p=${p.parallelism} in a worker; the page ran ${run.ticks()} timer ticks meanwhile`,
      `login key ${short(loginKey)} goes to the server; master key id ${short(cloak.keyId(masterKey))}`,
      `bundle ${cloak.textEncode(bundle).slice(0, 48)}…`,
      `fingerprint ${cloak.identityFingerprint(identity.publicKey)}`,
    ],
  };
}

async function main() {
  let cloak, alice, bob, vaultKey, vault, share, ci, batch, items, newVault;
  const server = { users: {}, secrets: {}, shares: {}, batches: {} };
  const vaultId = 'vault-prod';
  const secretsIn = { DATABASE_URL: 'postgres://app:s3cret@db/app', API_TOKEN: 'tok_123', SMTP_PASSWORD: 'hunter2' };

  await step('load', 'Load libcloak (WebAssembly)', async () => {
    cloak = await load({ backend: 'wasm' });
    check(cloak.backendName === 'wasm', 'wasm backend');
    return [`libcloak ${cloak.version.string} on ${cloak.backendName}; a share is ${cloak.sizes.shareBytes} bytes`];
  });

  await step('register-alice', 'Alice registers', async () => {
    alice = await register(cloak, 'Alice', 'correct horse battery staple');
    server.users.alice = alice.server;
    return alice.lines;
  });

  await step('register-bob', 'Bob registers', async () => {
    bob = await register(cloak, 'Bob', 'tr0ub4dor&3');
    server.users.bob = bob.server;
    return bob.lines;
  });

  await step('vault', 'Alice creates a vault and stores secrets', async () => {
    vaultKey = cloak.vaultKeyGenerate();
    vault = cloak.vaultInit(vaultKey, vaultId);
    const lines = [`vault key id ${short(vault.keyId())}`];
    for (const [name, value] of Object.entries(secretsIn)) {
      const index = vault.blindIndex(name);
      server.secrets[name] = { index, sealed: vault.sealSecret(name, utf8(value)) };
      lines.push(`${name}: sealed ${server.secrets[name].sealed.length} bytes, blind index ${short(index)}`);
    }
    server.shares.alice = cloak.shareSeal(vaultKey, vaultId, alice.encryption.publicKey, alice.identity.secretKey);
    check(text(vault.openSecret('API_TOKEN', server.secrets.API_TOKEN.sealed)) === 'tok_123', 'round trip');
    return lines;
  });

  await step('share', 'Alice shares the vault with Bob', async () => {
    const { identityPublicKey, encryptionPublicKey } = cloak.bundleVerify(server.users.bob.bundle);
    const codeAlice = cloak.identityPairCode(alice.identity.publicKey, identityPublicKey);
    const codeBob = cloak.identityPairCode(bob.identity.publicKey, alice.identity.publicKey);
    check(codeAlice === codeBob, 'both sides compute the same pair code');
    share = cloak.shareSeal(vaultKey, vaultId, encryptionPublicKey, alice.identity.secretKey);
    server.shares.bob = share;
    return [`Bob's bundle verifies; Alice and Bob compare the pair code ${codeAlice}`,
      `share ${cloak.textEncode(share).slice(0, 52)}…`];
  });

  await step('read', 'Bob signs in on a new device and reads the secrets', async () => {
    const u = server.users.bob;
    const { masterKey, loginKey } = await cloak.passwordDeriveAsync('tr0ub4dor&3', u.record);
    check(equal(loginKey, u.loginKey), 'same login key');
    const id = cloak.identityUnwrap(masterKey, u.wrappedIdentity);
    const enc = cloak.encryptionUnwrap(masterKey, u.wrappedEncryption);
    const sender = cloak.shareSender(server.shares.bob);
    check(equal(sender, alice.identity.publicKey), 'the share names Alice');
    const vk = cloak.shareOpen(server.shares.bob, vaultId, enc.publicKey, enc.secretKey, alice.identity.publicKey);
    const v = cloak.vaultInit(vk, vaultId);
    const lines = [`unwrapped identity ${short(id.publicKey)} and encryption key; share from Alice verified and opened`];
    for (const [name, value] of Object.entries(secretsIn)) {
      const got = text(v.openSecret(name, server.secrets[name].sealed));
      check(got === value, `${name} reads back`);
      lines.push(`${name} = ${got}`);
    }
    let err = null;
    try { cloak.shareOpen(server.shares.bob, 'vault-other', enc.publicKey, enc.secretKey, alice.identity.publicKey); } catch (e) { err = e; }
    check(err instanceof CloakError && err.status === 'BAD_SIGNATURE', 'a share replayed for another vault fails');
    lines.push(`the share opened as another vault: ${err.status}`);
    v.wipe();
    return lines;
  });

  await step('service-account', 'A CI service account receives a batch', async () => {
    ci = cloak.encryptionKeypair(); // generated where CI runs; only the public key travels
    const keyText = cloak.textEncode(cloak.serviceAccountPrivateExport(ci.publicKey, ci.secretKey));
    server.users.alice.wrappedAccount = cloak.serviceAccountWrap(alice.masterKey, ci.secretKey);
    const writer = cloak.batchBegin(ci.publicKey, vaultId);
    items = Object.keys(secretsIn).map((name) => writer.sealItem(name, vault.openSecret(name, server.secrets[name].sealed)).item);
    batch = writer.finish(alice.identity.secretKey);
    server.batches.ci = { batch, items };
    // The CI side: its key from the variable, Alice trusted by identity.
    const key = cloak.serviceAccountPrivateImport(cloak.textDecode(keyText));
    const reader = cloak.batchVerify(batch, key.publicKey, key.secretKey, [alice.identity.publicKey]);
    const lines = [`account key ${keyText.slice(0, 40)}… (CI variable)`, `batch of ${reader.itemCount} items, ${batch.length} bytes, signed by ${cloak.identityFingerprint(reader.signer)}`];
    for (const item of [...items].reverse()) {
      const { name, value } = reader.openItem(item);
      check(secretsIn[text(name)] === text(value), `item ${text(name)}`);
      lines.push(`item ${cloak.batchItemIndex(item)}: ${text(name)} = ${text(value)}`);
    }
    reader.wipe();
    return lines;
  });

  await step('rotation', 'Bob leaves: the vault key is rotated', async () => {
    const oldVault = vault;
    const newKey = cloak.vaultKeyGenerate();
    newVault = cloak.vaultInit(newKey, vaultId);
    const oldSealed = {};
    for (const name of Object.keys(secretsIn)) {
      oldSealed[name] = server.secrets[name].sealed;
      server.secrets[name] = { index: newVault.blindIndex(name), sealed: oldVault.resealSecret(newVault, name, oldSealed[name]) };
    }
    server.shares = { alice: cloak.shareSeal(newKey, vaultId, alice.encryption.publicKey, alice.identity.secretKey) };
    const writer = cloak.batchBegin(ci.publicKey, vaultId);
    const newItems = Object.keys(secretsIn).map((name) => writer.sealItem(name, newVault.openSecret(name, server.secrets[name].sealed)).item);
    server.batches.ci = { batch: writer.finish(alice.identity.secretKey), items: newItems };
    // Alice still reads through her new share; Bob's old key no longer opens anything.
    const mine = cloak.shareOpen(server.shares.alice, vaultId, alice.encryption.publicKey, alice.encryption.secretKey, alice.identity.publicKey);
    const v = cloak.vaultInit(mine, vaultId);
    check(text(v.openSecret('DATABASE_URL', server.secrets.DATABASE_URL.sealed)) === secretsIn.DATABASE_URL, 'Alice reads after rotation');
    let err = null;
    try { oldVault.openSecret('DATABASE_URL', server.secrets.DATABASE_URL.sealed); } catch (e) { err = e; }
    check(err instanceof CloakError && err.status === 'WRONG_KEY', 'the old key is the wrong key');
    let err2 = null;
    try { newVault.openSecret('DATABASE_URL', oldSealed.DATABASE_URL); } catch (e) { err2 = e; }
    check(err2 instanceof CloakError && err2.status === 'WRONG_KEY', 'an old blob under the new key');
    check(!equal(server.secrets.DATABASE_URL.index, oldVault.blindIndex('DATABASE_URL')), 'blind indexes changed');
    const ciReader = cloak.batchVerify(server.batches.ci.batch, ci.publicKey, ci.secretKey, [alice.identity.publicKey]);
    check(text(ciReader.openItem(newItems[1], 'API_TOKEN').value) === 'tok_123', 'CI reads its new batch');
    v.wipe(); oldVault.wipe(); ciReader.wipe();
    return [`new vault key id ${short(newVault.keyId())}; ${Object.keys(secretsIn).length} secrets resealed, blind indexes recomputed`,
      `Bob's old vault key on a new secret: ${err.status}; an old secret under the new key: ${err2.status}`,
      'Alice and the CI account read through their new share and batch'];
  });
}

main().then(
  () => {
    document.getElementById('summary').textContent = `all ${steps.length} steps passed`;
    document.body.dataset.done = 'ok';
  },
  (e) => {
    document.getElementById('summary').textContent = `failed: ${e.message}`;
    document.body.dataset.done = 'fail';
  },
);
