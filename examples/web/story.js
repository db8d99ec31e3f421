// The story of libcloak, played over the library's module: Alice registers (an account secret key
// for her emergency kit, mixed into her password's keys and never sent) and makes a vault under a
// signed head (its roster and a Merkle root over the secrets), shares it with Bob, Bob reads it on
// another device (his password and the kit he types; a server's cheap or ruinous password record is
// refused before any Argon2id work) after walking the chain of heads, a CI service account gets a
// batch bound to a head, Bob leaves and the vault key is rotated (the vault becoming post-quantum
// only), and finally the server tries what it still can (an old share, an old batch, another
// vault's batch, a downgrade to an X25519 key, a rolled-back or omitted secret, an old head, a
// forked head) and each one is refused. Every encryption key (the members' and the service
// account's) is an X-Wing key, ML-KEM-768 + X25519, the library's default; the story names each
// key's suite. Shares and batches are checked against the verified head before sealing and after
// receiving (the `against` option), so a key the roster does not name is never used.
//
// playStory({ lib, step, backend, expect, options }) runs it over `lib` (the module: load, utf8,
// CloakError, Suite, VaultPolicy) on the backend named ('auto': load()'s choice) with load()'s
// other `options`, checking that the backend is `expect`, reporting through `step(id, title, fn)`, which runs `fn` and
// shows the lines it returns; each step checks its own results and throws on a failed check.
// app.js plays it in the demo page (WebAssembly, Argon2id in a worker), node-story.mjs under Node
// (the npm package's test, tests/dist/npm-package.sh, plays both from the packed package).

// The library's classes and constants, from the module playStory() is given.
let CloakError;
let Suite;

const text = (b) => new TextDecoder().decode(b);
const short = (b) => Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('') + '…';
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

/** Counts animation frames and timer ticks while `p` runs: a frozen page would count none. */
async function whileCountingFrames(p) {
  let frames = 0;
  let on = true;
  // Animation frames in a page; under Node the timer alone tells that the event loop ran.
  const raf = globalThis.requestAnimationFrame;
  const tick = () => { frames++; if (on) raf(tick); };
  if (raf) raf(tick);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    return { result: await p, frames: () => frames, ticks: () => ticks };
  } finally {
    on = false;
    clearInterval(timer);
  }
}

