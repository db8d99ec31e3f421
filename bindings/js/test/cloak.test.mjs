// One test file, run against both backends (the native addon and the WebAssembly build): every
// operation of the API, the shared vectors (RFC 9180 Base recipient side, the worked example of
// tests/vectors/libcloak.json), exact error codes, epochs (stale shares, another epoch's secrets),
// batches bound to their vault, epoch and head (stale, expired, repeated and forged items), vault
// heads with their chain and Merkle proofs, uint64 values beyond 2^53, states that stay at one
// address, and interop of vault-key shares with an independent HPKE implementation (@hpke/core)
// both ways, built from docs/protocol.md section 8 alone. Passwords against a hostile server (the
// account secret key, the cost policy, the account-bound salt, rewrapping) are test/password.test.mjs.
//
// LIBCLOAK_JS_BACKENDS=native,wasm (the default) chooses the backends; a backend listed but not
// loadable fails the run rather than being skipped.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, createPrivateKey, createPublicKey, sign as edSign, verify as edVerify } from 'node:crypto';
import { CipherSuite } from '@hpke/core';
import { DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/dhkem-x25519';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import * as lib from '../dist/index.js';
import * as opsModule from '../dist/ops.js';

const {
  load, utf8, ObjectType, Status, Suite, CloakError, CloakMalformedError, CloakAuthError, CloakWrongKeyError,
  CloakWrongTypeError, CloakBadSignatureError, CloakUntrustedSignerError, CloakBadParamsError,
  CloakChecksumError, CloakMismatchError, CloakUnsupportedVersionError, CloakUnsupportedSuiteError,
  CloakInvalidKeyError, CloakStaleError, CloakExpiredError, CloakBadStateError,
} = lib;

const hex = (s) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b) => Buffer.from(b).toString('hex');
const cat = (...xs) => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) { out.set(x, o); o += x.length; }
  return out;
};
const lp8 = (x) => cat(new Uint8Array([x.length]), typeof x === 'string' ? utf8(x) : x);
const rep = (byte, n) => new Uint8Array(n).fill(byte);
const vectors = new URL('../../../tests/vectors/', import.meta.url);

// The worked example's values (Alice, Bob, the vault "vault-1", the batch of two items), taken from
// the cases of tests/vectors/libcloak.json by name: test/vectors.test.mjs replays every case, and
// the tests below use the same values for what the file does not cover (round trips, every byte
// tampered, interop).
const CASES = new Map(JSON.parse(readFileSync(new URL('libcloak.json', vectors), 'utf8')).cases.map((k) => [k.name, k]));
function caseValue(name, side, key) {
  const k = CASES.get(name);
  assert.ok(k && Object.hasOwn(k[side], key), `libcloak.json has no case ${name} with ${side}.${key}`);
  const v = k[side][key];
  return Array.isArray(v) ? v.map(hex) : key === 'text' ? v : hex(v);
}
const input = (name, key) => caseValue(name, 'inputs', key);
const output = (name, key) => caseValue(name, 'outputs', key);
const EX = {
  aliceIdSeed: input('alice/identity-keypair', 'seed'),
  aliceIdPk: output('alice/identity-keypair', 'public_key'),
  aliceEncSeed: input('alice/encryption-keypair', 'seed'),
  aliceEncSk: output('alice/encryption-keypair', 'secret_key'),
  aliceEncPk: output('alice/encryption-keypair', 'public_key'),
  bobEncSk: output('bob/encryption-keypair', 'secret_key'),
  bobEncPk: output('bob/encryption-keypair', 'public_key'),
  password: new TextDecoder().decode(input('password-derive/smallest-cost', 'password')),
  accountId: input('password-derive/smallest-cost', 'account_id'),
  lowPolicy: input('password-derive/smallest-cost', 'policy'),
  record: output('password-record/smallest-cost', 'record'),
  masterKey: output('password-derive/smallest-cost', 'master_key'),
  loginKey: output('password-derive/smallest-cost', 'login_key'),
  accountSecretKey: input('password-derive/smallest-cost-with-secret-key', 'secret_key'),
  masterKeyWithSecretKey: output('password-derive/smallest-cost-with-secret-key', 'master_key'),
  loginKeyWithSecretKey: output('password-derive/smallest-cost-with-secret-key', 'login_key'),
  accountSecretKeyText: output('account-secret-key-encode/alice', 'text'),
  masterKeyId: output('key-id/master-key', 'key_id'),
  idBlob: output('identity-public/alice', 'blob'),
  idText: output('text/identity-public-key', 'text'),
  bundle: output('bundle/alice', 'bundle'),
  signature: output('identity-sign/hello', 'signature'),
  wrappedId: input('identity-unwrap/ok', 'wrapped'),
  wrappedEnc: input('encryption-unwrap/ok', 'wrapped'),
  accountKey: output('account-key/bob', 'blob'),
  accountKeyText: output('text/account-key', 'text'),
  vaultKey: input('key-id/vault-key', 'key'),
  vaultKeyId: output('key-id/vault-key', 'key_id'),
  sealed: input('secret-open/ok', 'sealed'),
  blindIndex: output('blind-index/database-url', 'index'),
  share: input('share-open/ok', 'share'),
  batch: input('batch-open/two-items', 'blob'),
  item0: input('batch-open/two-items', 'items')[0],
  item1: input('batch-open/two-items', 'items')[1],
  fingerprint: output('fingerprint/alice', 'text'),
};

/** A size the library reports; one missing from the table fails rather than reading undefined. */
function s0(c, name) {
  assert.ok(Object.hasOwn(c.sizes, name), `no size ${name}`);
  return c.sizes[name];
}

