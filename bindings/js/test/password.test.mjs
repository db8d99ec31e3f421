// Password-derived keys against a hostile server (issue 14), on both backends: the account secret
// key and its text form, the client's cost policy, the salt bound to the account id, and the legacy
// upgrade through rewrapping. Each "done when" case of the issue is a test here, through the public
// API as an application would call it:
//   - the server's whole store and the right password, but not the secret key: nothing opens;
//   - the secret key and a wrong password: nothing opens;
//   - two accounts given the same server salt and password derive unrelated keys;
//   - a record below the floor or above the ceiling is refused (CloakWeakParamsError) before any
//     Argon2id work (the C suite counts calls on the Argon2 hooks; here a refused record that would
//     cost minutes of Argon2id returns at once);
//   - the legacy upgrade: derive under an explicit legacy policy, then rewrap under a new record.
// The derivation and the text form are also computed independently, from the construction the issue
// specifies (libsodium-wrappers-sumo's Argon2id, Node's HMAC, HKDF and SHA-256), not from libcloak.
//
// Argon2id runs at 16 or 32 MiB and one pass, under an explicit low policy: the defaults refuse
// such records, which is what the policy tests check.
//
// LIBCLOAK_JS_BACKENDS=native,wasm (the default) chooses the backends; one listed but not loadable
// fails the run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { createRequire } from 'node:module';
import * as lib from '../dist/index.js';

const { load, utf8, Status, Suite, CloakError, CloakWeakParamsError, CloakWrongKeyError, CloakChecksumError } = lib;
const require = createRequire(import.meta.url);
const sodium = require('libsodium-wrappers-sumo');

const rep = (byte, n) => new Uint8Array(n).fill(byte);
const hex = (b) => Buffer.from(b).toString('hex');

function throwsCode(fn, code, cls) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof CloakError, `not a CloakError: ${e}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code} (${e.message})`);
    if (cls) assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}`);
    return true;
  });
}

async function rejectsCode(p, code, cls) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof CloakError, `not a CloakError: ${e}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code} (${e.message})`);
    if (cls) assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}`);
    return true;
  });
}

// ---- The construction, computed without libcloak (issue 14, "Derivation"):
//   salt'  = HMAC-SHA256(record salt, "libcloak v2 account salt" || account id)[0..16]
//   A      = Argon2id v1.3 (password, salt', t, m, one lane, 32 bytes)
//   S      = HKDF-SHA256(ikm = secret key, salt = "libcloak v2 account secret key", info = account id)
//   PRK    = HKDF-Extract("libcloak v2 password and secret key", A || S), or without a secret key
//            HKDF-Extract("libcloak v2 password", A)
//   master = HKDF-Expand(PRK, "libcloak v2 master key", 32), login = HKDF-Expand(PRK, "libcloak v2 login key", 32)
// libsodium's Argon2id has one lane, so the records compared here have parallelism 1.
function independentDerive(password, salt, memoryKib, iterations, accountId, secretKey) {
  const id = Buffer.from(typeof accountId === 'string' ? utf8(accountId) : accountId);
  const bound = createHmac('sha256', salt).update('libcloak v2 account salt').update(id).digest().subarray(0, 16);
  const a = Buffer.from(sodium.crypto_pwhash(32, password, bound, iterations, memoryKib * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13));
  let ikm = a;
  let label = 'libcloak v2 password';
  if (secretKey) {
    const s = Buffer.from(hkdfSync('sha256', secretKey, 'libcloak v2 account secret key', id, 32));
    ikm = Buffer.concat([a, s]);
    label = 'libcloak v2 password and secret key';
  }
  // hkdfSync is Extract then Expand: the same PRK for both outputs.
  return {
    masterKey: new Uint8Array(hkdfSync('sha256', ikm, label, 'libcloak v2 master key', 32)),
    loginKey: new Uint8Array(hkdfSync('sha256', ikm, label, 'libcloak v2 login key', 32)),
  };
}

