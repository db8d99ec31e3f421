// One test file, run against both backends (the native addon and the WebAssembly build): every
// operation of the API, the shared vectors (RFC 9180 Base recipient side, the worked example of
// tests/vectors/libcloak.json),
// exact error codes with zeroed results, and interop of vault-key shares with an independent HPKE
// implementation (@hpke/core) both ways, built from docs/protocol.md section 8 alone.
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

const {
  load, utf8, ObjectType, Status, CloakError, CloakMalformedError, CloakAuthError, CloakWrongKeyError,
  CloakWrongTypeError, CloakBadSignatureError, CloakUntrustedSignerError, CloakBadParamsError,
  CloakChecksumError, CloakMismatchError, CloakUnsupportedVersionError, CloakUnsupportedSuiteError,
  CloakInvalidKeyError,
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
  record: output('password-record/smallest-cost', 'record'),
  masterKey: output('password-derive/smallest-cost', 'master_key'),
  loginKey: output('password-derive/smallest-cost', 'login_key'),
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
const publicKeyId = (pk) => createHash('sha256').update(lp8('libcloak v1 public key id')).update(pk).digest().subarray(0, 16);
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Chacha20Poly1305() });

const backends = (process.env.LIBCLOAK_JS_BACKENDS ?? 'native,wasm').split(',').filter(Boolean);