/** Expects `fn` to throw the CloakError subclass for `code`. */
function throwsCode(fn, code, cls) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof CloakError, `not a CloakError: ${e}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code} (${e.message})`);
    if (cls) assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}`);
    return true;
  });
}

async function rejectsCode(p, code) {
  await assert.rejects(p, (e) => e instanceof CloakError && e.code === code);
}

// Ed25519 and X25519 through Node's crypto, for the independent side of the interop tests.
const ed25519Private = (seed) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
const ed25519Public = (pk) =>
  createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pk)]), format: 'der', type: 'spki' });
const publicKeyId = (pk) => createHash('sha256').update(lp8('libcloak v2 public key id')).update(pk).digest().subarray(0, 16);
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Chacha20Poly1305() });

const backends = (process.env.LIBCLOAK_JS_BACKENDS ?? 'native,wasm').split(',').filter(Boolean);

describe('the operation table', () => {
  it('every operation of include/cloak.h is used by the API (dist/cloak.js)', async () => {
    const { Op } = await import('../dist/ops.js');
    const source = readFileSync(new URL('../dist/cloak.js', import.meta.url), 'utf8');
    // The version numbers travel in the SIZES table; every other function needs a method.
    const inSizes = new Set(['VERSION_MAJOR', 'VERSION_MINOR', 'VERSION_PATCH']);
    const unused = Object.keys(Op).filter((name) => !inSizes.has(name) && !source.includes(`Op.${name}`));
    assert.deepEqual(unused, []);
  });
});

for (const backendName of backends) {
  describe(`libcloak (${backendName})`, () => {
    let c;
    before(async () => {
      c = await load({ backend: backendName });
      assert.equal(c.backendName, backendName);
    });
    after(() => c.close());

    it('sizes and version are the header\'s', () => {
      assert.deepEqual([s0(c, 'passwordMemoryKibDefault'), s0(c, 'passwordIterationsDefault'), s0(c, 'passwordParallelismDefault'),
        s0(c, 'passwordBytesMax'), s0(c, 'batchItemsMax'), s0(c, 'hpkeExportBytesMax'), s0(c, 'wrappedKeyPublicKeyBytes')],
      [65536, 3, 4, 4096, 1000000, 8160, 32]);
      assert.equal(c.version.string, '0.1.0');
      assert.deepEqual([c.version.major, c.version.minor, c.version.patch], [0, 1, 0]);
      const s = c.sizes;
      assert.deepEqual(
        [s.keyBytes, s.keyIdBytes, s.labelBytesMax, s.headerBytes, s.identityPublicKeyBytes, s.identitySecretKeyBytes,
          s.identitySeedBytes, s.signatureBytes, s.encryptionPublicKeyBytes, s.encryptionSecretKeyBytes, s.encryptionSeedBytes,
          s.publicKeyBlobBytes, s.bundleBytes, s.wrappedKeyBytes, s.serviceAccountPrivateBlobBytes, s.shareBytes,
          s.batchDigestBytes, s.batchTagBytes, s.headHashBytes, s.blindIndexBytes, s.passwordSaltBytes, s.passwordRecordBytes,
          s.fingerprintTextBytes, s.pairCodeTextBytes, s.vaultStateBytes, s.batchStateBytes, s.headStateBytes, s.hpkeContextBytes,
          s.hpkeEncBytes, s.hpkeTagBytes, s.rosterEntryBytes, s.merkleLeafBytes, s.merkleHashBytes],
        [32, 16, 255, 20, 32, 64, 32, 64, 32, 32, 32, 52, 148, 124, 84, 200, 32, 16, 32, 32, 16, 48, 36, 72, 512, 2048, 256, 128,
          32, 16, 52, 64, 32]);
      assert.deepEqual([s.rosterMember, s.rosterServiceAccount, s.permissionWrite, s.permissionAdmin], [1, 2, 1, 2]);
      // Suite 2 (X-Wing): keys, blobs, the encapsulation; the suites and the policy bit.
      assert.deepEqual(
        [s.xwingPublicKeyBytes, s.xwingSecretKeyBytes, s.xwingSeedBytes, s.xwingKeyhashBytes, s.xwingPublicKeyBlobBytes,
          s.xwingBundleBytes, s.xwingWrappedKeyBytes, s.xwingServiceAccountPrivateBlobBytes, s.xwingShareBytes, s.xwingEncBytes],
        [1216, 32, 32, 32, 1236, 1332, 1308, 1268, 1288, 1120]);
      assert.deepEqual([s.suiteX25519, s.suiteXwing, s.vaultPostQuantumOnly], [Suite.X25519, Suite.XWING, lib.VaultPolicy.POST_QUANTUM_ONLY]);
    });

    it('status strings and one error class per code', () => {
      const classes = new Set();
      for (const [name, code] of Object.entries(Status)) {
        assert.ok(c.statusString(code).length > 0);
        if (code === 0) continue;
        const e = lib.errorFor(code);
        assert.equal(e.code, code);
        assert.equal(e.status, name);
        assert.ok(e instanceof CloakError);
        classes.add(e.constructor);
      }
      assert.equal(classes.size, 20);
      assert.deepEqual([Status.STALE, Status.EXPIRED, Status.BAD_STATE, Status.WEAK_PARAMS, Status.POLICY], [-16, -17, -18, -19, -20]);
      assert.ok(lib.errorFor(Status.WEAK_PARAMS) instanceof lib.CloakWeakParamsError);
      assert.ok(lib.errorFor(Status.POLICY) instanceof lib.CloakPolicyError);
      assert.ok(lib.errorFor(Status.STALE) instanceof CloakStaleError);
      assert.ok(lib.errorFor(Status.EXPIRED) instanceof CloakExpiredError);
      assert.ok(lib.errorFor(Status.BAD_STATE) instanceof CloakBadStateError);
      assert.ok(c.statusString(-999).length > 0);
    });

    it('blob headers and text forms', () => {
      const { type, keyId } = c.blobInspect(EX.idBlob);
      assert.equal(type, ObjectType.IDENTITY_PUBLIC_KEY);
      assert.equal(toHex(keyId), toHex(EX.idBlob.subarray(4, 20)));
      assert.equal(c.textEncode(EX.idBlob), EX.idText);
      assert.equal(c.textEncode(EX.accountKey), EX.accountKeyText);
      assert.deepEqual(c.textDecode(EX.idText), EX.idBlob);
      assert.deepEqual(c.textDecode(`  ${EX.accountKeyText}\n`), EX.accountKey);
      assert.ok(c.textEncodedLen(52) >= EX.idText.length + 1);
      assert.ok(c.textDecodedMaxlen(EX.idText.length) >= 52);
      // A changed character is a checksum error; a wrong type name is malformed.
      const t = EX.idText.slice(0, 30) + (EX.idText[30] === 'A' ? 'B' : 'A') + EX.idText.slice(31);
      throwsCode(() => c.textDecode(t), Status.CHECKSUM, CloakChecksumError);
      throwsCode(() => c.textDecode(EX.idText.replace('identity', 'pubkey')), Status.MALFORMED, CloakMalformedError);
      throwsCode(() => c.textDecode('cloak-identity-!!!'), Status.MALFORMED);
      // Header order of section 2.
      throwsCode(() => c.blobInspect(EX.idBlob.subarray(0, 19)), Status.MALFORMED);
      const v1 = EX.idBlob.slice(); v1[0] = 1;
      throwsCode(() => c.blobInspect(v1), Status.UNSUPPORTED_VERSION, CloakUnsupportedVersionError);
      const s2 = EX.idBlob.slice(); s2[3] = 2; // an identity key has no suite 2
      throwsCode(() => c.blobInspect(s2), Status.UNSUPPORTED_SUITE, CloakUnsupportedSuiteError);
      const s3 = EX.idBlob.slice(); s3[3] = 3;
      throwsCode(() => c.blobInspect(s3), Status.UNSUPPORTED_SUITE);
      assert.equal(c.blobSuite(EX.idBlob), Suite.X25519);
      const t0 = EX.idBlob.slice(); t0[1] = 0x7f;
      throwsCode(() => c.blobInspect(t0), Status.MALFORMED);
    });

    it('key ids and vault keys', () => {
      assert.deepEqual(c.keyId(EX.masterKey), EX.masterKeyId);
      assert.deepEqual(c.keyId(EX.vaultKey), EX.vaultKeyId);
      const a = c.vaultKeyGenerate();
      const b = c.vaultKeyGenerate();
      assert.equal(a.length, 32);
      assert.notDeepEqual(a, b);
      throwsCode(() => c.keyId(new Uint8Array(31)), Status.BAD_PARAMS, CloakBadParamsError);
    });

    it('password records and derivation (worked example), sync and async', async () => {
      assert.deepEqual(c.passwordRecordEncode(rep(0x5a, 16), { memoryKib: 16384, iterations: 1, parallelism: 1 }), EX.record);
      assert.deepEqual(c.passwordRecordDecode(EX.record), { salt: rep(0x5a, 16), memoryKib: 16384, iterations: 1, parallelism: 1 });
      const fresh = c.passwordRecordNew();
      const d = c.passwordRecordDecode(fresh);
      assert.deepEqual([d.memoryKib, d.iterations, d.parallelism], [65536, 3, 4]);
      assert.notDeepEqual(c.passwordRecordDecode(c.passwordRecordNew()).salt, d.salt);
      throwsCode(() => c.passwordRecordNew({ memoryKib: 16383 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordRecordNew({ iterations: 17 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordRecordNew({ parallelism: 0 }), Status.BAD_PARAMS);
      throwsCode(() => c.passwordRecordNew({ memoryKib: 2 ** 32 }), Status.BAD_PARAMS);
      // The worked example's record is below the default policy's floor: the example passes its own, lower policy.
      const opts = { accountId: EX.accountId, policy: EX.lowPolicy };
      throwsCode(() => c.passwordDerive(EX.password, EX.record, { accountId: EX.accountId }), Status.WEAK_PARAMS, lib.CloakWeakParamsError);
      const k = c.passwordDerive(EX.password, EX.record, opts);
      assert.deepEqual(k.masterKey, EX.masterKey);
      assert.deepEqual(k.loginKey, EX.loginKey);
      const ka = await c.passwordDeriveAsync(utf8(EX.password), EX.record, opts);
      assert.deepEqual(ka, k);
      const withKey = { ...opts, secretKey: c.accountSecretKeyDecode(EX.accountSecretKeyText, EX.accountId) };
      assert.deepEqual(withKey.secretKey, EX.accountSecretKey);
      assert.deepEqual(await c.passwordDeriveAsync(EX.password, EX.record, withKey),
        { masterKey: EX.masterKeyWithSecretKey, loginKey: EX.loginKeyWithSecretKey });
      assert.equal(c.accountSecretKeyEncode(EX.accountSecretKey, EX.accountId), EX.accountSecretKeyText);
      throwsCode(() => c.passwordDerive('', EX.record, opts), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('x'.repeat(4097), EX.record, opts), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', EX.record.subarray(0, 47), opts), Status.MALFORMED);
      await rejectsCode(c.passwordDeriveAsync('pw', EX.idBlob, opts), Status.WRONG_TYPE);
      // Four lanes (the default parallelism) at the smallest memory: the same keys both ways.
      const r4 = c.passwordRecordEncode(rep(1, 16), { memoryKib: 16384, iterations: 1, parallelism: 4 });
      assert.deepEqual(await c.passwordDeriveAsync('pw', r4, opts), c.passwordDerive('pw', r4, opts));
    });

    it('the async derivation leaves the event loop free', async () => {
      const r = c.passwordRecordEncode(rep(2, 16), { memoryKib: 65536, iterations: 2, parallelism: 1 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const t0 = performance.now();
      await c.passwordDeriveAsync('pw', r, { accountId: 'a', policy: EX.lowPolicy });
      const ms = performance.now() - t0;
      clearInterval(timer);
      assert.ok(ticks >= 3, `event loop ran ${ticks} times in ${ms.toFixed(0)} ms`);
    });

    it('identity keys, signatures, fingerprints (worked example)', () => {
      const id = c.identityKeypairFromSeed(EX.aliceIdSeed);
      assert.deepEqual(id.publicKey, EX.aliceIdPk);
      assert.deepEqual(id.secretKey, cat(EX.aliceIdSeed, EX.aliceIdPk));
      const sig = c.identitySign(utf8('hello'), 'example', id.secretKey);
      assert.deepEqual(sig, EX.signature);
      c.identityVerify(sig, utf8('hello'), 'example', id.publicKey);
      throwsCode(() => c.identityVerify(sig, utf8('hellp'), 'example', id.publicKey), Status.BAD_SIGNATURE, CloakBadSignatureError);
      throwsCode(() => c.identityVerify(sig, utf8('hello'), 'other', id.publicKey), Status.BAD_SIGNATURE);
      const r = c.identityKeypair();
      assert.notDeepEqual(r.publicKey, c.identityKeypair().publicKey);
      c.identityVerify(c.identitySign(new Uint8Array(0), '', r.secretKey), new Uint8Array(0), '', r.publicKey);
      throwsCode(() => c.identitySign(utf8('m'), 'x'.repeat(256), r.secretKey), Status.BAD_PARAMS);
      assert.equal(c.identityFingerprint(EX.aliceIdPk), EX.fingerprint);
      const bobId = c.identityKeypairFromSeed(rep(0x21, 32)).publicKey;
      assert.equal(c.identityPairCode(EX.aliceIdPk, bobId), c.identityPairCode(bobId, EX.aliceIdPk));
      assert.equal(c.identityPairCode(EX.aliceIdPk, bobId).split(' ').length, 12);
      // Signatures agree with an independent Ed25519 over the spec's message layout (section 5.3).
      const msg = cat(lp8('libcloak v2 user signature'), EX.aliceIdPk, lp8('example'), createHash('sha512').update('hello').digest());
      assert.ok(edVerify(null, msg, ed25519Public(EX.aliceIdPk), sig));
    });

    it('X25519 encryption keys and public key blobs (worked example)', () => {
      const enc = c.encryptionKeypairFromSeed(EX.aliceEncSeed, Suite.X25519);
      assert.deepEqual(enc, { publicKey: EX.aliceEncPk, secretKey: EX.aliceEncSk, suite: Suite.X25519 });
      throwsCode(() => c.encryptionKeypairFromSeed(new Uint8Array(31), Suite.X25519), Status.BAD_PARAMS);
      const r = c.encryptionKeypair(Suite.X25519);
      assert.equal(r.publicKey.length, 32);
      assert.notDeepEqual(r.publicKey, c.encryptionKeypair(Suite.X25519).publicKey);
      assert.equal(c.encryptionSuite(r.publicKey), Suite.X25519);
      assert.deepEqual(c.keyBinding(r.publicKey), r.publicKey);
      assert.deepEqual(c.encryptionKeyId(EX.aliceEncPk), new Uint8Array(publicKeyId(EX.aliceEncPk)));
      assert.deepEqual(c.identityPublicExport(EX.aliceIdPk), EX.idBlob);
      assert.deepEqual(c.identityPublicImport(EX.idBlob), EX.aliceIdPk);
      const eb = c.encryptionPublicExport(EX.aliceEncPk);
      assert.equal(c.blobInspect(eb).type, ObjectType.ENCRYPTION_PUBLIC_KEY);
      assert.deepEqual(c.encryptionPublicImport(eb), EX.aliceEncPk);
      assert.deepEqual(c.encryptionPublicImport(eb, Suite.X25519), EX.aliceEncPk);
      throwsCode(() => c.encryptionPublicImport(eb, Suite.XWING), Status.UNSUPPORTED_SUITE, CloakUnsupportedSuiteError);
      throwsCode(() => c.encryptionPublicImport(EX.idBlob), Status.WRONG_TYPE, CloakWrongTypeError);
      throwsCode(() => c.identityPublicImport(cat(EX.idBlob, new Uint8Array(1))), Status.MALFORMED);
      const bad = EX.idBlob.slice(); bad[4] ^= 1;
      throwsCode(() => c.identityPublicImport(bad), Status.MALFORMED);
    });

    it('bundles (worked example), every byte tampered', () => {
      const id = c.identityKeypairFromSeed(EX.aliceIdSeed);
      assert.deepEqual(c.bundleCreate(id.secretKey, EX.aliceEncPk), EX.bundle);
      const v = c.bundleVerify(EX.bundle);
      assert.deepEqual(v, { identityPublicKey: EX.aliceIdPk, encryptionPublicKey: EX.aliceEncPk, suite: Suite.X25519 });
      for (let i = 0; i < EX.bundle.length; i++) {
        const t = EX.bundle.slice(); t[i] ^= 0x01;
        assert.throws(() => c.bundleVerify(t), (e) => e instanceof CloakError, `byte ${i}`);
      }
      for (let n = 0; n < EX.bundle.length; n++) throwsCode(() => c.bundleVerify(EX.bundle.subarray(0, n)), Status.MALFORMED);
      throwsCode(() => c.bundleVerify(cat(EX.bundle, new Uint8Array(1))), Status.MALFORMED);
      const sigT = EX.bundle.slice(); sigT[100] ^= 1;
      throwsCode(() => c.bundleVerify(sigT), Status.BAD_SIGNATURE);
    });

    it('wrapped keys (worked example) of the three kinds', () => {
      const id = c.identityUnwrap(EX.masterKey, EX.wrappedId);
      assert.deepEqual(id.publicKey, EX.aliceIdPk);
      assert.deepEqual(id.secretKey, cat(EX.aliceIdSeed, EX.aliceIdPk));
      const enc = c.encryptionUnwrap(EX.masterKey, EX.wrappedEnc);
      assert.deepEqual(enc, { publicKey: EX.aliceEncPk, secretKey: EX.aliceEncSk, suite: Suite.X25519 });
      assert.deepEqual(c.wrappedKeyPublicKey(EX.wrappedId), { publicKey: EX.aliceIdPk, type: ObjectType.WRAPPED_IDENTITY_KEY, suite: Suite.X25519 });
      // Round trips with fresh nonces.
      const w1 = c.identityWrap(EX.masterKey, id.secretKey);
      assert.notDeepEqual(w1, EX.wrappedId);
      assert.deepEqual(c.identityUnwrap(EX.masterKey, w1), id);
      const w2 = c.encryptionWrap(EX.masterKey, EX.aliceEncSk, Suite.X25519);
      assert.deepEqual(c.encryptionUnwrap(EX.masterKey, w2), enc);
      assert.deepEqual(c.encryptionUnwrap(EX.masterKey, c.encryptionWrap(EX.masterKey, enc)), enc);
      const sa = c.encryptionKeypair(Suite.X25519);
      const w3 = c.serviceAccountWrap(EX.masterKey, sa);
      assert.deepEqual(c.serviceAccountUnwrap(EX.masterKey, w3), sa);
      assert.equal(c.wrappedKeyPublicKey(w3).type, ObjectType.WRAPPED_SERVICE_ACCOUNT_KEY);
      // A wrapped key of one kind is not another kind; another master key is the wrong key.
      throwsCode(() => c.encryptionUnwrap(EX.masterKey, EX.wrappedId), Status.WRONG_TYPE);
      throwsCode(() => c.serviceAccountUnwrap(EX.masterKey, w2), Status.WRONG_TYPE);
      throwsCode(() => c.identityUnwrap(rep(1, 32), EX.wrappedId), Status.WRONG_KEY, CloakWrongKeyError);
      throwsCode(() => c.wrappedKeyPublicKey(EX.idBlob), Status.WRONG_TYPE);
      for (let i = 52; i < EX.wrappedEnc.length; i++) {
        const t = EX.wrappedEnc.slice(); t[i] ^= 0x80;
        throwsCode(() => c.encryptionUnwrap(EX.masterKey, t), Status.AUTH, CloakAuthError);
      }
      const pkT = EX.wrappedEnc.slice(); pkT[20] ^= 1;
      throwsCode(() => c.encryptionUnwrap(EX.masterKey, pkT), Status.AUTH);
    });

    it('service-account keys in the clear (worked example)', () => {
      assert.deepEqual(c.serviceAccountPrivateExport(EX.bobEncPk, EX.bobEncSk), EX.accountKey);
      assert.deepEqual(c.serviceAccountPrivateImport(EX.accountKey), { publicKey: EX.bobEncPk, secretKey: EX.bobEncSk, suite: Suite.X25519 });
      assert.deepEqual(c.serviceAccountPrivateImport(c.textDecode(EX.accountKeyText)).publicKey, EX.bobEncPk);
      throwsCode(() => c.serviceAccountPrivateExport(EX.aliceEncPk, EX.bobEncSk), Status.MISMATCH, CloakMismatchError);
      const t = EX.accountKey.slice(); t[30] ^= 1;
      throwsCode(() => c.serviceAccountPrivateImport(t), Status.MISMATCH);
    });

    it('vaults, secrets, epochs, padding, blind indexes, rotation (worked example)', () => {
      const v = c.vaultInit(EX.vaultKey, 1, 'vault-1');
      assert.equal(v.epoch, 1);
      assert.deepEqual(v.keyId(), EX.vaultKeyId);
      assert.equal(new TextDecoder().decode(v.openSecret('DATABASE_URL', EX.sealed, 'prod')), 'postgres://app:s3cret@db/app');
      assert.deepEqual(v.blindIndex('DATABASE_URL'), EX.blindIndex);
      const value = utf8('tok_123');
      const s = v.sealSecret('API_TOKEN', value);
      assert.equal(s.length, c.secretSealedLen(value.length));
      assert.equal(s.length, 128, 'a short value fills the 64-byte bucket');
      assert.equal(c.secretOpenedLen(s.length), 60);
      assert.equal(c.secretOpenedLen(59), 0);
      assert.deepEqual(v.openSecret('API_TOKEN', s), value);
      assert.deepEqual(v.openSecret('EMPTY', v.sealSecret('EMPTY', new Uint8Array(0))), new Uint8Array(0));
      // Two lengths in one bucket give blobs of one length.
      assert.equal(v.sealSecret('A', new Uint8Array(1)).length, v.sealSecret('A', new Uint8Array(60)).length);
      assert.equal(c.secretSealedLen(1000), c.secretSealedLen(1001));
      // Bound to name, context, vault id and epoch.
      throwsCode(() => v.openSecret('API_TOKEN2', s), Status.AUTH, CloakAuthError);
      throwsCode(() => v.openSecret('API_TOKEN', s, 'prod'), Status.AUTH);
      throwsCode(() => c.vaultInit(EX.vaultKey, 1, 'vault-2').openSecret('API_TOKEN', s), Status.AUTH);
      throwsCode(() => c.vaultInit(EX.vaultKey, 2, 'vault-1').openSecret('API_TOKEN', s), Status.MISMATCH, CloakMismatchError);
      throwsCode(() => v.sealSecret('', value), Status.BAD_PARAMS);
      throwsCode(() => c.vaultInit(EX.vaultKey, 1, ''), Status.BAD_PARAMS);
      throwsCode(() => c.vaultInit(EX.vaultKey, 0, 'vault-1'), Status.BAD_PARAMS);
      // Every byte tampered: header fields by their error, the epoch by the vault's, the rest by authentication.
      for (let i = 0; i < EX.sealed.length; i++) {
        const t = EX.sealed.slice(); t[i] ^= 0x01;
        const want = i === 0 ? Status.UNSUPPORTED_VERSION : i === 1 ? Status.WRONG_TYPE : i < 4 ? Status.UNSUPPORTED_SUITE
          : i < 20 ? Status.WRONG_KEY : i < 24 ? Status.MISMATCH : Status.AUTH;
        throwsCode(() => v.openSecret('DATABASE_URL', t, 'prod'), want);
      }
      for (let n = 0; n < EX.sealed.length; n++) throwsCode(() => v.openSecret('DATABASE_URL', EX.sealed.subarray(0, n), 'prod'), Status.MALFORMED);
      // Rotation: reseal under the next epoch's key; the old blob is then the wrong key for the new vault.
      const nv = c.vaultInit(c.vaultKeyGenerate(), 2, 'vault-1');
      const moved = v.resealSecret(nv, 'DATABASE_URL', EX.sealed, 'prod');
      assert.equal(moved.length, EX.sealed.length);
      assert.equal(new TextDecoder().decode(nv.openSecret('DATABASE_URL', moved, 'prod')), 'postgres://app:s3cret@db/app');
      throwsCode(() => nv.openSecret('DATABASE_URL', EX.sealed, 'prod'), Status.WRONG_KEY);
      throwsCode(() => v.resealSecret(nv, 'OTHER', EX.sealed, 'prod'), Status.AUTH);
      assert.notDeepEqual(nv.blindIndex('DATABASE_URL'), EX.blindIndex);
      v.wipe();
      throwsCode(() => v.keyId(), Status.BAD_STATE, CloakBadStateError);
      nv.dispose();
      throwsCode(() => nv.epoch, Status.BAD_STATE);
    });

    it('vault-key shares (worked example): epochs, stale shares, every byte tampered', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      assert.deepEqual(c.shareSender(EX.share), EX.aliceIdPk);
      assert.deepEqual(c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), { vaultKey: EX.vaultKey, epoch: 1 });
      const s = c.shareSeal(EX.vaultKey, 5, 'vault-1', EX.bobEncPk, alice.secretKey);
      assert.equal(s.length, 200);
      assert.deepEqual(c.shareOpen(s, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk, 5), { vaultKey: EX.vaultKey, epoch: 5 });
      // A share older than the newest epoch seen (a rollback after rotation) is stale.
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk, 2), Status.STALE, CloakStaleError);
      throwsCode(() => c.shareOpen(s, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk, 6), Status.STALE);
      throwsCode(() => c.shareSeal(EX.vaultKey, 0, 'vault-1', EX.bobEncPk, alice.secretKey), Status.BAD_PARAMS);
      const mallory = c.identityKeypair();
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, mallory.publicKey), Status.UNTRUSTED_SIGNER, CloakUntrustedSignerError);
      throwsCode(() => c.shareOpen(EX.share, 'vault-2', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), Status.BAD_SIGNATURE);
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.aliceEncPk, EX.aliceEncSk, EX.aliceIdPk), Status.WRONG_KEY);
      for (let i = 0; i < EX.share.length; i++) {
        const t = EX.share.slice(); t[i] ^= 0x01;
        const zeroEpoch = t.subarray(52, 56).every((b) => b === 0);
        const want = i === 0 ? Status.UNSUPPORTED_VERSION : i === 1 ? Status.WRONG_TYPE : i < 4 ? Status.UNSUPPORTED_SUITE
          : i < 20 ? Status.WRONG_KEY : i < 52 ? Status.UNTRUSTED_SIGNER : zeroEpoch ? Status.MALFORMED : Status.BAD_SIGNATURE;
        throwsCode(() => c.shareOpen(t, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), want);
      }
      for (let n = 0; n < EX.share.length; n++) throwsCode(() => c.shareSender(EX.share.subarray(0, n)), Status.MALFORMED);
      // A low-order recipient key is refused; a secret key whose public half is not its seed's signs nothing.
      throwsCode(() => c.shareSeal(EX.vaultKey, 1, 'vault-1', new Uint8Array(32), alice.secretKey), Status.INVALID_KEY, CloakInvalidKeyError);
      const poisoned = cat(alice.secretKey.subarray(0, 32), mallory.publicKey);
      throwsCode(() => c.shareSeal(EX.vaultKey, 1, 'vault-1', EX.bobEncPk, poisoned), Status.INVALID_KEY);
    });

    const HEAD = { version: 7, hash: rep(0x48, 32), expiry: 1900000000 };
    const newBatch = (account, creator, names, opts = {}) => {
      const w = c.batchBegin(account.publicKey, creator.publicKey, opts.vaultId ?? 'vault-9', opts.epoch ?? 2,
        opts.headVersion ?? HEAD.version, HEAD.hash, opts.expiry ?? HEAD.expiry);
      const items = names.map((n, i) => w.sealItem(n, utf8(`value ${i}`)));
      return { items, blob: w.finish(creator.secretKey) };
    };

    it('service-account batches (worked example): vault, freshness, each item once', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      const dec = (x) => new TextDecoder().decode(x);
      assert.deepEqual(c.batchSender(EX.batch), EX.aliceIdPk);
      assert.equal(c.batchCount(EX.batch), 2);
      assert.equal(c.batchTagsLen(2), 32);
      assert.equal(c.batchItemIndex(EX.item1), 1);
      assert.equal(c.batchLen(7, 2, Suite.X25519), EX.batch.length);
      assert.equal(c.batchLen(7, 2), EX.batch.length + 1088, 'X-Wing, the default, carries a 1120-byte encapsulation');
      assert.equal(c.batchItemLen(9, 7), EX.item0.length);
      assert.equal(c.batchItemOpenedMaxlen(EX.item0.length), EX.item0.length - 56);
      const r = c.batchVerify(EX.batch, 'vault-1', EX.bobEncPk, EX.bobEncSk, [c.identityKeypair().publicKey, EX.aliceIdPk]);
      assert.equal(r.itemCount, 2);
      assert.deepEqual(r.signer, EX.aliceIdPk);
      // Opening before the freshness check is refused, clearly.
      throwsCode(() => r.openItem(EX.item0), Status.BAD_STATE, CloakBadStateError);
      throwsCode(() => r.check(1, 1, 2000000000), Status.EXPIRED, CloakExpiredError);
      throwsCode(() => r.check(r.epoch + 1, 1, 1800000000), Status.STALE, CloakStaleError);
      throwsCode(() => r.check(1, r.headVersion + 1n, 1800000000), Status.STALE);
      throwsCode(() => r.openItem(EX.item0), Status.BAD_STATE);
      r.check(r.epoch, r.headVersion, r.expiry);
      const i1 = r.openItem(EX.item1);
      assert.deepEqual([dec(i1.name), dec(i1.value)], ['SMTP_USER', 'mailer']);
      const i0 = r.openItem(EX.item0);
      assert.deepEqual([dec(i0.name), dec(i0.value)], ['API_TOKEN', 'tok_123']);
      // A repeated item is refused: each tag opens its item once.
      throwsCode(() => r.openItem(EX.item0), Status.BAD_SIGNATURE, CloakBadSignatureError);
      r.wipe();
      throwsCode(() => r.openItem(EX.item1), Status.BAD_STATE);
      throwsCode(() => r.itemCount, Status.BAD_STATE);
      // The tags stay inside the reader: no property of it holds them.
      const r2 = c.batchVerify(EX.batch, 'vault-1', EX.bobEncPk, EX.bobEncSk, [EX.aliceIdPk]);
      assert.ok(Object.values(r2).every((x) => !(x instanceof Uint8Array) || x.length !== c.batchTagsLen(2)));
      r2.check(1, 1);
      for (let i = 20; i < EX.item0.length; i++) {
        const t = EX.item0.slice(); t[i] ^= 1;
        const want = i < 36 ? Status.MISMATCH : i < 40 ? null : Status.BAD_SIGNATURE;
        if (want !== null) throwsCode(() => r2.openItem(t), want);
        else assert.throws(() => r2.openItem(t), CloakError);
      }
      assert.equal(dec(r2.openItem(EX.item0).value), 'tok_123');
      r2.wipe();
      // Another vault, an untrusted or missing creator, another account, a changed byte.
      throwsCode(() => c.batchVerify(EX.batch, 'vault-2', EX.bobEncPk, EX.bobEncSk, [EX.aliceIdPk]), Status.MISMATCH, CloakMismatchError);
      throwsCode(() => c.batchVerify(EX.batch, 'vault-1', EX.bobEncPk, EX.bobEncSk, [c.identityKeypair().publicKey]), Status.UNTRUSTED_SIGNER);
      throwsCode(() => c.batchVerify(EX.batch, 'vault-1', EX.bobEncPk, EX.bobEncSk, []), Status.UNTRUSTED_SIGNER);
      throwsCode(() => c.batchVerify(EX.batch, 'vault-1', EX.aliceEncPk, EX.aliceEncSk, [EX.aliceIdPk]), Status.WRONG_KEY);
      const bt = EX.batch.slice(); bt[40] ^= 1;
      throwsCode(() => c.batchVerify(bt, 'vault-1', EX.bobEncPk, EX.bobEncSk, [EX.aliceIdPk]), Status.BAD_SIGNATURE);

      // A fresh batch of three, read back in another order; indexes and digests come back per item.
      const account = c.encryptionKeypair();
      const w = c.batchBegin(account.publicKey, alice.publicKey, 'vault-9', 2, HEAD.version, HEAD.hash, HEAD.expiry);
      const sealed = ['A', 'B', 'C'].map((n, i) => w.sealItem(n, utf8(`value ${i}`)));
      assert.deepEqual(sealed.map((x) => x.index), [0, 1, 2]);
      assert.deepEqual(w.digests, sealed.map((x) => x.digest));
      const batch = w.finish(alice.secretKey);
      assert.equal(batch.length, c.batchLen(7, 3));
      throwsCode(() => w.sealItem('D', utf8('x')), Status.BAD_STATE);
      throwsCode(() => w.finish(alice.secretKey), Status.BAD_STATE);
      const rr = c.batchVerify(batch, 'vault-9', account.publicKey, account.secretKey, [EX.aliceIdPk]);
      assert.deepEqual([rr.itemCount, rr.epoch, rr.headVersion, rr.expiry], [3, 2, 7n, 1900000000n]);
      assert.deepEqual(rr.headHash, HEAD.hash);
      rr.check(2, 7, 1900000000);
      assert.equal(dec(rr.openItem(sealed[2].item).value), 'value 2');
      assert.equal(dec(rr.openItem(sealed[0].item).name), 'A');
      // The worked example's item is of an X25519 batch; this account's key (the default) is X-Wing.
      throwsCode(() => rr.openItem(EX.item0), Status.UNSUPPORTED_SUITE);
      throwsCode(() => rr.openItem(newBatch(c.encryptionKeypair(), alice, ['A']).items[0].item), Status.WRONG_KEY);
      // An item of another batch of the same account is a mismatch.
      const other = newBatch(account, alice, ['A']).items[0].item;
      throwsCode(() => rr.openItem(other), Status.MISMATCH);
      rr.wipe();
      // finish checks the creator and the count, and wipes the writer either way.
      const w2 = c.batchBegin(account.publicKey, alice.publicKey, 'vault-9', 2, 1, HEAD.hash, HEAD.expiry);
      w2.sealItem('A', utf8('a'));
      throwsCode(() => w2.finish(c.identityKeypair().secretKey), Status.MISMATCH);
      throwsCode(() => w2.sealItem('B', utf8('b')), Status.BAD_STATE);
      const w3 = c.batchBegin(account.publicKey, alice.publicKey, 'vault-9', 2, 1, HEAD.hash, HEAD.expiry);
      w3.sealItem('A', utf8('a'));
      throwsCode(() => w3.finish(alice.secretKey, []), Status.BAD_PARAMS);
      throwsCode(() => c.batchBegin(account.publicKey, alice.publicKey, 'vault-9', 0, 1, HEAD.hash, HEAD.expiry), Status.BAD_PARAMS);
      throwsCode(() => c.batchBegin(account.publicKey, alice.publicKey, 'vault-9', 1, 0, HEAD.hash, HEAD.expiry), Status.BAD_PARAMS);
    });

    it('uint64 values travel exactly, beyond 2^53 (head versions, expiry, clocks)', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      const account = c.encryptionKeypair();
      const big = (1n << 63n) + 12345n;
      const w = c.batchBegin(account.publicKey, alice.publicKey, 'v', 1, big, HEAD.hash, (1n << 64n) - 1n);
      const { item } = w.sealItem('N', utf8('x'));
      const blob = w.finish(alice.secretKey);
      const r = c.batchVerify(blob, 'v', account.publicKey, account.secretKey, [alice.publicKey]);
      assert.equal(r.headVersion, big);
      assert.equal(r.expiry, (1n << 64n) - 1n);
      throwsCode(() => r.check(1, big + 1n, 0), Status.STALE);
      r.check(1, big, (1n << 64n) - 1n);
      assert.equal(new TextDecoder().decode(r.openItem(item).value), 'x');
      r.wipe();
      // Out of range: negative, 2^64, an unsafe number.
      throwsCode(() => c.batchBegin(account.publicKey, alice.publicKey, 'v', 1, -1, HEAD.hash, 1), Status.BAD_PARAMS);
      throwsCode(() => c.batchBegin(account.publicKey, alice.publicKey, 'v', 1, 1n << 64n, HEAD.hash, 1), Status.BAD_PARAMS);
      throwsCode(() => c.batchBegin(account.publicKey, alice.publicKey, 'v', 1, 2 ** 60, HEAD.hash, 1), Status.BAD_PARAMS);
    });

    it('a large batch (100,000 items): items open in O(1) each, each once', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      const account = c.encryptionKeypair();
      const w = c.batchBegin(account.publicKey, alice.publicKey, 'vault-big', 1, 1, HEAD.hash, HEAD.expiry);
      const n = 100000;
      const items = [];
      for (let i = 0; i < n; i++) items.push(w.sealItem(`S${i}`, utf8(`v${i}`)).item);
      const batch = w.finish(alice.secretKey);
      assert.equal(batch.length, c.batchLen(9, n));
      const r = c.batchVerify(batch, 'vault-big', account.publicKey, account.secretKey, [EX.aliceIdPk]);
      assert.equal(r.itemCount, n);
      r.check(1, 1, HEAD.expiry);
      const t0 = performance.now();
      let opened = 0;
      for (let i = n - 1; i >= 0; i -= 50, opened++) {
        const o = r.openItem(items[i]);
        assert.equal(new TextDecoder().decode(o.name), `S${i}`);
        assert.equal(new TextDecoder().decode(o.value), `v${i}`);
      }
      const perItem = (performance.now() - t0) / opened;
      // Copying (and wiping) the 1.6 MB of tags for every item would cost about 0.1 ms each.
      assert.ok(perItem < 0.1, `${perItem.toFixed(3)} ms per item`);
      throwsCode(() => r.openItem(items[n - 1]), Status.BAD_SIGNATURE);
      r.wipe();
    });

    it('vault heads: first, chain, fork, stale, expiry, roster, Merkle inclusion and absence', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      const bob = c.identityKeypairFromSeed(rep(0x21, 32));
      const sa = c.encryptionKeypair(Suite.X25519);
      const saKeyId = c.blobInspect(c.encryptionPublicExport(sa.publicKey)).keyId;
      const { rosterMember: MEMBER, rosterServiceAccount: SA, permissionWrite: WRITE, permissionAdmin: ADMIN } = c.sizes;
      // Entries sorted by (kind, public key): kind is byte 0, the public key bytes 4 to 36.
      const sortEntries = (xs) => xs.slice().sort((a, b) => a[0] - b[0] || Buffer.compare(Buffer.from(a.subarray(4, 36)), Buffer.from(b.subarray(4, 36))));
      const roster = sortEntries([
        c.rosterEntry(MEMBER, WRITE | ADMIN, Suite.X25519, alice.publicKey, rep(0x0a, 16)),
        c.rosterEntry(MEMBER, WRITE, Suite.XWING, bob.publicKey, rep(0x0b, 16)),
        c.rosterEntry(SA, 0, Suite.X25519, sa.publicKey, saKeyId),
      ]);
      assert.deepEqual(c.rosterSort(roster.slice().reverse()), roster);
      assert.deepEqual(c.serviceAccountEntry(sa.publicKey), roster.find((e) => e[0] === SA));
      // A service account's entry carries its own key's id; another is a parameter error; so is an unknown suite.
      throwsCode(() => c.rosterEntry(SA, 0, Suite.X25519, sa.publicKey, rep(0x5a, 16)), Status.BAD_PARAMS);
      throwsCode(() => c.rosterEntry(SA, WRITE, Suite.X25519, sa.publicKey, saKeyId), Status.BAD_PARAMS);
      throwsCode(() => c.rosterEntry(MEMBER, WRITE, 3, bob.publicKey, rep(0x0b, 16)), Status.BAD_PARAMS);
      const v = c.vaultInit(EX.vaultKey, 1, 'vault-h');
      const names = ['A', 'B', 'C', 'D'];
      const leaves = names.map((n) => c.merkleLeaf(v.blindIndex(n), v.sealSecret(n, utf8(n))))
        .sort((a, b) => Buffer.compare(Buffer.from(a.subarray(0, 32)), Buffer.from(b.subarray(0, 32))));
      const root = c.merkleRoot(leaves);
      assert.equal(root.length, 32);
      throwsCode(() => c.merkleRoot([leaves[1], leaves[0]]), Status.BAD_PARAMS);
      const zero = new Uint8Array(32);
      const h1 = c.headCreate('vault-h', 1, v.keyId(), 1, zero, 1900000000, root, leaves.length, 0, roster, alice.secretKey);
      assert.equal(h1.length, c.headLen(7, 3));
      throwsCode(() => c.headVerifyFirst(h1, 'vault-h', [bob.publicKey]), Status.UNTRUSTED_SIGNER);
      throwsCode(() => c.headVerifyFirst(h1, 'vault-x', [alice.publicKey]), Status.MISMATCH);
      const head = c.headVerifyFirst(h1, 'vault-h', [alice.publicKey]);
      head.check(1, 1, 1800000000);
      throwsCode(() => head.check(2, 1, 1800000000), Status.STALE, CloakStaleError);
      throwsCode(() => head.check(1, 2, 1800000000), Status.STALE);
      throwsCode(() => head.check(1, 1, 1900000001), Status.EXPIRED, CloakExpiredError);
      assert.deepEqual([head.version, head.epoch, head.expiry, head.leafCount, head.policy], [1n, 1, 1900000000n, 4, 0]);
      assert.deepEqual(head.merkleRoot, root);
      assert.deepEqual(head.vaultKeyId, v.keyId());
      assert.deepEqual(head.signer, alice.publicKey);
      assert.deepEqual(head.blob, h1);
      assert.deepEqual(head.rosterFind(MEMBER, bob.publicKey), { permissions: WRITE, suite: Suite.XWING, encryptionKeyId: rep(0x0b, 16) });
      assert.deepEqual(head.rosterFind(SA, sa.publicKey), { permissions: 0, suite: Suite.X25519, encryptionKeyId: saKeyId });
      throwsCode(() => head.rosterFind(MEMBER, sa.publicKey), Status.MISMATCH);
      // Inclusion of each leaf; absence of a name not in the vault, and not of one that is.
      leaves.forEach((leaf, i) => head.verifyInclusion(leaf, c.merkleProveInclusion(leaves, i)));
      const p0 = c.merkleProveInclusion(leaves, 0);
      throwsCode(() => head.verifyInclusion(leaves[1], p0), Status.MISMATCH);
      const absent = v.blindIndex('NOT_THERE');
      head.verifyAbsence(absent, c.merkleProveAbsence(leaves, absent));
      assert.throws(() => c.merkleProveAbsence(leaves, leaves[2].subarray(0, 32)), CloakError);
      throwsCode(() => head.verifyInclusion(leaves[0], new Uint8Array(3)), Status.MALFORMED);
      // The chain: version 2 by Bob (a writer) changing the secrets; a fork and a replay are caught.
      const leaves2 = leaves.slice(0, 3);
      const h2 = c.headCreate('vault-h', 1, v.keyId(), 2, head.hash, 1900000000, c.merkleRoot(leaves2), 3, 0, roster, bob.secretKey);
      const head2 = head.verifyNext(h2);
      assert.deepEqual([head2.version, head2.leafCount], [2n, 3]);
      const fork = c.headCreate('vault-h', 1, v.keyId(), 2, rep(0x66, 32), 1900000000, root, 4, 0, roster, alice.secretKey);
      throwsCode(() => head.verifyNext(fork), Status.MISMATCH);
      throwsCode(() => head2.verifyNext(h1), Status.STALE);
      const gap = c.headCreate('vault-h', 1, v.keyId(), 4, head2.hash, 1900000000, root, 4, 0, roster, alice.secretKey);
      throwsCode(() => head2.verifyNext(gap), Status.MISMATCH);
      // A new epoch comes with a new vault key id (the same one is a mismatch, whoever signs); a
      // writer may not rotate nor anyone outside the roster sign; an admin rotates.
      const v2 = c.vaultInit(c.vaultKeyGenerate(), 2, 'vault-h');
      const sameKey = c.headCreate('vault-h', 2, v.keyId(), 3, head2.hash, 1900000000, root, 4, 0, roster, alice.secretKey);
      throwsCode(() => head2.verifyNext(sameKey), Status.MISMATCH);
      const rot = c.headCreate('vault-h', 2, v2.keyId(), 3, head2.hash, 1900000000, root, 4, 0, roster, bob.secretKey);
      throwsCode(() => head2.verifyNext(rot), Status.UNTRUSTED_SIGNER);
      const rotated = head2.verifyNext(c.headCreate('vault-h', 2, v2.keyId(), 3, head2.hash, 1900000000, root, 4, 0, roster, alice.secretKey));
      assert.deepEqual([rotated.version, rotated.epoch, rotated.vaultKeyId], [3n, 2, v2.keyId()]);
      rotated.wipe();
      v2.wipe();
      const outsider = c.headCreate('vault-h', 1, v.keyId(), 3, head2.hash, 1900000000, root, 4, 0, roster, c.identityKeypair().secretKey);
      throwsCode(() => head2.verifyNext(outsider), Status.UNTRUSTED_SIGNER);
      for (const h of [head, head2]) h.wipe();
      throwsCode(() => head.version, Status.BAD_STATE);
      v.wipe();
    });

    it('states stay at one address: a copied state is refused by the library', () => {
      // The public objects keep their state where the backend pinned it; a copy of its bytes at
      // another address (what memcpy'ing a state would do) is refused with BAD_STATE.
      const { Op } = opsModule;
      const raw = c._pin(c.sizes.vaultStateBytes);
      c._call(Op.VAULT_INIT, [raw, EX.vaultKey, 1, utf8('vault-1')]);
      const out = new Uint8Array(16);
      c._call(Op.VAULT_KEY_ID, [out, raw]);
      assert.deepEqual(out, EX.vaultKeyId);
      const other = c.vaultInit(EX.vaultKey, 1, 'vault-1');
      const sealed = other.sealSecret('N', utf8('v'));
      // A plain Uint8Array holding the state's bytes lives elsewhere (a copy in WebAssembly memory,
      // a new ArrayBuffer natively).
      const copy = new Uint8Array(c.sizes.vaultStateBytes);
      if (raw instanceof Uint8Array) copy.set(raw);
      throwsCode(() => c._call(Op.SECRET_OPEN, [copy, new Uint8Array(64), null, utf8('N'), utf8(''), sealed]), Status.BAD_STATE, CloakBadStateError);
      throwsCode(() => c._call(Op.SECRET_RESEAL, [raw, copy, new Uint8Array(sealed.length), null, utf8('N'), utf8(''), sealed]), Status.BAD_STATE);
      c._call(Op.VAULT_WIPE, [raw]);
      c._release(raw);
      other.wipe();
      // A state never goes through the thread-pool path (it would be a copy there).
      const v2 = c.vaultInit(EX.vaultKey, 1, 'vault-1');
      return assert.rejects(c.backend.callAsync(Op.VAULT_EPOCH, [v2.state, null], new Float64Array(16)), CloakError).finally(() => v2.wipe());
    });
    it('HPKE: RFC 9180 Base vector, recipient side; both single-shot and context forms', () => {
      const doc = JSON.parse(readFileSync(new URL('hpke_rfc9180_x25519_sha256_chacha20poly1305.json', vectors), 'utf8'));
      const v = doc.vectors.find((x) => x.mode === 0);
      const kp = c.encryptionKeypairFromSeed(hex(v.ikmR), Suite.X25519);
      assert.deepEqual(kp.publicKey, hex(v.pkRm));
      assert.deepEqual(kp.secretKey, hex(v.skRm));
      const ctx = c.hpkeSetupRecipient(hex(v.enc), hex(v.pkRm), hex(v.skRm), hex(v.info));
      // A recipient context reaches sequence number i only by opening 0 .. i-1, so the vector's
      // contiguous prefix (0, 1, 2) is checked here; the later ones (4, 255, 256) are the C tests'.
      const prefix = v.encryptions.filter((e, i) => e.seq === i);
      assert.ok(prefix.length >= 3);
      for (const e of prefix) assert.deepEqual(ctx.open(hex(e.ct), hex(e.aad)), hex(e.pt));
      // A ciphertext for a later sequence number fails (and does not advance the context).
      const later = v.encryptions[prefix.length];
      throwsCode(() => ctx.open(hex(later.ct), hex(later.aad)), Status.AUTH);
      for (const x of v.exports) assert.deepEqual(ctx.export(hex(x.exporter_context), x.L), hex(x.exported_value));
      // A failed open does not advance; a short ciphertext is malformed.
      throwsCode(() => ctx.open(new Uint8Array(15)), Status.MALFORMED);
      ctx.wipe();
      const first = v.encryptions[0];
      assert.deepEqual(c.hpkeOpenBase(hex(v.enc), hex(first.ct), hex(v.pkRm), hex(v.skRm), hex(v.info), hex(first.aad)), hex(first.pt));
      const rcp = c.encryptionKeypair(Suite.X25519);
      const one = c.hpkeSealBase(rcp.publicKey, utf8('message'), utf8('info'), utf8('aad'));
      assert.deepEqual(c.hpkeOpenBase(one.enc, one.ciphertext, rcp.publicKey, rcp.secretKey, utf8('info'), utf8('aad')), utf8('message'));
      throwsCode(() => c.hpkeOpenBase(one.enc, one.ciphertext, rcp.publicKey, rcp.secretKey, utf8('info'), utf8('aaD')), Status.AUTH);
      const { enc, context } = c.hpkeSetupSender(rcp.publicKey, utf8('i'));
      const recv = c.hpkeSetupRecipient(enc, rcp.publicKey, rcp.secretKey, utf8('i'));
      for (let i = 0; i < 3; i++) assert.deepEqual(recv.open(context.seal(utf8(`m${i}`), utf8('a')), utf8('a')), utf8(`m${i}`));
      assert.deepEqual(context.export(utf8('x'), 64), recv.export(utf8('x'), 64));
      throwsCode(() => context.export(utf8('x'), 8161), Status.BAD_PARAMS);
    });

    it('interop: a libcloak share opens with @hpke/core and Node Ed25519 (section 8 only)', async () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      const bob = c.encryptionKeypair(Suite.X25519);
      const vaultKey = c.vaultKeyGenerate();
      const share = c.shareSeal(vaultKey, 3, 'vault-1', bob.publicKey, alice.secretKey);
      // Layout: header 20 | sender 32 | epoch 4 | enc 32 | ct 48 | signature 64.
      assert.deepEqual(share.subarray(0, 4), hex('02090001'));
      assert.deepEqual(share.subarray(4, 20), new Uint8Array(publicKeyId(bob.publicKey)));
      const sender = share.subarray(20, 52);
      assert.deepEqual(share.subarray(52, 56), hex('00000003'));
      const enc = share.subarray(56, 88);
      const ct = share.subarray(88, 136);
      const sig = share.subarray(136, 200);
      // Labelled signatures bind the signer: lp8(label) || signer public key || content.
      const content = cat(lp8('libcloak v2 share'), sender, share.subarray(0, 136), lp8('vault-1'), bob.publicKey);
      assert.ok(edVerify(null, content, ed25519Public(sender), sig));
      const info = cat(lp8('libcloak v2 share'), lp8('vault-1'), hex('00000003'), bob.publicKey, sender);
      const recipientKey = await suite.kem.importKey('raw', bob.secretKey.slice().buffer, false);
      const pt = await suite.open({ recipientKey, enc: enc.slice().buffer, info }, ct.slice(), share.subarray(0, 56).slice());
      assert.deepEqual(new Uint8Array(pt), vaultKey);
    });

    it('interop: a share built with @hpke/core and Node Ed25519 opens in libcloak (section 8 only)', async () => {
      const aliceSeed = rep(0x31, 32);
      const alicePk = c.identityKeypairFromSeed(aliceSeed).publicKey; // used only as the trusted identity
      const bob = c.encryptionKeypair(Suite.X25519);
      const vaultKey = new Uint8Array(32).map((_, i) => i);
      const header = cat(hex('02090001'), new Uint8Array(publicKeyId(bob.publicKey)));
      const epoch = hex('00000004');
      const info = cat(lp8('libcloak v2 share'), lp8('vault-7'), epoch, bob.publicKey, alicePk);
      const recipientPublicKey = await suite.kem.importKey('raw', bob.publicKey.slice().buffer, true);
      const sender = await suite.createSenderContext({ recipientPublicKey, info });
      const enc = new Uint8Array(sender.enc);
      const aad = cat(header, alicePk, epoch);
      const ct = new Uint8Array(await sender.seal(vaultKey, aad));
      const body = cat(header, alicePk, epoch, enc, ct);
      const sig = edSign(null, cat(lp8('libcloak v2 share'), alicePk, body, lp8('vault-7'), bob.publicKey), ed25519Private(aliceSeed));
      const share = cat(body, new Uint8Array(sig));
      assert.equal(share.length, 200);
      assert.deepEqual(c.shareSender(share), alicePk);
      assert.deepEqual(c.shareOpen(share, 'vault-7', bob.publicKey, bob.secretKey, alicePk, 4), { vaultKey, epoch: 4 });
      throwsCode(() => c.shareOpen(share, 'vault-7', bob.publicKey, bob.secretKey, alicePk, 5), Status.STALE);
      throwsCode(() => c.shareOpen(share, 'vault-8', bob.publicKey, bob.secretKey, alicePk), Status.BAD_SIGNATURE);
    });

    it('argument checks: a wrong type is a TypeError naming the parameter, a wrong size bad params', () => {
      throwsCode(() => c.vaultInit(new Uint8Array(33), 1, 'v'), Status.BAD_PARAMS, CloakBadParamsError);
      const typeError = (fn, param) => assert.throws(fn, (e) => {
        assert.ok(e instanceof TypeError && !(e instanceof CloakError), `not a TypeError: ${e}`);
        assert.match(e.message, new RegExp(`^${param} `));
        return true;
      });
      typeError(() => c.identitySign('m', '', new Uint8Array(64)), 'message');
      typeError(() => c.identitySign(utf8('m'), 7, new Uint8Array(64)), 'context');
      typeError(() => c.keyId([...EX.masterKey]), 'key');
      typeError(() => c.vaultInit(EX.vaultKey, 1, 42), 'vaultId');
      typeError(() => c.vaultInit(EX.vaultKey, '1', 'v'), 'epoch');
      typeError(() => c.passwordRecordNew({ memoryKib: '65536' }), 'memoryKib');
      typeError(() => c.secretSealedLen('3'), 'valueLen');
      typeError(() => c.batchVerify(EX.batch, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), 'trusted');
      typeError(() => c.batchVerify(EX.batch, 'vault-1', EX.bobEncPk, EX.bobEncSk, ['x']), 'trusted');
      typeError(() => c.batchBegin(EX.bobEncPk, EX.aliceIdPk, 'v', 1, '7', rep(0, 32), 1), 'headVersion');
      const tv = c.vaultInit(EX.vaultKey, 1, 'vault-1');
      typeError(() => tv.sealSecret('N', 'a string value'), 'value');
      typeError(() => tv.openSecret('N', null), 'sealed');
      typeError(() => tv.resealSecret({}, 'N', EX.sealed), 'to');
      tv.wipe();
      const hc = c.hpkeSetupSender(EX.bobEncPk).context;
      typeError(() => hc.seal('text'), 'plaintext');
      typeError(() => hc.export(utf8('x'), '32'), 'length');
      hc.wipe();
      throwsCode(() => hc.seal(utf8('x')), Status.BAD_STATE);
      throwsCode(() => c.secretSealedLen(-1), Status.BAD_PARAMS, CloakBadParamsError);
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, new Uint8Array(31)), Status.BAD_PARAMS);
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk, 2 ** 32), Status.BAD_PARAMS);
      const v = c.vaultInit(EX.vaultKey, 1, 'vault-1');
      const value = utf8('x');
      const s = v.sealSecret('N', value);
      value[0] = 0x79;
      assert.deepEqual(v.openSecret('N', s), utf8('x'));
      // Buffers that are views into a larger ArrayBuffer (Node's Buffer pool) work as they are.
      const big = Buffer.alloc(300, 0xee);
      const view = new Uint8Array(big.buffer, big.byteOffset + 7, EX.sealed.length);
      view.set(EX.sealed);
      assert.equal(new TextDecoder().decode(v.openSecret('DATABASE_URL', view, 'prod')), 'postgres://app:s3cret@db/app');
      assert.equal(big[6], 0xee);
      v.wipe();
    });
  });
}