// The text form (issue 14, "Account secret key"): "CK1-" and the 25 bytes key || checksum as 40
// Crockford base32 characters, most significant bits first, in eight groups of five; the checksum is
// SHA-256("libcloak v2 account secret key text" || u8(len(id)) || id || key)[0..5].
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function independentKitText(key, accountId) {
  const id = Buffer.from(typeof accountId === 'string' ? utf8(accountId) : accountId);
  const sum = createHash('sha256').update('libcloak v2 account secret key text').update(Buffer.from([id.length]))
    .update(id).update(key).digest().subarray(0, 5);
  const bits = [...Buffer.concat([Buffer.from(key), sum])].map((b) => b.toString(2).padStart(8, '0')).join('');
  const chars = [];
  for (let i = 0; i < bits.length; i += 5) chars.push(CROCKFORD[parseInt(bits.slice(i, i + 5), 2)]);
  const groups = [];
  for (let i = 0; i < chars.length; i += 5) groups.push(chars.slice(i, i + 5).join(''));
  return `CK1-${groups.join('-')}`;
}

/** Big-endian uint32 values of a policy, in the header's order. */
function policyValues(policy) {
  const v = new DataView(policy.buffer, policy.byteOffset, policy.byteLength);
  return [0, 1, 2, 3, 4, 5].map((i) => v.getUint32(4 * i, false));
}

const backends = (process.env.LIBCLOAK_JS_BACKENDS ?? 'native,wasm').split(',').filter(Boolean);

before(async () => {
  await sodium.ready;
});