/** Bytes compared as unsigned, first byte first (the order of blind indexes and roster keys). */
function compareBytes(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Runs `fn`, which must throw a CloakError of `status`; returns that status for the page. */
/** A suite as the page names it. */
const suiteName = (suite) => (suite === Suite.XWING ? 'X-Wing (ML-KEM-768 + X25519)' : 'X25519');

function refused(fn, status, what) {
  let err = null;
  try { fn(); } catch (e) { err = e; }
  check(err instanceof CloakError, `${what}: refused with a CloakError (got ${err})`);
  check(err.status === status, `${what}: ${status} expected, got ${err.status}`);
  return err.status;
}

/**
 * Registration. The account id is the normalised login: the server cannot pick another per victim,
 * and the salt is bound to it. The secret key is made here and never sent; its text, with the
 * account id, is the emergency kit a new device types. The policy is the library's default, passed
 * explicitly: a record the server serves later must pass it.
 */
async function register(cloak, name, login, password) {
  const record = cloak.passwordRecordNew(); // m = 64 MiB, t = 3, p = 4
  const secretKey = cloak.accountSecretKeyGenerate();
  const kit = cloak.accountSecretKeyEncode(secretKey, login);
  const policy = cloak.passwordPolicyDefault();
  const run = await whileCountingFrames(cloak.passwordDeriveAsync(password, record, { accountId: login, secretKey, policy }));
  const { masterKey, loginKey } = run.result;
  const identity = cloak.identityKeypair();
  const encryption = cloak.encryptionKeypair(); // X-Wing, the default
  check(encryption.suite === Suite.XWING, 'a new encryption key is an X-Wing key');
  const bundle = cloak.bundleCreate(identity.secretKey, encryption.publicKey);
  const server = {
    record, loginKey, bundle,
    wrappedIdentity: cloak.identityWrap(masterKey, identity.secretKey),
    wrappedEncryption: cloak.encryptionWrap(masterKey, encryption),
  };
  const p = cloak.passwordRecordDecode(record);
  check(run.ticks() > 0, 'the page kept running during Argon2id');
  return {
    server, masterKey, identity, encryption, login, kit,
    lines: [
      `${name}'s emergency kit: account ${login}, secret key ${kit} (printed; never sent to the server)`,
      `${name}: Argon2id m=${p.memoryKib} KiB t=${p.iterations} p=${p.parallelism} in a worker; the page ran ${run.ticks()} timer ticks meanwhile`,
      `login key ${short(loginKey)} goes to the server; master key id ${short(cloak.keyId(masterKey))}`,
      `${name}'s encryption key: ${suiteName(encryption.suite)}, ${encryption.publicKey.length}-byte public key, id ${short(cloak.encryptionKeyId(encryption.publicKey))}`,
      `bundle (${bundle.length} bytes) ${cloak.textEncode(bundle).slice(0, 48)}…`,
      `fingerprint ${cloak.identityFingerprint(identity.publicKey)}`,
    ],
  };
}

export async function playStory({ lib, step, backend = 'wasm', expect = backend, options = {} }) {
  ({ CloakError, Suite } = lib);
  const { load, utf8, VaultPolicy } = lib;
  let cloak, alice, bob, vaultKey, vault, share, ci, newVault;
  // The server stores everything and is trusted with nothing: the heads in order, the sealed
  // secrets by name (with their blind index), the shares, the batches.
  const server = { users: {}, secrets: {}, shares: {}, batches: {}, heads: [] };
  const vaultId = 'vault-prod';
  // Heads (and the batches made from them) are valid for a day: a client with no memory of earlier
  // heads can be kept on an old one for at most that long.
  const expiry = Math.floor(Date.now() / 1000) + 86400;
  const secretsIn = { DATABASE_URL: 'postgres://app:s3cret@db/app', API_TOKEN: 'tok_123', SMTP_PASSWORD: 'hunter2' };
  const kept = {}; // what the server could replay later: old shares, heads, batches, blobs

  // The Merkle leaves of a set of stored secrets, sorted by blind index as the tree requires.
  const leavesOf = (secrets) => Object.values(secrets).map((s) => cloak.merkleLeaf(s.index, s.sealed))
    .sort((a, b) => compareBytes(a.subarray(0, 32), b.subarray(0, 32)));
  // What the server answers with a secret: its blob and a proof that its leaf is in the tree.
  const fetchSecret = (name) => {
    const { index, sealed } = server.secrets[name];
    const leaves = leavesOf(server.secrets);
    const at = leaves.findIndex((l) => equal(l.subarray(0, 32), index));
    return { sealed, proof: cloak.merkleProveInclusion(leaves, at) };
  };
  // A client reads a secret only after checking it against the head it verified.
  const openSecret = (head, v, name) => {
    const { sealed, proof } = fetchSecret(name);
    head.verifyInclusion(cloak.merkleLeaf(v.blindIndex(name), sealed), proof);
    return v.openSecret(name, sealed);
  };
  const readSecret = (head, v, name) => text(openSecret(head, v, name));
  // Roster entries name each member's and the service account's current encryption key: its suite
  // and key id (docs/protocol.md 10.2), which the head checks hold shares and batches to.
  const sortRoster = (entries) => cloak.rosterSort(entries);
  const member = (who, permissions) => cloak.memberEntry(permissions, who.identity.publicKey, who.encryption.publicKey);
  const account = (publicKey) => cloak.serviceAccountEntry(publicKey);
  let WRITE, ADMIN; // permission bits, from the library once loaded

  /**
   * A writer's change: the next head over the server's current secrets, signed by `signer` and
   * chained to `base` (the writer's last verified head; none for version 1). The writer verifies its
   * own head as every reader will, and returns it with its bytes.
   */
  const signHead = (signer, base, epoch, vaultKeyId, roster, policy = 0) => {
    const leaves = leavesOf(server.secrets);
    const blob = cloak.headCreate(vaultId, epoch, vaultKeyId, base ? base.version + 1n : 1n,
      base ? base.hash : new Uint8Array(32), expiry, cloak.merkleRoot(leaves), leaves.length, policy, roster, signer.identity.secretKey);
    const head = base ? base.verifyNext(blob) : cloak.headVerifyFirst(blob, vaultId, [signer.identity.publicKey]);
    return { blob, head };
  };
  /** Alice's change, stored: the store takes a head only as the successor of the one it holds. */
  const publish = (epoch, vaultKeyId, roster, policy = 0) => {
    const { blob, head } = signHead(alice, alice.head, epoch, vaultKeyId, roster, policy);
    check(head.version === BigInt(server.heads.length + 1), 'the store takes the next version only');
    server.heads.push(blob);
    alice.head?.wipe();
    alice.head = head;
    return head;
  };
  /** A client's walk from its last verified head (or the first, trusted by Alice) to the newest. */
  const follow = (last) => {
    let head = last ?? cloak.headVerifyFirst(server.heads[0], vaultId, [alice.identity.publicKey]);
    while (head.version < BigInt(server.heads.length)) {
      const next = head.verifyNext(server.heads[Number(head.version)]);
      head.wipe();
      head = next;
    }
    head.check(head.epoch, head.version); // the clock: not past its expiry
    return head;
  };
  const batchFor = (head, v, vid = vaultId) => {
    // The account's key is checked against the head's roster before anything is sealed to it.
    const writer = cloak.batchBegin(ci.publicKey, alice.identity.publicKey, vid, head.epoch, head.version, head.hash, head.expiry, { head });
    const items = Object.keys(secretsIn).map((name) => writer.sealItem(name, openSecret(head, v, name)).item);
    return { batch: writer.finish(alice.identity.secretKey), items };
  };

  await step('load', `Load libcloak (${expect === 'wasm' ? 'WebAssembly' : 'the native addon'})`, async () => {
    cloak = await load(backend === 'auto' ? options : { ...options, backend });
    check(cloak.backendName === expect, `the ${expect} backend (got ${cloak.backendName}: ${cloak.backendDetail})`);
    ({ permissionWrite: WRITE, permissionAdmin: ADMIN } = cloak.sizes);
    return [`libcloak ${cloak.version.string} on ${cloak.backendName}; new keys are ${suiteName(cloak.encryptionKeypair().suite)} keys; a share is ${cloak.sizes.xwingShareBytes} bytes (${cloak.sizes.shareBytes} to an X25519 key)`];
  });

  await step('register-alice', 'Alice registers', async () => {
    alice = await register(cloak, 'Alice', 'alice@example.com', 'correct horse battery staple');
    server.users.alice = alice.server;
    return alice.lines;
  });

  await step('register-bob', 'Bob registers', async () => {
    bob = await register(cloak, 'Bob', 'bob@example.com', 'tr0ub4dor&3');
    server.users.bob = bob.server;
    return bob.lines;
  });

  await step('vault', 'Alice creates a vault, stores secrets and signs its first head', async () => {
    vaultKey = cloak.vaultKeyGenerate();
    vault = cloak.vaultInit(vaultKey, 1, vaultId); // epoch 1: the vault's first key
    const lines = [`vault key id ${short(vault.keyId())}`];
    for (const [name, value] of Object.entries(secretsIn)) {
      const index = vault.blindIndex(name);
      server.secrets[name] = { index, sealed: vault.sealSecret(name, utf8(value)) };
      lines.push(`${name}: sealed ${server.secrets[name].sealed.length} bytes, blind index ${short(index)}`);
    }
    // Version 1: Alice alone, admin; the root commits to the three secrets.
    const head = publish(1, vault.keyId(), [member(alice, WRITE | ADMIN)]);
    server.shares.alice = cloak.shareSeal(vaultKey, 1, vaultId, alice.encryption.publicKey, alice.identity.secretKey,
      { head, recipientIdentityPublicKey: alice.identity.publicKey });
    check(head.version === 1n && head.epoch === 1 && head.leafCount === 3, 'head version 1 over 3 secrets');
    check(equal(head.vaultKeyId, vault.keyId()), 'the head names the vault key');
    check(readSecret(head, vault, 'API_TOKEN') === 'tok_123', 'round trip, checked against the head');
    lines.push(`head v${head.version} (epoch ${head.epoch}, ${server.heads[0].length} bytes): roster of 1 admin, Merkle root ${short(head.merkleRoot)} over ${head.leafCount} secrets, hash ${short(head.hash)}`);
    lines.push(`Alice's share to herself: ${server.shares.alice.length} bytes, ${suiteName(cloak.blobSuite(server.shares.alice))}`);
    return lines;
  });

  await step('share', 'Alice adds Bob to the roster and shares the vault with him', async () => {
    const { identityPublicKey, encryptionPublicKey, suite } = cloak.bundleVerify(server.users.bob.bundle);
    const codeAlice = cloak.identityPairCode(alice.identity.publicKey, identityPublicKey);
    const codeBob = cloak.identityPairCode(bob.identity.publicKey, alice.identity.publicKey);
    check(codeAlice === codeBob, 'both sides compute the same pair code');
    const head = publish(1, vault.keyId(), sortRoster([member(alice, WRITE | ADMIN), member(bob, WRITE)]));
    // The key Alice seals to must be the one the head's roster names for Bob.
    share = cloak.shareSeal(vaultKey, head.epoch, vaultId, encryptionPublicKey, alice.identity.secretKey,
      { head, recipientIdentityPublicKey: identityPublicKey });
    server.shares.bob = share;
    const entry = head.rosterFind(cloak.sizes.rosterMember, identityPublicKey);
    check(entry.suite === Suite.XWING && suite === Suite.XWING, 'Bob\'s key is an X-Wing key, as the roster says');
    return [`Bob's bundle verifies (encryption key: ${suiteName(suite)}); Alice and Bob compare the pair code ${codeAlice}`,
      `head v${head.version}: Bob joins the roster as a writer (a roster change, signed by an admin), his entry naming his ${suiteName(entry.suite)} key`,
      `share (${share.length} bytes) ${cloak.textEncode(share).slice(0, 52)}…`];
  });

  await step('read', 'Bob signs in on a new device with his kit, walks the heads and reads the secrets', async () => {
    const u = server.users.bob;
    const policy = cloak.passwordPolicyDefault();
    // The new device has no secret key: Bob types his kit's text (in lower case here, which reads
    // the same). Its checksum binds the account id, so a typing error or another account's kit
    // is caught before any Argon2id work.
    const typed = bob.kit.toLowerCase();
    const kitElsewhere = refused(() => cloak.accountSecretKeyDecode(typed, 'alice@example.com'), 'CHECKSUM', 'the kit typed for another account');
    const secretKey = cloak.accountSecretKeyDecode(typed, bob.login);
    // Costs outside the policy, at Bob's own salt: a record that would make every guess about 12
    // times cheaper, and one that would stall the page. Refused before Argon2id takes any memory.
    const { salt } = cloak.passwordRecordDecode(u.record);
    const cheap = cloak.passwordRecordEncode(salt, { memoryKib: cloak.sizes.passwordMemoryKibMin, iterations: 1 });
    const ruinous = cloak.passwordRecordEncode(salt, { memoryKib: cloak.sizes.passwordMemoryKibMax, iterations: cloak.sizes.passwordIterationsMax });
    const weak = refused(() => cloak.passwordDerive('tr0ub4dor&3', cheap, { accountId: bob.login, secretKey, policy }), 'WEAK_PARAMS', 'a 16 MiB x 1 record');
    const stall = refused(() => cloak.passwordDerive('tr0ub4dor&3', ruinous, { accountId: bob.login, secretKey, policy }), 'WEAK_PARAMS', 'a 1 GiB x 16 record');
    const { masterKey, loginKey } = await cloak.passwordDeriveAsync('tr0ub4dor&3', u.record, { accountId: bob.login, secretKey, policy });
    check(equal(loginKey, u.loginKey), 'same login key');
    const id = cloak.identityUnwrap(masterKey, u.wrappedIdentity);
    const enc = cloak.encryptionUnwrap(masterKey, u.wrappedEncryption);
    // A new device trusts Alice (the pair code) and walks the chain from the vault's first head.
    bob.head = follow(null);
    const me = bob.head.rosterFind(cloak.sizes.rosterMember, id.publicKey);
    check(me.permissions === WRITE && me.suite === enc.suite && equal(me.encryptionKeyId, cloak.encryptionKeyId(enc.publicKey)), 'Bob is a writer with this key');
    const sender = cloak.shareSender(server.shares.bob);
    check(equal(sender, alice.identity.publicKey), 'the share names Alice');
    // Checked against the head first: made to the key the roster names for Bob, at the head's epoch.
    const { vaultKey: vk, epoch } = cloak.shareOpen(server.shares.bob, vaultId, enc.publicKey, enc.secretKey, alice.identity.publicKey, bob.head.epoch,
      { head: bob.head, recipientIdentityPublicKey: id.publicKey });
    const v = cloak.vaultInit(vk, epoch, vaultId);
    check(equal(v.keyId(), bob.head.vaultKeyId), 'the share carries the key the head names');
    const lines = [`Bob types his kit; typed for another account it is refused: ${kitElsewhere}`,
      `a record at 16 MiB x 1 pass (cheap guesses): ${weak}; at 1 GiB x 16 passes (a stall): ${stall}`,
      `password and kit give the login key the server holds; unwrapped identity ${short(id.publicKey)} and ${suiteName(enc.suite)} encryption key`,
      `heads v1..v${bob.head.version} verified from Alice's; Bob is in the roster as a writer; share of epoch ${epoch} opened`];
    for (const [name, value] of Object.entries(secretsIn)) {
      const got = readSecret(bob.head, v, name);
      check(got === value, `${name} reads back`);
      lines.push(`${name} = ${got} (its leaf is in head v${bob.head.version}'s tree)`);
    }
    const status = refused(() => cloak.shareOpen(server.shares.bob, 'vault-other', enc.publicKey, enc.secretKey, alice.identity.publicKey), 'BAD_SIGNATURE', 'a share replayed for another vault');
    lines.push(`the share opened as another vault: ${status}`);
    v.wipe();
    return lines;
  });

  await step('service-account', 'A CI service account receives a batch bound to a head', async () => {
    ci = cloak.encryptionKeypair(); // X-Wing; generated where CI runs; only the public key travels
    const keyText = cloak.textEncode(cloak.serviceAccountPrivateExport(ci.publicKey, ci.secretKey));
    server.users.alice.wrappedAccount = cloak.serviceAccountWrap(alice.masterKey, ci);
    // The account joins the roster (head v3); the batch binds the vault, its epoch and that head
    // (hash, version, expiry), and Alice reads each secret against the head before sealing it.
    const head = publish(1, vault.keyId(), sortRoster([member(alice, WRITE | ADMIN), member(bob, WRITE), account(ci.publicKey)]));
    server.batches.ci = batchFor(head, vault);
    const { batch, items } = server.batches.ci;
    // The CI side: its key from the variable, Alice trusted by identity.
    const key = cloak.serviceAccountPrivateImport(cloak.textDecode(keyText));
    const reader = cloak.batchVerify(batch, vaultId, key.publicKey, key.secretKey, [alice.identity.publicKey], { head });
    reader.check(1, 1); // the newest epoch and head version this CI runner has seen, and the clock
    check(equal(reader.headHash, head.hash) && reader.headVersion === head.version && reader.expiry === head.expiry, 'the batch names head v3');
    check(key.suite === Suite.XWING && cloak.blobSuite(batch) === Suite.XWING, 'an X-Wing account and batch');
    const lines = [`account key (${suiteName(key.suite)}) ${keyText.slice(0, 40)}… (CI variable); head v${head.version} adds it to the roster`,
      `batch of ${reader.itemCount} items, ${batch.length} bytes, signed by ${cloak.identityFingerprint(reader.signer)}`,
      `bound to head v${reader.headVersion} ${short(reader.headHash)}, epoch ${reader.epoch}, expires ${new Date(Number(reader.expiry) * 1000).toISOString()}`];
    for (const item of [...items].reverse()) {
      const { name, value } = reader.openItem(item);
      check(secretsIn[text(name)] === text(value), `item ${text(name)}`);
      lines.push(`item ${cloak.batchItemIndex(item)}: ${text(name)} = ${text(value)}`);
    }
    reader.wipe();
    return lines;
  });

  await step('rotation', 'Bob leaves: a new head removes him, rotates the vault key and makes the vault post-quantum only', async () => {
    const oldVault = vault;
    const newKey = cloak.vaultKeyGenerate();
    newVault = cloak.vaultInit(newKey, 2, vaultId); // epoch 2
    kept.newKey = newKey;
    kept.oldSealed = {};
    for (const name of Object.keys(secretsIn)) {
      kept.oldSealed[name] = server.secrets[name].sealed;
      server.secrets[name] = { index: newVault.blindIndex(name), sealed: oldVault.resealSecret(newVault, name, kept.oldSealed[name]) };
    }
    kept.oldShare = server.shares.alice;
    kept.oldBatch = server.batches.ci;
    // Head v4: epoch 2 with the new key's id, Bob off the roster, the root over the resealed blobs.
    // Every roster key is an X-Wing key, so the rotation also makes the vault post-quantum only: no
    // share or batch over X25519 is made or accepted in it from now on.
    const head = publish(2, newVault.keyId(), sortRoster([member(alice, WRITE | ADMIN), account(ci.publicKey)]), VaultPolicy.POST_QUANTUM_ONLY);
    check(head.policy === VaultPolicy.POST_QUANTUM_ONLY, 'the vault is post-quantum only');
    server.shares = { alice: cloak.shareSeal(newKey, head.epoch, vaultId, alice.encryption.publicKey, alice.identity.secretKey,
      { head, recipientIdentityPublicKey: alice.identity.publicKey }) };
    server.batches.ci = batchFor(head, newVault);
    // Alice still reads through her new share; Bob's old key no longer opens anything.
    const mine = cloak.shareOpen(server.shares.alice, vaultId, alice.encryption.publicKey, alice.encryption.secretKey, alice.identity.publicKey, head.epoch);
    const v = cloak.vaultInit(mine.vaultKey, mine.epoch, vaultId);
    check(readSecret(head, v, 'DATABASE_URL') === secretsIn.DATABASE_URL, 'Alice reads after rotation');
    const wrongKey = refused(() => oldVault.openSecret('DATABASE_URL', server.secrets.DATABASE_URL.sealed), 'WRONG_KEY', 'the old key on a new blob');
    const wrongKey2 = refused(() => newVault.openSecret('DATABASE_URL', kept.oldSealed.DATABASE_URL), 'WRONG_KEY', 'an old blob under the new key');
    check(!equal(server.secrets.DATABASE_URL.index, oldVault.blindIndex('DATABASE_URL')), 'blind indexes changed');
    // Bob's device follows the chain and sees itself removed.
    bob.head = follow(bob.head);
    const gone = refused(() => bob.head.rosterFind(cloak.sizes.rosterMember, bob.identity.publicKey), 'MISMATCH', 'Bob is off the roster');
    const ciReader = cloak.batchVerify(server.batches.ci.batch, vaultId, ci.publicKey, ci.secretKey, [alice.identity.publicKey], { head });
    ciReader.check(2, 4);
    const item = ciReader.openItem(server.batches.ci.items[1]);
    check(text(item.name) === 'API_TOKEN' && text(item.value) === 'tok_123', 'CI reads its new batch');
    v.wipe(); oldVault.wipe(); ciReader.wipe();
    return [`head v${head.version}: epoch ${head.epoch}, new vault key id ${short(newVault.keyId())}, Bob removed, post-quantum only; ${Object.keys(secretsIn).length} secrets resealed, blind indexes recomputed`,
      `Bob's old vault key on a new secret: ${wrongKey}; an old secret under the new key: ${wrongKey2}`,
      `Bob's device reaches head v${bob.head.version} and finds itself off the roster: ${gone}`,
      `Alice and the CI account read through their new share and batch (head v${head.version})`];
  });

  await step('server', 'The server replays, rolls back, omits and forks: each is refused', async () => {
    // Alice changes API_TOKEN: head v5 (a writer's change: same epoch, key and roster).
    const oldToken = server.secrets.API_TOKEN.sealed;
    server.secrets.API_TOKEN = { index: newVault.blindIndex('API_TOKEN'), sealed: newVault.sealSecret('API_TOKEN', utf8('tok_456')) };
    const head = publish(2, newVault.keyId(), sortRoster([member(alice, WRITE | ADMIN), account(ci.publicKey)]), VaultPolicy.POST_QUANTUM_ONLY);
    check(readSecret(head, newVault, 'API_TOKEN') === 'tok_456', 'the new token');
    const lines = [`Alice changes API_TOKEN: head v${head.version}; Alice has seen epoch ${head.epoch}, the CI account head v4`];
    const trustAlice = [alice.identity.publicKey];

    lines.push(`the pre-rotation share (epoch 1, whose key Bob kept): ${refused(() => cloak.shareOpen(kept.oldShare, vaultId,
      alice.encryption.publicKey, alice.encryption.secretKey, alice.identity.publicKey, head.epoch), 'STALE', 'the old share')}`);

    const oldReader = cloak.batchVerify(kept.oldBatch.batch, vaultId, ci.publicKey, ci.secretKey, trustAlice);
    lines.push(`the pre-rotation batch (head v3, epoch 1): ${refused(() => oldReader.check(2, 4), 'STALE', 'the old batch')}`);
    oldReader.wipe();

    // A genuine batch of another vault for the same account (a sandbox whose DATABASE_URL points
    // elsewhere): the reader names the vault it expects.
    const sandbox = cloak.batchBegin(ci.publicKey, alice.identity.publicKey, 'vault-sandbox', 1, 1, head.hash, head.expiry); // no head of its own here
    sandbox.sealItem('DATABASE_URL', utf8('postgres://app:x@attacker.example/app'));
    const sandboxBatch = sandbox.finish(alice.identity.secretKey);
    lines.push(`a batch of another vault: ${refused(() => cloak.batchVerify(sandboxBatch, vaultId, ci.publicKey, ci.secretKey, trustAlice), 'MISMATCH', 'another vault\'s batch')}`);

    // A downgrade: the server serves a bundle of Alice's with an X25519 key (validly signed: an
    // older release of the app made it), hoping for a share a future quantum computer could open.
    // The vault is post-quantum only, so the sharer refuses to seal to it, and a member refuses an
    // X25519 share it is handed.
    const legacy = cloak.encryptionKeypair(Suite.X25519);
    const legacyBundle = cloak.bundleVerify(cloak.bundleCreate(alice.identity.secretKey, legacy.publicKey));
    check(legacyBundle.suite === Suite.X25519, 'a suite 1 bundle');
    lines.push(`an X25519 bundle served for Alice (a downgrade), her other device sharing to it: ${refused(() => cloak.shareSeal(kept.newKey, head.epoch, vaultId,
      legacyBundle.encryptionPublicKey, alice.identity.secretKey, { head, recipientIdentityPublicKey: alice.identity.publicKey }), 'POLICY', 'a share to an X25519 key')}`);
    const x25519Share = cloak.shareSeal(kept.newKey, head.epoch, vaultId, legacy.publicKey, alice.identity.secretKey); // a client that does not check
    lines.push(`an X25519 share handed to Alice: ${refused(() => cloak.shareOpen(x25519Share, vaultId, legacy.publicKey, legacy.secretKey,
      alice.identity.publicKey, head.epoch, { head, recipientIdentityPublicKey: alice.identity.publicKey }), 'POLICY', 'an X25519 share')}`);

    // The old API_TOKEN blob is authentic (same epoch, same key) but not in head v5's tree: the
    // server's proof, computed over its rolled-back list, does not reach the head's root.
    const rolledBack = { ...server.secrets, API_TOKEN: { index: server.secrets.API_TOKEN.index, sealed: oldToken } };
    const rbLeaves = leavesOf(rolledBack);
    const rbLeaf = cloak.merkleLeaf(server.secrets.API_TOKEN.index, oldToken);
    const rbProof = cloak.merkleProveInclusion(rbLeaves, rbLeaves.findIndex((l) => equal(l, rbLeaf)));
    check(text(newVault.openSecret('API_TOKEN', oldToken)) === 'tok_123', 'the rolled-back blob still decrypts');
    lines.push(`a rolled-back API_TOKEN (decrypts, but is not in head v5): ${refused(() => head.verifyInclusion(rbLeaf, rbProof), 'MISMATCH', 'a rolled-back secret')}`);

    // The server hides DATABASE_URL and claims it absent. The best it can show is an absence proof
    // from the true tree's leaves on either side of it, with their genuine inclusion proofs (shape
    // byte, then each neighbour's leaf and proof: docs/protocol.md 10.4); they are not adjacent.
    const dbIndex = newVault.blindIndex('DATABASE_URL');
    const leaves = leavesOf(server.secrets);
    const j = leaves.findIndex((l) => equal(l.subarray(0, 32), dbIndex));
    const neighbour = (i) => [...leaves[i], ...cloak.merkleProveInclusion(leaves, i)];
    const forged = new Uint8Array(j === 0 ? [2, ...neighbour(1)]
      : j === leaves.length - 1 ? [1, ...neighbour(j - 1)] : [3, ...neighbour(j - 1), ...neighbour(j + 1)]);
    refused(() => cloak.merkleProveAbsence(leaves, dbIndex), 'MISMATCH', 'an absence proof of a present name');
    lines.push(`DATABASE_URL omitted, "absent" by its true neighbours' proofs: ${refused(() => head.verifyAbsence(dbIndex, forged), 'MISMATCH', 'an omitted secret')}`);
    head.verifyAbsence(newVault.blindIndex('NOT_A_SECRET'), cloak.merkleProveAbsence(leavesOf(server.secrets), newVault.blindIndex('NOT_A_SECRET')));

    // Alice's device is at v5; the server serves v4 again.
    lines.push(`head v4 served to a device at v5: ${refused(() => head.verifyNext(server.heads[3]), 'STALE', 'an old head')}`);
    // A device with no memory, pinned to epoch 2 and version 5 in its configuration, shown v4 alone.
    const v4 = cloak.headVerifyFirst(server.heads[3], vaultId, trustAlice);
    lines.push(`head v4 to a fresh device pinned at v5: ${refused(() => v4.check(2, 5), 'STALE', 'an old head below the pin')}`);
    v4.wipe();

    // A fork: the server kept Bob a branch from head v3 (where he was still a writer) in which he
    // was never removed. Bob signs its v4, v5 and v6; when that branch's v6 reaches a device at
    // Alice's v5, the previous hash is not v5's.
    let branch = cloak.headVerifyFirst(server.heads[0], vaultId, trustAlice);
    for (let i = 1; i < 3; i++) { const next = branch.verifyNext(server.heads[i]); branch.wipe(); branch = next; }
    const v3Roster = sortRoster([member(alice, WRITE | ADMIN), member(bob, WRITE), account(ci.publicKey)]);
    let forkV6;
    while (branch.version < 6n) {
      const { blob, head: next } = signHead(bob, branch, branch.epoch, branch.vaultKeyId, v3Roster);
      branch.wipe();
      branch = next;
      forkV6 = blob;
    }
    branch.wipe();
    lines.push(`a forked v6 (Bob's branch from v3) shown to a device at v5: ${refused(() => head.verifyNext(forkV6), 'MISMATCH', 'a forked head')}`);
    // On the true chain Bob, removed at v4, cannot sign v6.
    const bobsV6 = cloak.headCreate(vaultId, head.epoch, head.vaultKeyId, 6, head.hash, expiry, head.merkleRoot, head.leafCount, head.policy,
      sortRoster([member(alice, WRITE | ADMIN), account(ci.publicKey)]), bob.identity.secretKey);
    lines.push(`v6 signed by Bob, removed at v4: ${refused(() => head.verifyNext(bobsV6), 'UNTRUSTED_SIGNER', 'a removed member\'s head')}`);
    lines.push(`head v5 after its expiry: ${refused(() => head.check(2, 5, expiry + 1), 'EXPIRED', 'an expired head')}`);
    alice.head.wipe(); bob.head.wipe(); newVault.wipe();
    return lines;
  });
}