describe('the operation table', () => {
  it('every operation of include/cloak.h is used by the API (dist/index.js)', async () => {
    const { Op } = await import('../dist/ops.js');
    const source = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
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
          s.publicKeyBlobBytes, s.bundleBytes, s.wrappedKeyBytes, s.serviceAccountPrivateBlobBytes, s.shareBytes, s.secretOverheadBytes,
          s.batchItemOverheadBytes, s.batchDigestBytes, s.blindIndexBytes, s.passwordSaltBytes, s.passwordRecordBytes,
          s.fingerprintTextBytes, s.pairCodeTextBytes, s.vaultStateBytes, s.batchStateBytes, s.hpkeContextBytes,
          s.hpkeEncBytes, s.hpkeTagBytes],
        [32, 16, 255, 20, 32, 64, 32, 64, 32, 32, 32, 52, 148, 124, 84, 196, 60, 57, 32, 32, 16, 48, 36, 72, 512, 1024, 128, 32, 16]);
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
      assert.equal(classes.size, 15);
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
      const v2 = EX.idBlob.slice(); v2[0] = 2;
      throwsCode(() => c.blobInspect(v2), Status.UNSUPPORTED_VERSION, CloakUnsupportedVersionError);
      const s2 = EX.idBlob.slice(); s2[3] = 2;
      throwsCode(() => c.blobInspect(s2), Status.UNSUPPORTED_SUITE, CloakUnsupportedSuiteError);
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
      const k = c.passwordDerive(EX.password, EX.record);
      assert.deepEqual(k.masterKey, EX.masterKey);
      assert.deepEqual(k.loginKey, EX.loginKey);
      const ka = await c.passwordDeriveAsync(utf8(EX.password), EX.record);
      assert.deepEqual(ka, k);
      throwsCode(() => c.passwordDerive('', EX.record), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('x'.repeat(4097), EX.record), Status.BAD_PARAMS);
      throwsCode(() => c.passwordDerive('pw', EX.record.subarray(0, 47)), Status.MALFORMED);
      await rejectsCode(c.passwordDeriveAsync('pw', EX.idBlob), Status.WRONG_TYPE);
      // Four lanes (the default parallelism) at the smallest memory: the same keys both ways.
      const r4 = c.passwordRecordEncode(rep(1, 16), { memoryKib: 16384, iterations: 1, parallelism: 4 });
      assert.deepEqual(await c.passwordDeriveAsync('pw', r4), c.passwordDerive('pw', r4));
    });

    it('the async derivation leaves the event loop free', async () => {
      const r = c.passwordRecordEncode(rep(2, 16), { memoryKib: 65536, iterations: 2, parallelism: 1 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const t0 = performance.now();
      await c.passwordDeriveAsync('pw', r);
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
      const msg = cat(lp8('libcloak v1 user signature'), lp8('example'), createHash('sha512').update('hello').digest());
      assert.ok(edVerify(null, msg, ed25519Public(EX.aliceIdPk), sig));
    });

    it('encryption keys and public key blobs (worked example)', () => {
      const enc = c.encryptionKeypairFromSeed(EX.aliceEncSeed);
      assert.deepEqual(enc.secretKey, EX.aliceEncSk);
      assert.deepEqual(enc.publicKey, EX.aliceEncPk);
      throwsCode(() => c.encryptionKeypairFromSeed(new Uint8Array(31)), Status.BAD_PARAMS);
      const r = c.encryptionKeypair();
      assert.notDeepEqual(r.publicKey, c.encryptionKeypair().publicKey);
      assert.deepEqual(c.identityPublicExport(EX.aliceIdPk), EX.idBlob);
      assert.deepEqual(c.identityPublicImport(EX.idBlob), EX.aliceIdPk);
      const eb = c.encryptionPublicExport(EX.aliceEncPk);
      assert.equal(c.blobInspect(eb).type, ObjectType.ENCRYPTION_PUBLIC_KEY);
      assert.deepEqual(c.encryptionPublicImport(eb), EX.aliceEncPk);
      throwsCode(() => c.encryptionPublicImport(EX.idBlob), Status.WRONG_TYPE, CloakWrongTypeError);
      throwsCode(() => c.identityPublicImport(cat(EX.idBlob, new Uint8Array(1))), Status.MALFORMED);
      const bad = EX.idBlob.slice(); bad[4] ^= 1;
      throwsCode(() => c.identityPublicImport(bad), Status.MALFORMED);
    });

    it('bundles (worked example), every byte tampered', () => {
      const id = c.identityKeypairFromSeed(EX.aliceIdSeed);
      assert.deepEqual(c.bundleCreate(id.secretKey, EX.aliceEncPk), EX.bundle);
      const v = c.bundleVerify(EX.bundle);
      assert.deepEqual(v.identityPublicKey, EX.aliceIdPk);
      assert.deepEqual(v.encryptionPublicKey, EX.aliceEncPk);
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
      assert.deepEqual(enc, { publicKey: EX.aliceEncPk, secretKey: EX.aliceEncSk });
      assert.deepEqual(c.wrappedKeyPublicKey(EX.wrappedId), { publicKey: EX.aliceIdPk, type: ObjectType.WRAPPED_IDENTITY_KEY });
      // Round trips with fresh nonces.
      const w1 = c.identityWrap(EX.masterKey, id.secretKey);
      assert.notDeepEqual(w1, EX.wrappedId);
      assert.deepEqual(c.identityUnwrap(EX.masterKey, w1), id);
      const w2 = c.encryptionWrap(EX.masterKey, EX.aliceEncSk);
      assert.deepEqual(c.encryptionUnwrap(EX.masterKey, w2), enc);
      const sa = c.encryptionKeypair();
      const w3 = c.serviceAccountWrap(EX.masterKey, sa.secretKey);
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
      assert.deepEqual(c.serviceAccountPrivateImport(EX.accountKey), { publicKey: EX.bobEncPk, secretKey: EX.bobEncSk });
      assert.deepEqual(c.serviceAccountPrivateImport(c.textDecode(EX.accountKeyText)).publicKey, EX.bobEncPk);
      throwsCode(() => c.serviceAccountPrivateExport(EX.aliceEncPk, EX.bobEncSk), Status.MISMATCH, CloakMismatchError);
      const t = EX.accountKey.slice(); t[30] ^= 1;
      throwsCode(() => c.serviceAccountPrivateImport(t), Status.MISMATCH);
    });

    it('vaults, secrets, blind indexes, rotation (worked example)', () => {
      const v = c.vaultInit(EX.vaultKey, 'vault-1');
      assert.deepEqual(v.keyId(), EX.vaultKeyId);
      assert.equal(new TextDecoder().decode(v.openSecret('DATABASE_URL', EX.sealed, 'prod')), 'postgres://app:s3cret@db/app');
      assert.deepEqual(v.blindIndex('DATABASE_URL'), EX.blindIndex);
      const value = utf8('tok_123');
      const s = v.sealSecret('API_TOKEN', value);
      assert.equal(s.length, c.secretSealedLen(value.length));
      assert.equal(c.secretOpenedLen(s.length), value.length);
      assert.equal(c.secretOpenedLen(59), 0);
      assert.deepEqual(v.openSecret('API_TOKEN', s), value);
      assert.deepEqual(v.openSecret('EMPTY', v.sealSecret('EMPTY', new Uint8Array(0))), new Uint8Array(0));
      // Bound to name, context and vault id.
      throwsCode(() => v.openSecret('API_TOKEN2', s), Status.AUTH, CloakAuthError);
      throwsCode(() => v.openSecret('API_TOKEN', s, 'prod'), Status.AUTH);
      throwsCode(() => c.vaultInit(EX.vaultKey, 'vault-2').openSecret('API_TOKEN', s), Status.AUTH);
      throwsCode(() => v.sealSecret('', value), Status.BAD_PARAMS);
      throwsCode(() => c.vaultInit(EX.vaultKey, ''), Status.BAD_PARAMS);
      // Every byte tampered: header fields by their error, the rest by authentication.
      for (let i = 0; i < EX.sealed.length; i++) {
        const t = EX.sealed.slice(); t[i] ^= 0x01;
        const want = i === 0 ? Status.UNSUPPORTED_VERSION : i === 1 ? Status.WRONG_TYPE : i < 4 ? Status.UNSUPPORTED_SUITE
          : i < 20 ? Status.WRONG_KEY : Status.AUTH;
        throwsCode(() => v.openSecret('DATABASE_URL', t, 'prod'), want);
      }
      for (let n = 0; n < 60; n++) throwsCode(() => v.openSecret('DATABASE_URL', EX.sealed.subarray(0, n), 'prod'), Status.MALFORMED);
      // Rotation: reseal under a new key; the old blob is then the wrong key for the new vault.
      const nv = c.vaultInit(c.vaultKeyGenerate(), 'vault-1');
      const moved = v.resealSecret(nv, 'DATABASE_URL', EX.sealed, 'prod');
      assert.equal(moved.length, EX.sealed.length);
      assert.equal(new TextDecoder().decode(nv.openSecret('DATABASE_URL', moved, 'prod')), 'postgres://app:s3cret@db/app');
      throwsCode(() => nv.openSecret('DATABASE_URL', EX.sealed, 'prod'), Status.WRONG_KEY);
      throwsCode(() => v.resealSecret(nv, 'OTHER', EX.sealed, 'prod'), Status.AUTH);
      assert.notDeepEqual(nv.blindIndex('DATABASE_URL'), EX.blindIndex);
      v.wipe();
      throwsCode(() => v.keyId(), Status.BAD_PARAMS);
      nv.wipe();
    });

    it('vault-key shares (worked example), every byte tampered', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      assert.deepEqual(c.shareSender(EX.share), EX.aliceIdPk);
      assert.deepEqual(c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), EX.vaultKey);
      const s = c.shareSeal(EX.vaultKey, 'vault-1', EX.bobEncPk, alice.secretKey);
      assert.equal(s.length, 196);
      assert.notDeepEqual(s, EX.share);
      assert.deepEqual(c.shareOpen(s, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), EX.vaultKey);
      const mallory = c.identityKeypair();
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, mallory.publicKey), Status.UNTRUSTED_SIGNER, CloakUntrustedSignerError);
      throwsCode(() => c.shareOpen(EX.share, 'vault-2', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), Status.BAD_SIGNATURE);
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.aliceEncPk, EX.aliceEncSk, EX.aliceIdPk), Status.WRONG_KEY);
      for (let i = 0; i < EX.share.length; i++) {
        const t = EX.share.slice(); t[i] ^= 0x01;
        const want = i === 0 ? Status.UNSUPPORTED_VERSION : i === 1 ? Status.WRONG_TYPE : i < 4 ? Status.UNSUPPORTED_SUITE
          : i < 20 ? Status.WRONG_KEY : i < 52 ? Status.UNTRUSTED_SIGNER : Status.BAD_SIGNATURE;
        throwsCode(() => c.shareOpen(t, 'vault-1', EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), want);
      }
      for (let n = 0; n < EX.share.length; n++) throwsCode(() => c.shareSender(EX.share.subarray(0, n)), Status.MALFORMED);
      // A low-order recipient key is refused when used.
      throwsCode(() => c.shareSeal(EX.vaultKey, 'vault-1', new Uint8Array(32), alice.secretKey), Status.INVALID_KEY, CloakInvalidKeyError);
    });

    it('service-account batches (worked example) and a fresh one', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      assert.deepEqual(c.batchSender(EX.batch), EX.aliceIdPk);
      assert.equal(c.batchItemIndex(EX.item1), 1);
      assert.equal(c.batchLen(7, 2), EX.batch.length);
      assert.equal(c.batchItemLen(9, 7), EX.item0.length);
      assert.equal(c.batchItemOpenedMaxlen(EX.item0.length), EX.item0.length - 56);
      const r = c.batchVerify(EX.batch, EX.bobEncPk, EX.bobEncSk, [c.identityKeypair().publicKey, EX.aliceIdPk]);
      assert.equal(r.itemCount, 2);
      assert.deepEqual(r.signer, EX.aliceIdPk);
      const dec = (x) => new TextDecoder().decode(x);
      const i1 = r.openItem(EX.item1);
      assert.deepEqual([dec(i1.name), dec(i1.value)], ['SMTP_USER', 'mailer']);
      const i0 = r.openItem(EX.item0, 'API_TOKEN');
      assert.deepEqual([dec(i0.name), dec(i0.value)], ['API_TOKEN', 'tok_123']);
      throwsCode(() => r.openItem(EX.item0, 'SMTP_USER'), Status.MISMATCH, CloakMismatchError);
      for (let i = 40; i < EX.item0.length; i++) {
        const t = EX.item0.slice(); t[i] ^= 1;
        throwsCode(() => r.openItem(t), Status.BAD_SIGNATURE);
      }
      r.wipe();
      throwsCode(() => r.openItem(EX.item0), Status.BAD_PARAMS);
      throwsCode(() => c.batchVerify(EX.batch, EX.bobEncPk, EX.bobEncSk, [c.identityKeypair().publicKey]), Status.UNTRUSTED_SIGNER);
      throwsCode(() => c.batchVerify(EX.batch, EX.bobEncPk, EX.bobEncSk, []), Status.UNTRUSTED_SIGNER);
      throwsCode(() => c.batchVerify(EX.batch, EX.aliceEncPk, EX.aliceEncSk, [EX.aliceIdPk]), Status.WRONG_KEY);
      const bt = EX.batch.slice(); bt[120] ^= 1;
      throwsCode(() => c.batchVerify(bt, EX.bobEncPk, EX.bobEncSk, [EX.aliceIdPk]), Status.BAD_SIGNATURE);
      // A fresh batch of three, read back in another order.
      const account = c.encryptionKeypair();
      const w = c.batchBegin(account.publicKey, 'vault-9');
      const items = ['A', 'B', 'C'].map((n, i) => w.sealItem(n, utf8(`value ${i}`)).item);
      assert.equal(w.digests.length, 3);
      const batch = w.finish(alice.secretKey);
      assert.equal(batch.length, c.batchLen(7, 3));
      throwsCode(() => w.sealItem('D', utf8('x')), Status.BAD_PARAMS);
      const rr = c.batchVerify(batch, account.publicKey, account.secretKey, [EX.aliceIdPk]);
      assert.equal(rr.itemCount, 3);
      assert.equal(dec(rr.openItem(items[2], 'C').value), 'value 2');
      assert.equal(dec(rr.openItem(items[0]).value), 'value 0');
      throwsCode(() => rr.openItem(EX.item0), Status.WRONG_KEY);
      // An item of the example batch under this batch's reader (other account) is the wrong key;
      // one of another batch of the same account is a mismatch.
      const w2 = c.batchBegin(account.publicKey, 'vault-9');
      const other = w2.sealItem('A', utf8('value 0')).item;
      w2.finish(alice.secretKey);
      throwsCode(() => rr.openItem(other), Status.MISMATCH);
    });

    it('a large batch (100,000 items): items open without copying the batch again', () => {
      const alice = c.identityKeypairFromSeed(EX.aliceIdSeed);
      const account = c.encryptionKeypair();
      const w = c.batchBegin(account.publicKey, 'vault-big');
      const n = 100000;
      const items = [];
      for (let i = 0; i < n; i++) items.push(w.sealItem(`S${i}`, utf8(`v${i}`)).item);
      const batch = w.finish(alice.secretKey);
      assert.equal(batch.length, c.batchLen(9, n));
      const r = c.batchVerify(batch, account.publicKey, account.secretKey, [EX.aliceIdPk]);
      assert.equal(r.itemCount, n);
      const t0 = performance.now();
      let opened = 0;
      for (let i = n - 1; i >= 0; i -= 50, opened++) assert.equal(new TextDecoder().decode(r.openItem(items[i], `S${i}`).value), `v${i}`);
      const perItem = (performance.now() - t0) / opened;
      // Copying (and wiping) the 3.2 MB batch for every item would cost about 0.2 ms each.
      assert.ok(perItem < 0.1, `${perItem.toFixed(3)} ms per item`);
      assert.equal(new TextDecoder().decode(r.openItem(items[0]).name), 'S0');
      r.wipe();
    });

    it('HPKE: RFC 9180 Base vector, recipient side; both single-shot and context forms', () => {
      const doc = JSON.parse(readFileSync(new URL('hpke_rfc9180_x25519_sha256_chacha20poly1305.json', vectors), 'utf8'));
      const v = doc.vectors.find((x) => x.mode === 0);
      const kp = c.encryptionKeypairFromSeed(hex(v.ikmR));
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
      const rcp = c.encryptionKeypair();
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
      const bob = c.encryptionKeypair();
      const vaultKey = c.vaultKeyGenerate();
      const share = c.shareSeal(vaultKey, 'vault-1', bob.publicKey, alice.secretKey);
      // Layout: header 20 | sender 32 | enc 32 | ct 48 | signature 64.
      assert.deepEqual(share.subarray(0, 4), hex('01090001'));
      assert.deepEqual(share.subarray(4, 20), new Uint8Array(publicKeyId(bob.publicKey)));
      const sender = share.subarray(20, 52);
      const enc = share.subarray(52, 84);
      const ct = share.subarray(84, 132);
      const sig = share.subarray(132, 196);
      const content = cat(lp8('libcloak v1 share'), share.subarray(0, 132), lp8('vault-1'), bob.publicKey);
      assert.ok(edVerify(null, content, ed25519Public(sender), sig));
      const info = cat(lp8('libcloak v1 vault key share'), lp8('vault-1'), bob.publicKey, sender);
      const recipientKey = await suite.kem.importKey('raw', bob.secretKey.slice().buffer, false);
      const pt = await suite.open({ recipientKey, enc: enc.slice().buffer, info }, ct.slice(), share.subarray(0, 52).slice());
      assert.deepEqual(new Uint8Array(pt), vaultKey);
    });

    it('interop: a share built with @hpke/core and Node Ed25519 opens in libcloak (section 8 only)', async () => {
      const aliceSeed = rep(0x31, 32);
      const alicePk = c.identityKeypairFromSeed(aliceSeed).publicKey; // used only as the trusted identity
      const bob = c.encryptionKeypair();
      const vaultKey = new Uint8Array(32).map((_, i) => i);
      const header = cat(hex('01090001'), new Uint8Array(publicKeyId(bob.publicKey)));
      const info = cat(lp8('libcloak v1 vault key share'), lp8('vault-7'), bob.publicKey, alicePk);
      const recipientPublicKey = await suite.kem.importKey('raw', bob.publicKey.slice().buffer, true);
      const sender = await suite.createSenderContext({ recipientPublicKey, info });
      const enc = new Uint8Array(sender.enc);
      const aad = cat(header, alicePk);
      const ct = new Uint8Array(await sender.seal(vaultKey, aad));
      const body = cat(header, alicePk, enc, ct);
      const sig = edSign(null, cat(lp8('libcloak v1 share'), body, lp8('vault-7'), bob.publicKey), ed25519Private(aliceSeed));
      const share = cat(body, new Uint8Array(sig));
      assert.equal(share.length, 196);
      assert.deepEqual(c.shareSender(share), alicePk);
      assert.deepEqual(c.shareOpen(share, 'vault-7', bob.publicKey, bob.secretKey, alicePk), vaultKey);
      throwsCode(() => c.shareOpen(share, 'vault-8', bob.publicKey, bob.secretKey, alicePk), Status.BAD_SIGNATURE);
    });

    it('argument checks: a wrong type is a TypeError naming the parameter, a wrong size bad params', () => {
      throwsCode(() => c.vaultInit(new Uint8Array(33), 'v'), Status.BAD_PARAMS, CloakBadParamsError);
      const typeError = (fn, param) => assert.throws(fn, (e) => {
        assert.ok(e instanceof TypeError && !(e instanceof CloakError), `not a TypeError: ${e}`);
        assert.match(e.message, new RegExp(`^${param} `));
        return true;
      });
      typeError(() => c.identitySign('m', '', new Uint8Array(64)), 'message');
      typeError(() => c.identitySign(utf8('m'), 7, new Uint8Array(64)), 'context');
      typeError(() => c.keyId([...EX.masterKey]), 'key');
      typeError(() => c.vaultInit(EX.vaultKey, 42), 'vaultId');
      typeError(() => c.passwordRecordNew({ memoryKib: '65536' }), 'memoryKib');
      typeError(() => c.secretSealedLen('3'), 'valueLen');
      typeError(() => c.batchVerify(EX.batch, EX.bobEncPk, EX.bobEncSk, EX.aliceIdPk), 'trusted');
      typeError(() => c.batchVerify(EX.batch, EX.bobEncPk, EX.bobEncSk, ['x']), 'trusted');
      const tv = c.vaultInit(EX.vaultKey, 'vault-1');
      typeError(() => tv.sealSecret('N', 'a string value'), 'value');
      typeError(() => tv.openSecret('N', null), 'sealed');
      typeError(() => tv.resealSecret({}, 'N', EX.sealed), 'to');
      tv.wipe();
      const hc = c.hpkeSetupSender(EX.bobEncPk).context;
      typeError(() => hc.seal('text'), 'plaintext');
      typeError(() => hc.export(utf8('x'), '32'), 'length');
      hc.wipe();
      throwsCode(() => c.secretSealedLen(-1), Status.BAD_PARAMS, CloakBadParamsError);
      throwsCode(() => c.shareOpen(EX.share, 'vault-1', EX.bobEncPk, EX.bobEncSk, new Uint8Array(31)), Status.BAD_PARAMS);
      const v = c.vaultInit(EX.vaultKey, 'vault-1');
      const value = utf8('x');
      const s = v.sealSecret('N', value);
      value[0] = 0x79;
      assert.deepEqual(v.openSecret('N', s), utf8('x'));
      // Buffers that are views into a larger ArrayBuffer (Node's Buffer pool) work as they are.
      const big = Buffer.alloc(200, 0xee);
      const view = new Uint8Array(big.buffer, big.byteOffset + 7, 88);
      view.set(EX.sealed);
      assert.equal(new TextDecoder().decode(v.openSecret('DATABASE_URL', view, 'prod')), 'postgres://app:s3cret@db/app');
      assert.equal(big[big.byteOffset === 0 ? 6 : 6], 0xee);
    });
  });
}