for (const backendName of backends) {
  describe(`passwords against a hostile server (${backendName})`, () => {
    let c;
    // The tests' own policy: 16 MiB and one pass admitted (the hard minimum), every ceiling the default's.
    let LOW;
    const record = (saltByte, memoryKib = 16384, iterations = 1, parallelism = 1) =>
      c.passwordRecordEncode(rep(saltByte, 16), { memoryKib, iterations, parallelism });

    before(async () => {
      c = await load({ backend: backendName });
      assert.equal(c.backendName, backendName);
      LOW = c.passwordPolicy({ memoryKibMin: 16384, costMin: 16384 });
    });
    after(() => c.close());

    it('the policy: default bytes, explicit bounds, refusals', () => {
      const s = c.sizes;
      const defaults = [65536, 196608, 262144, 786432, 12, 8];
      assert.deepEqual([s.passwordPolicyMemoryKibMin, s.passwordPolicyCostMin, s.passwordPolicyMemoryKibMax,
        s.passwordPolicyCostMax, s.passwordPolicyIterationsMax, s.passwordPolicyParallelismMax], defaults);
      assert.deepEqual([s.passwordPolicyBytes, s.accountSecretKeyBytes, s.accountSecretKeyTextBytes, s.accountIdBytesMax],
        [24, 20, 52, 255]);
      assert.deepEqual(policyValues(c.passwordPolicyDefault()), defaults);
      // A bound left out keeps the default's; the six in the header's order, big-endian.
      assert.deepEqual(c.passwordPolicy({}), c.passwordPolicyDefault());
      assert.deepEqual(policyValues(LOW), [16384, 16384, 262144, 786432, 12, 8]);
      const all = { memoryKibMin: 32768, costMin: 65536, memoryKibMax: 131072, costMax: 262144, iterationsMax: 4, parallelismMax: 2 };
      assert.deepEqual(policyValues(c.passwordPolicy(all)), Object.values(all));
      // Outside the record's hard bounds, a minimum above its maximum, a ceiling that admits no record.
      throwsCode(() => c.passwordPolicy({ memoryKibMin: 16383 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ memoryKibMax: 1048577 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ iterationsMax: 17 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ parallelismMax: 0 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ parallelismMax: 17 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ memoryKibMin: 131072, memoryKibMax: 65536 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ costMin: 786433 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ memoryKibMin: 65536, costMin: 65536, costMax: 65535 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordPolicy({ costMax: 2 ** 32 }), Status.BAD_PARAMS);
      // A policy of the wrong size is refused before the library reads it.
      throwsCode(() => c.passwordRecordCheck(record(1), new Uint8Array(23)), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', record(1), { accountId: 'a', policy: new Uint8Array(25) }), Status.BAD_PARAMS);
    });

    it('records against the policy: the floor, the ceiling, 256 MiB with one pass', () => {
      const check = (m, t, p, policy) => c.passwordRecordCheck(record(3, m, t, p), policy);
      // The default policy: the default record and anything an attacker pays more for.
      c.passwordRecordCheck(c.passwordRecordNew());
      check(65536, 3, 4);
      check(262144, 1, 1);          // 256 MiB x 1: above the floor's cost, so admitted
      check(262144, 3, 8);          // the ceiling itself
      check(65536, 12, 1);          // twelve passes: at the cost ceiling
      for (const [m, t, p] of [
        [16384, 1, 1],              // 16 MiB x 1: 12 times cheaper per guess than the defaults
        [65536, 2, 4],              // memory at the floor, cost below it
        [32768, 6, 1],              // cost at the floor, memory below it
        [524288, 1, 1],             // memory above the ceiling
        [1048576, 1, 1],            // 1 GiB
        [262144, 4, 1],             // cost above the ceiling
        [65536, 13, 1],             // passes above the ceiling
        [65536, 3, 9],              // lanes above the ceiling
      ]) {
        throwsCode(() => check(m, t, p), Status.WEAK_PARAMS, CloakWeakParamsError);
        throwsCode(() => check(m, t, p, null), Status.WEAK_PARAMS, CloakWeakParamsError);
      }
      check(16384, 1, 1, LOW);
      throwsCode(() => check(16384, 1, 9, LOW), Status.WEAK_PARAMS);
      // The record's own refusals come first.
      throwsCode(() => c.passwordRecordCheck(record(3).subarray(0, 47)), Status.MALFORMED);
      const wrongType = record(3); wrongType[1] = 0x02;
      throwsCode(() => c.passwordRecordCheck(wrongType), Status.WRONG_TYPE);
      const outOfBounds = record(3); outOfBounds.set([0, 0, 0x3f, 0xff], 20);   // 16383 KiB
      throwsCode(() => c.passwordRecordCheck(outOfBounds, LOW), Status.BAD_PARAMS);
    });

    it('the derivation is the specified one (independent Argon2id and HKDF), sync and async', async () => {
      const r = record(0x5a);
      const salt = rep(0x5a, 16);
      const key = rep(0x33, 20);
      const without = c.passwordDerive('correct horse battery staple', r, { accountId: 'alice@example.com', policy: LOW });
      assert.deepEqual(without, independentDerive('correct horse battery staple', salt, 16384, 1, 'alice@example.com', null));
      const withKey = c.passwordDerive(utf8('correct horse battery staple'), r, { accountId: utf8('alice@example.com'), secretKey: key, policy: LOW });
      assert.deepEqual(withKey, independentDerive('correct horse battery staple', salt, 16384, 1, 'alice@example.com', key));
      assert.deepEqual(await c.passwordDeriveAsync('correct horse battery staple', r, { accountId: 'alice@example.com', secretKey: key, policy: LOW }), withKey);
      assert.deepEqual(await c.passwordDeriveAsync('correct horse battery staple', r, { accountId: 'alice@example.com', policy: LOW }), without);
      // Two passes, a binary account id of the longest length.
      const r2 = record(0x07, 16384, 2, 1);
      const id = new Uint8Array(255).map((_, i) => i);
      assert.deepEqual(c.passwordDerive('pw', r2, { accountId: id, secretKey: key, policy: LOW }),
        independentDerive('pw', rep(0x07, 16), 16384, 2, id, key));
      // Four lanes: the same keys sync and async (libsodium has no lanes to compare with).
      const r4 = record(0x01, 16384, 1, 4);
      assert.deepEqual(await c.passwordDeriveAsync('pw', r4, { accountId: 'a', secretKey: key, policy: LOW }),
        c.passwordDerive('pw', r4, { accountId: 'a', secretKey: key, policy: LOW }));
      // Refusals in the library's order, before Argon2id.
      const opts = { accountId: 'a', policy: LOW };
      throwsCode(() => c.passwordDerive('', r, opts), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('x'.repeat(4097), r, opts), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', r, { accountId: '', policy: LOW }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', r, { accountId: 'x'.repeat(256), policy: LOW }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', r, { ...opts, secretKey: rep(1, 19) }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', r, { ...opts, secretKey: rep(1, 21) }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', r.subarray(0, 47), opts), Status.MALFORMED);
      await rejectsCode(c.passwordDeriveAsync('pw', r, { ...opts, accountId: '' }), Status.BAD_PARAMS);
      // An empty secret key is the same as none (the C API's length 0).
      assert.deepEqual(c.passwordDerive('correct horse battery staple', r, { accountId: 'alice@example.com', secretKey: new Uint8Array(0), policy: LOW }), without);
      // A password given as a string is encoded for the call; the caller's bytes are never changed.
      const pw = utf8('pw');
      c.passwordDerive(pw, r, opts);
      assert.deepEqual(pw, utf8('pw'));
    });

    it('the server\'s whole store and the right password, without the secret key: nothing opens', () => {
      const accountId = 'alice@example.com';
      const secretKey = c.accountSecretKeyGenerate();
      const rec = c.passwordRecordNew({ memoryKib: 16384, iterations: 1, parallelism: 1 });
      const user = c.passwordDerive('correct horse battery staple', rec, { accountId, secretKey, policy: LOW });
      const id = c.identityKeypair();
      const enc = c.encryptionKeypair();
      // What the server holds: the record, the wrapped keys, the login key it checks logins against.
      const store = { record: rec, wrappedId: c.identityWrap(user.masterKey, id.secretKey),
        wrappedEnc: c.encryptionWrap(user.masterKey, enc.secretKey), loginKey: user.loginKey };
      // The user opens them.
      assert.deepEqual(c.identityUnwrap(user.masterKey, store.wrappedId), id);
      assert.deepEqual(c.encryptionUnwrap(user.masterKey, store.wrappedEnc), enc);
      // The server (or whoever has its database) with the right password: without the key, with
      // another account's key, with a key of zeros.
      for (const guess of [null, c.accountSecretKeyGenerate(), rep(0, 20)]) {
        const k = c.passwordDerive('correct horse battery staple', store.record, { accountId, secretKey: guess, policy: LOW });
        assert.notDeepEqual(k.loginKey, store.loginKey);
        assert.notDeepEqual(k.masterKey, user.masterKey);
        throwsCode(() => c.identityUnwrap(k.masterKey, store.wrappedId), Status.WRONG_KEY, CloakWrongKeyError);
        throwsCode(() => c.encryptionUnwrap(k.masterKey, store.wrappedEnc), Status.WRONG_KEY, CloakWrongKeyError);
      }
      // The key under the account id is the account's only: the same key under another id opens nothing.
      const other = c.passwordDerive('correct horse battery staple', store.record, { accountId: 'alice@example.org', secretKey, policy: LOW });
      throwsCode(() => c.identityUnwrap(other.masterKey, store.wrappedId), Status.WRONG_KEY);
    });

    it('the secret key with a wrong password: nothing opens', async () => {
      const accountId = 'bob@example.com';
      const secretKey = c.accountSecretKeyGenerate();
      const rec = record(0x11);
      const user = c.passwordDerive('hunter2 but longer', rec, { accountId, secretKey, policy: LOW });
      const wrapped = c.identityWrap(user.masterKey, c.identityKeypair().secretKey);
      for (const wrong of ['hunter2 but longeR', 'hunter2 but longer ', 'hunter2']) {
        const k = await c.passwordDeriveAsync(wrong, rec, { accountId, secretKey, policy: LOW });
        assert.notDeepEqual(k.loginKey, user.loginKey);
        throwsCode(() => c.identityUnwrap(k.masterKey, wrapped), Status.WRONG_KEY, CloakWrongKeyError);
      }
    });

    it('two accounts given the same server salt and password derive unrelated keys', () => {
      const rec = record(0x42);                       // one salt, served to both
      const alice = c.passwordDerive('same password', rec, { accountId: 'alice', policy: LOW });
      const bob = c.passwordDerive('same password', rec, { accountId: 'bob', policy: LOW });
      assert.notDeepEqual(alice.masterKey, bob.masterKey);
      assert.notDeepEqual(alice.loginKey, bob.loginKey);
      assert.notDeepEqual(alice.masterKey, bob.loginKey);
      // Each is its own account's, as the construction makes it (so not merely different: bound to the id).
      assert.deepEqual(alice, independentDerive('same password', rep(0x42, 16), 16384, 1, 'alice', null));
      assert.deepEqual(bob, independentDerive('same password', rep(0x42, 16), 16384, 1, 'bob', null));
      // One guess tested against one account says nothing about the other: Alice's keys open nothing of Bob's.
      const wrapped = c.identityWrap(bob.masterKey, c.identityKeypair().secretKey);
      throwsCode(() => c.identityUnwrap(alice.masterKey, wrapped), Status.WRONG_KEY);
      // With secret keys too.
      const keyA = c.accountSecretKeyGenerate();
      const a2 = c.passwordDerive('same password', rec, { accountId: 'alice', secretKey: keyA, policy: LOW });
      const b2 = c.passwordDerive('same password', rec, { accountId: 'bob', secretKey: keyA, policy: LOW });
      assert.notDeepEqual(a2.masterKey, b2.masterKey);
    });

    it('a record below the floor or above the ceiling is refused (WEAK_PARAMS), before any Argon2id work', async () => {
      const accountId = 'carol';
      const below = record(5, 16384, 1, 1);           // what a server cheapening guesses would serve
      throwsCode(() => c.passwordDerive('pw', below, { accountId }), Status.WEAK_PARAMS, CloakWeakParamsError);
      throwsCode(() => c.passwordDerive('pw', below, { accountId, policy: null }), Status.WEAK_PARAMS, CloakWeakParamsError);
      await rejectsCode(c.passwordDeriveAsync('pw', below, { accountId }), Status.WEAK_PARAMS, CloakWeakParamsError);
      // What a server stalling the client would serve: 1 GiB, twelve passes, and 1 GiB with sixteen
      // passes and lanes (the hard bounds). Argon2id would take minutes on them; the refusal comes
      // back at once, and the same records under a policy that admits them are checked but not derived.
      for (const [m, t, p] of [[1048576, 12, 1], [1048576, 16, 16], [262144, 12, 8]]) {
        const above = record(6, m, t, p);
        const t0 = performance.now();
        throwsCode(() => c.passwordDerive('pw', above, { accountId }), Status.WEAK_PARAMS, CloakWeakParamsError);
        await rejectsCode(c.passwordDeriveAsync('pw', above, { accountId, secretKey: rep(9, 20) }), Status.WEAK_PARAMS);
        const ms = performance.now() - t0;
        assert.ok(ms < 1000, `refusing ${m} KiB x ${t} took ${ms.toFixed(0)} ms: Argon2id ran`);
        c.passwordRecordCheck(above, c.passwordPolicy({ memoryKibMax: 1048576, costMax: 16 * 1048576, iterationsMax: 16, parallelismMax: 16 }));
      }
      // Under the policy the caller gives, not the default: the default record is above this one's ceiling.
      const tight = c.passwordPolicy({ memoryKibMin: 16384, costMin: 16384, memoryKibMax: 32768, costMax: 32768 });
      throwsCode(() => c.passwordDerive('pw', c.passwordRecordNew(), { accountId, policy: tight }), Status.WEAK_PARAMS);
      // And the record's own errors come before the policy's verdict.
      const damaged = below.slice(); damaged[0] = 0x01;
      throwsCode(() => c.passwordDerive('pw', damaged, { accountId }), Status.UNSUPPORTED_VERSION);
    });

    it('the legacy upgrade: derive under an explicit legacy policy, rewrap under a new record', () => {
      const accountId = 'dave@example.com';
      const secretKey = c.accountSecretKeyGenerate();
      const password = 'an old password, kept';
      // An account made when the application accepted 16 MiB x 1.
      const legacyRecord = c.passwordRecordNew({ memoryKib: 16384, iterations: 1, parallelism: 1 });
      const legacyPolicy = c.passwordPolicy({ memoryKibMin: 16384, costMin: 16384 });
      const old = c.passwordDerive(password, legacyRecord, { accountId, secretKey, policy: legacyPolicy });
      const id = c.identityKeypair();
      // The member's key is X-Wing (the default), the service account's an older X25519 one: both suites move.
      const enc = c.encryptionKeypair();
      const sa = c.encryptionKeypair(Suite.X25519);
      const wrapped = [c.identityWrap(old.masterKey, id.secretKey), c.encryptionWrap(old.masterKey, enc),
        c.serviceAccountWrap(old.masterKey, sa)];
      // The application raises its floor (here to 32 MiB x 1): the old record no longer passes.
      const raised = c.passwordPolicy({ memoryKibMin: 32768, costMin: 32768 });
      throwsCode(() => c.passwordRecordCheck(legacyRecord, raised), Status.WEAK_PARAMS, CloakWeakParamsError);
      throwsCode(() => c.passwordDerive(password, legacyRecord, { accountId, secretKey, policy: raised }), Status.WEAK_PARAMS);
      // The upgrade: derive once under the legacy policy (above), a new record, derive, rewrap each key.
      const newRecord = c.passwordRecordNew({ memoryKib: 32768, iterations: 1, parallelism: 1 });
      c.passwordRecordCheck(newRecord, raised);
      const fresh = c.passwordDerive(password, newRecord, { accountId, secretKey, policy: raised });
      assert.notDeepEqual(fresh.masterKey, old.masterKey);
      assert.notDeepEqual(fresh.loginKey, old.loginKey);
      const rewrapped = wrapped.map((w) => c.wrappedKeyRewrap(old.masterKey, fresh.masterKey, w));
      rewrapped.forEach((w, i) => {
        assert.equal(w.length, [c.sizes.wrappedKeyBytes, c.sizes.xwingWrappedKeyBytes, c.sizes.wrappedKeyBytes][i]);
        assert.notDeepEqual(w, wrapped[i]);
        // Same kind, same public key.
        assert.deepEqual(c.wrappedKeyPublicKey(w), c.wrappedKeyPublicKey(wrapped[i]));
      });
      assert.deepEqual(c.identityUnwrap(fresh.masterKey, rewrapped[0]), id);
      assert.deepEqual(c.encryptionUnwrap(fresh.masterKey, rewrapped[1]), enc);
      assert.deepEqual(c.serviceAccountUnwrap(fresh.masterKey, rewrapped[2]), sa);
      // The old master key opens none of the new ones.
      throwsCode(() => c.identityUnwrap(old.masterKey, rewrapped[0]), Status.WRONG_KEY);
      throwsCode(() => c.encryptionUnwrap(old.masterKey, rewrapped[1]), Status.WRONG_KEY);
      // Refusals: the same master key twice, the wrong old master key, a damaged wrapped key, not a wrapped key.
      throwsCode(() => c.wrappedKeyRewrap(old.masterKey, old.masterKey, wrapped[0]), Status.BAD_PARAMS);
      throwsCode(() => c.wrappedKeyRewrap(fresh.masterKey, old.masterKey, wrapped[0]), Status.WRONG_KEY, CloakWrongKeyError);
      const damaged = wrapped[1].slice(); damaged[damaged.length - 1] ^= 0x01;
      throwsCode(() => c.wrappedKeyRewrap(old.masterKey, fresh.masterKey, damaged), Status.AUTH);
      throwsCode(() => c.wrappedKeyRewrap(old.masterKey, fresh.masterKey, wrapped[0].subarray(0, 123)), Status.MALFORMED);
      throwsCode(() => c.wrappedKeyRewrap(old.masterKey, fresh.masterKey, newRecord), Status.WRONG_TYPE);
      throwsCode(() => c.wrappedKeyRewrap(old.masterKey.subarray(0, 31), fresh.masterKey, wrapped[0]), Status.BAD_PARAMS);
    });

    it('the secret key\'s text form: the specified layout, as people type it, refusals', () => {
      const key = c.accountSecretKeyGenerate();
      assert.equal(key.length, 20);
      assert.notDeepEqual(key, c.accountSecretKeyGenerate());
      const text = c.accountSecretKeyEncode(key, 'erin@example.com');
      assert.equal(text.length, 51);
      assert.match(text, /^CK1(-[0-9A-HJKMNP-TV-Z]{5}){8}$/);
      assert.equal(text, independentKitText(key, 'erin@example.com'));
      assert.deepEqual(c.accountSecretKeyDecode(text, 'erin@example.com'), key);
      assert.deepEqual(c.accountSecretKeyDecode(utf8(text), utf8('erin@example.com')), key);
      // Fixed keys, against the independent encoder: zeros, ones, a binary account id of 255 bytes.
      const id255 = new Uint8Array(255).map((_, i) => 255 - i);
      for (const [k, id] of [[rep(0, 20), 'a'], [rep(0xff, 20), 'b'], [new Uint8Array(20).map((_, i) => i * 13), id255]]) {
        const t = c.accountSecretKeyEncode(k, id);
        assert.equal(t, independentKitText(k, id));
        assert.deepEqual(c.accountSecretKeyDecode(t, id), k);
      }
      // As a person types it: lower case, no dashes, spaces around, I and L for 1, O for 0.
      const zeros = c.accountSecretKeyEncode(rep(0, 20), 'a');  // "CK1-00000-00000-00000-0000..." then the checksum
      assert.ok(zeros.startsWith('CK1-00000-00000-00000-00000'));
      const typed = [
        text.toLowerCase(),
        text.replace(/-/g, ''),
        `CK1${text.slice(4).replace(/-/g, '')}`,
        text.replace('CK1-', 'CK1'),
        ` \t${text}\r\n`,
      ];
      for (const t of typed) assert.deepEqual(c.accountSecretKeyDecode(t, 'erin@example.com'), key, t);
      assert.deepEqual(c.accountSecretKeyDecode(zeros.replace(/0/g, 'O'), 'a'), rep(0, 20));
      assert.deepEqual(c.accountSecretKeyDecode(zeros.replace(/0/g, 'o'), 'a'), rep(0, 20));
      const ones = c.accountSecretKeyEncode(rep(0x08, 20), 'a');  // 00001000 repeated: the digit 1 appears
      assert.ok(ones.slice(4).includes('1'));
      assert.deepEqual(c.accountSecretKeyDecode('CK1' + ones.slice(3).replace(/1/g, 'I'), 'a'), rep(0x08, 20));
      assert.deepEqual(c.accountSecretKeyDecode('CK1' + ones.slice(3).replace(/1/g, 'l'), 'a'), rep(0x08, 20));
      // Refusals: another account's id or a typing error (checksum), another version, another layout.
      throwsCode(() => c.accountSecretKeyDecode(text, 'erin@example.org'), Status.CHECKSUM, CloakChecksumError);
      for (const i of [4, 10, 25, 50]) {
        const ch = text[i] === 'A' ? 'B' : 'A';
        throwsCode(() => c.accountSecretKeyDecode(text.slice(0, i) + ch + text.slice(i + 1), 'erin@example.com'), Status.CHECKSUM);
      }
      // Two neighbouring characters swapped (where they differ).
      const j = [...text.slice(4)].findIndex((ch, i, a) => i + 1 < a.length && ch !== a[i + 1] && ch !== '-' && a[i + 1] !== '-') + 4;
      throwsCode(() => c.accountSecretKeyDecode(text.slice(0, j) + text[j + 1] + text[j] + text.slice(j + 2), 'erin@example.com'), Status.CHECKSUM);
      throwsCode(() => c.accountSecretKeyDecode(text.replace('CK1', 'CK2'), 'erin@example.com'), Status.UNSUPPORTED_VERSION);
      for (const bad of [
        '', 'CK1', text.replace('CK1', 'CX1'), text.replace('CK1', 'CKA'), text.slice(0, 50), `${text}0`,
        `${text.slice(0, 8)}U${text.slice(9)}`,                        // U is not in the alphabet
        `${text.slice(0, 8)}-${text[8]}${text.slice(10)}`,             // a dash out of place, the length kept
        text.slice(0, 15) + text.slice(15).replace(/-/g, ''),          // dashes after some groups only
        text.replace(/-/g, ' '), `CK1--${text.slice(4)}`, `${text}-`, `x${text}`,
      ]) {
        throwsCode(() => c.accountSecretKeyDecode(bad, 'erin@example.com'), Status.MALFORMED, lib.CloakMalformedError);
      }
      // Account ids: 1 to 255 bytes; a key of another size.
      throwsCode(() => c.accountSecretKeyEncode(key, ''), Status.BAD_PARAMS);
      throwsCode(() => c.accountSecretKeyEncode(key, 'x'.repeat(256)), Status.BAD_PARAMS);
      throwsCode(() => c.accountSecretKeyDecode(text, ''), Status.BAD_PARAMS);
      throwsCode(() => c.accountSecretKeyEncode(key.subarray(0, 19), 'erin@example.com'), Status.BAD_PARAMS);
      // The decoded key derives what the generated one derives.
      const rec = record(0x21);
      assert.deepEqual(
        c.passwordDerive('pw', rec, { accountId: 'erin@example.com', secretKey: c.accountSecretKeyDecode(text.toLowerCase(), 'erin@example.com'), policy: LOW }),
        c.passwordDerive('pw', rec, { accountId: 'erin@example.com', secretKey: key, policy: LOW }));
    });

    it('the Argon2id kernel is named', () => {
      const name = c.passwordKernel();
      assert.ok(name.length > 0);
      // The module names the reference kernel it was built with; the addon, the native library's.
      assert.equal(/WebAssembly/.test(name), backendName === 'wasm', name);
    });

    it('argument checks: TypeErrors naming the parameter', async () => {
      const typeError = (fn, param) => assert.throws(fn, (e) => {
        assert.ok(e instanceof TypeError && !(e instanceof CloakError), `not a TypeError: ${e}`);
        assert.match(e.message, new RegExp(`^${param} `));
        return true;
      });
      const r = record(1);
      typeError(() => c.passwordDerive('pw', r), 'options');
      typeError(() => c.passwordDerive('pw', r, {}), 'accountId');
      typeError(() => c.passwordDerive('pw', r, { accountId: 7 }), 'accountId');
      typeError(() => c.passwordDerive('pw', r, { accountId: 'a', secretKey: 'CK1-...' }), 'secretKey');
      typeError(() => c.passwordDerive('pw', r, { accountId: 'a', policy: [1, 2] }), 'policy');
      typeError(() => c.passwordDerive(7, r, { accountId: 'a' }), 'password');
      await assert.rejects(c.passwordDeriveAsync('pw', r), TypeError);
      typeError(() => c.passwordPolicy(), 'bounds');
      typeError(() => c.passwordPolicy({ costMin: '1' }), 'costMin');
      typeError(() => c.passwordRecordCheck('record'), 'record');
      typeError(() => c.accountSecretKeyEncode('key', 'a'), 'secretKey');
      typeError(() => c.accountSecretKeyEncode(rep(0, 20)), 'accountId');
      typeError(() => c.accountSecretKeyDecode(5, 'a'), 'text');
      typeError(() => c.wrappedKeyRewrap('a', rep(0, 32), rep(0, 124)), 'oldMasterKey');
    });
  });
}
