// Suite 2 (X-Wing: ML-KEM-768 + X25519) through the API, on both backends (the native addon and the
// WebAssembly build): keys (DeriveKeyPair against the HPKE vector, the public key of a seed, key
// hashes), blobs, wrapped and exported keys, bundles, shares, batches and HPKE of either suite with
// the suite taken from the key or the blob, and the refusals across suites (UNSUPPORTED_SUITE); a
// vault mixing suites under a head (an X25519 member, an X-Wing member, an X-Wing service account:
// roster entries with a suite, the head checks through the `against` option), the downgrade
// refusals (a share to a member's older X25519 key: MISMATCH) and a post-quantum-only vault (X25519
// shares and batches: POLICY); and interop with an independent X-Wing, @hpke/hybridkem-x-wing over
// @hpke/core, with Node's Ed25519, SHA-256 and SHAKE256 and libsodium-wrappers' BLAKE2b, both ways,
// built from docs/protocol.md sections 1.6, 8 and 9 alone.
//
// LIBCLOAK_JS_BACKENDS=native,wasm (the default) chooses the backends, as for cloak.test.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash, createPrivateKey, createPublicKey, sign as edSign, verify as edVerify } from 'node:crypto';
import { CipherSuite } from '@hpke/core';
import { HkdfSha256 } from '@hpke/dhkem-x25519';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { XWing } from '@hpke/hybridkem-x-wing';
import * as lib from '../dist/index.js';

const { load, utf8, ObjectType, Status, Suite, VaultPolicy, CloakError } = lib;
const require = createRequire(import.meta.url);
const sodium = require('libsodium-wrappers');

const hex = (s) => new Uint8Array(Buffer.from(s, 'hex'));
const cat = (...xs) => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) { out.set(x, o); o += x.length; }
  return out;
};
const lp8 = (x) => cat(new Uint8Array([x.length]), typeof x === 'string' ? utf8(x) : x);
const u16 = (n) => new Uint8Array([n >> 8, n & 0xff]);
const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
const u64 = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b; };
const rep = (byte, n) => new Uint8Array(n).fill(byte);
const dec = (b) => new TextDecoder().decode(b);
const buf = (b) => b.slice().buffer; // an ArrayBuffer of exactly these bytes

const XV = JSON.parse(readFileSync(new URL('../../../tests/vectors/hpke_xwing_hkdf_sha256_chacha20poly1305.json', import.meta.url), 'utf8'))[0];

function throwsCode(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof CloakError, `not a CloakError: ${e}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code} (${e.message})`);
    return true;
  });
}

// The independent side: section 1.2's key hash, 1.6's DeriveKeyPair, Ed25519's labelled signatures.
const keyHash = (pk) => new Uint8Array(createHash('sha256').update(lp8('libcloak v2 public key id')).update(pk).digest());
const deriveSeed = (ikm) => new Uint8Array(createHash('shake256', { outputLength: 32 })
  .update(cat(ikm, utf8('HPKE-v1'), utf8('KEM'), u16(0x647a), u16(13), utf8('DeriveKeyPair'), u16(32))).digest());
const ed25519Private = (seed) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
const ed25519Public = (pk) =>
  createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pk)]), format: 'der', type: 'spki' });
const labelled = (label, signer, content) => cat(lp8(label), signer, content);
const xwingSuite = () => new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Chacha20Poly1305() });

const backends = (process.env.LIBCLOAK_JS_BACKENDS ?? 'native,wasm').split(',').filter(Boolean);

for (const backendName of backends) {
  describe(`X-Wing, mixed vaults, interop (${backendName})`, () => {
    let c;
    before(async () => {
      await sodium.ready;
      c = await load({ backend: backendName });
      assert.equal(c.backendName, backendName);
    });
    after(() => c.close());

    const EXPIRY = 1900000000;
    const NOW = 1800000000;

    it('X-Wing keys: DeriveKeyPair (the HPKE vector), the public key of a seed, key hashes, public key blobs', () => {
      const kp = c.encryptionKeypairFromSeed(hex(XV.ikmR)); // X-Wing, the default
      assert.deepEqual(kp, { publicKey: hex(XV.pkRm), secretKey: hex(XV.skRm), suite: Suite.XWING });
      assert.deepEqual(c.xwingPublicKey(kp.secretKey), kp.publicKey);
      assert.deepEqual(c.encryptionKeypairFromSeed(hex(XV.ikmR), Suite.XWING), kp);
      assert.equal(c.encryptionKeypairFromSeed(hex(XV.ikmR), Suite.X25519).publicKey.length, 32);
      throwsCode(() => c.encryptionKeypairFromSeed(new Uint8Array(31)), Status.BAD_PARAMS);
      throwsCode(() => c.encryptionKeypairFromSeed(new Uint8Array(256)), Status.BAD_PARAMS);
      assert.equal(c.encryptionKeypairFromSeed(rep(7, 255)).publicKey.length, 1216);
      throwsCode(() => c.encryptionKeypair(3), Status.BAD_PARAMS);
      const r = c.encryptionKeypair();
      assert.deepEqual([r.publicKey.length, r.secretKey.length, r.suite], [1216, 32, Suite.XWING]);
      assert.notDeepEqual(r.secretKey, c.encryptionKeypair().secretKey);
      // Key hash, binding, key id: section 1.2.
      const pk = kp.publicKey;
      assert.deepEqual(c.xwingKeyHash(pk), keyHash(pk));
      assert.deepEqual(c.keyBinding(pk), keyHash(pk));
      assert.deepEqual(c.encryptionKeyId(pk), keyHash(pk).subarray(0, 16));
      assert.equal(c.encryptionSuite(pk), Suite.XWING);
      throwsCode(() => c.encryptionSuite(new Uint8Array(33)), Status.BAD_PARAMS);
      // The public key blob: suite 2, the key id of the key hash.
      const blob = c.encryptionPublicExport(pk);
      assert.equal(blob.length, 1236);
      assert.deepEqual(blob.subarray(0, 4), hex('02030002'));
      assert.equal(c.blobSuite(blob), Suite.XWING);
      assert.deepEqual(c.blobInspect(blob), { type: ObjectType.ENCRYPTION_PUBLIC_KEY, keyId: keyHash(pk).subarray(0, 16) });
      assert.deepEqual(c.encryptionPublicImport(blob), pk);
      assert.deepEqual(c.encryptionPublicImport(c.textDecode(c.textEncode(blob)), Suite.XWING), pk);
      throwsCode(() => c.encryptionPublicImport(blob, Suite.X25519), Status.UNSUPPORTED_SUITE);
      const x25519Blob = c.encryptionPublicExport(c.encryptionKeypair(Suite.X25519).publicKey);
      throwsCode(() => c.encryptionPublicImport(x25519Blob, Suite.XWING), Status.UNSUPPORTED_SUITE);
      // FIPS 203's modulus check (the first coefficient q = 3329) and section 1.4 on the X25519 part.
      const notModQ = pk.slice(); notModQ[0] = 0x01; notModQ[1] = (notModQ[1] & 0xf0) | 0x0d;
      throwsCode(() => c.encryptionPublicExport(notModQ), Status.MALFORMED);
      throwsCode(() => c.xwingKeyHash(notModQ), Status.MALFORMED);
      const zeroX = cat(pk.subarray(0, 1184), new Uint8Array(32));
      throwsCode(() => c.encryptionPublicExport(zeroX), Status.INVALID_KEY);
    });

    it('X-Wing keys under the master key and in the clear, both kinds; the other suite refused', () => {
      const mk = rep(0x11, 32);
      const mk2 = rep(0x22, 32);
      const k = c.encryptionKeypair();
      const w = c.encryptionWrap(mk, k);
      assert.equal(w.length, c.sizes.xwingWrappedKeyBytes);
      assert.equal(c.blobSuite(w), Suite.XWING);
      assert.deepEqual(c.encryptionUnwrap(mk, w), k);
      assert.deepEqual(c.encryptionUnwrap(mk, c.encryptionWrap(mk, k.secretKey)), k, 'a secret key alone is X-Wing by default');
      assert.deepEqual(c.wrappedKeyPublicKey(w), { publicKey: k.publicKey, type: ObjectType.WRAPPED_ENCRYPTION_KEY, suite: Suite.XWING });
      const sa = c.encryptionKeypair();
      const ws = c.serviceAccountWrap(mk, sa);
      assert.deepEqual(c.serviceAccountUnwrap(mk, ws), sa);
      assert.equal(c.wrappedKeyPublicKey(ws).type, ObjectType.WRAPPED_SERVICE_ACCOUNT_KEY);
      throwsCode(() => c.encryptionUnwrap(mk, ws), Status.WRONG_TYPE);
      throwsCode(() => c.encryptionUnwrap(mk2, w), Status.WRONG_KEY);
      // Rewrapped: same key, suite and type, under the new master key only.
      const rw = c.wrappedKeyRewrap(mk, mk2, w);
      assert.equal(rw.length, w.length);
      assert.deepEqual(c.encryptionUnwrap(mk2, rw), k);
      throwsCode(() => c.encryptionUnwrap(mk, rw), Status.WRONG_KEY);
      // Asked for the other suite, each reader refuses.
      throwsCode(() => c.encryptionUnwrap(mk, w, Suite.X25519), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.serviceAccountUnwrap(mk, ws, Suite.X25519), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.wrappedKeyPublicKey(w, Suite.X25519), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.wrappedKeyRewrap(mk, mk2, w, Suite.X25519), Status.UNSUPPORTED_SUITE);
      const w1 = c.encryptionWrap(mk, c.encryptionKeypair(Suite.X25519));
      assert.equal(w1.length, c.sizes.wrappedKeyBytes);
      throwsCode(() => c.encryptionUnwrap(mk, w1, Suite.XWING), Status.UNSUPPORTED_SUITE);
      // The public key and the suite are in the associated data; the nonce and ciphertext authenticated.
      for (const i of [2, 3, 20, 700, 1235, 1236, 1259, 1260, w.length - 1]) {
        const t = w.slice(); t[i] ^= 0x01;
        assert.throws(() => c.encryptionUnwrap(mk, t), CloakError, `byte ${i}`);
      }
      for (const i of [20, 1235, 1236, w.length - 1]) {
        const t = w.slice(); t[i] ^= 0x01;
        throwsCode(() => c.encryptionUnwrap(mk, t), Status.AUTH);
      }
      // In the clear, for a CI machine.
      const blob = c.serviceAccountPrivateExport(sa.publicKey, sa.secretKey);
      assert.equal(blob.length, c.sizes.xwingServiceAccountPrivateBlobBytes);
      assert.deepEqual(c.serviceAccountPrivateImport(c.textDecode(c.textEncode(blob))), sa);
      throwsCode(() => c.serviceAccountPrivateImport(blob, Suite.X25519), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.serviceAccountPrivateExport(sa.publicKey, k.secretKey), Status.MISMATCH);
    });

    it('a service account\'s access credential and its verifier, in either suite (docs/protocol.md 9.4)', () => {
      for (const suite of [Suite.XWING, Suite.X25519]) {
        const sa = c.encryptionKeypair(suite);
        const cred = c.serviceAccountCredential(sa.publicKey, sa.secretKey);
        assert.equal(cred.length, c.sizes.credentialBytes);
        assert.notDeepEqual(cred, sa.secretKey);
        // The key read back from its export gives the same credential; another key another one.
        const back = c.serviceAccountPrivateImport(c.serviceAccountPrivateExport(sa.publicKey, sa.secretKey));
        assert.deepEqual(c.serviceAccountCredential(back.publicKey, back.secretKey), cred);
        const other = c.encryptionKeypair(suite);
        assert.notDeepEqual(c.serviceAccountCredential(other.publicKey, other.secretKey), cred);
        throwsCode(() => c.serviceAccountCredential(sa.publicKey, other.secretKey), Status.MISMATCH);
        const verifier = c.serviceAccountCredentialVerifier(cred);
        assert.equal(verifier.length, c.sizes.credentialVerifierBytes);
        assert.notDeepEqual(verifier, cred);
        assert.equal(c.serviceAccountCredentialVerify(verifier, cred), true);
        const flipped = cred.slice(); flipped[31] ^= 0x01;
        assert.equal(c.serviceAccountCredentialVerify(verifier, flipped), false);
        assert.equal(c.serviceAccountCredentialVerify(verifier.subarray(0, 31), cred), false);
        throwsCode(() => c.serviceAccountCredentialVerifier(cred.subarray(0, 31)), Status.BAD_PARAMS);
      }
      // An X-Wing public key whose X25519 half is of small order: refused before the comparison.
      const xk = c.encryptionKeypair(Suite.XWING);
      const bad = xk.publicKey.slice(); bad.fill(0, bad.length - 32);
      throwsCode(() => c.serviceAccountCredential(bad, xk.secretKey), Status.INVALID_KEY);
    });

    it('bundles of either suite: verify returns both keys and the suite', () => {
      const id = c.identityKeypair();
      const xk = c.encryptionKeypair();
      const old = c.encryptionKeypair(Suite.X25519);
      const b2 = c.bundleCreate(id.secretKey, xk.publicKey);
      const b1 = c.bundleCreate(id.secretKey, old.publicKey);
      assert.deepEqual([b2.length, b1.length], [c.sizes.xwingBundleBytes, c.sizes.bundleBytes]);
      assert.deepEqual(c.bundleVerify(b2), { identityPublicKey: id.publicKey, encryptionPublicKey: xk.publicKey, suite: Suite.XWING });
      assert.deepEqual(c.bundleVerify(b1), { identityPublicKey: id.publicKey, encryptionPublicKey: old.publicKey, suite: Suite.X25519 });
      throwsCode(() => c.bundleVerify(b2, Suite.X25519), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.bundleVerify(b1, Suite.XWING), Status.UNSUPPORTED_SUITE);
      // The suite is signed: relabelled, the bundle is the other suite's and no longer reads.
      const relabelled = b2.slice(); relabelled[3] = 1;
      assert.throws(() => c.bundleVerify(relabelled), CloakError);
      const sig = b2.slice(); sig[b2.length - 1] ^= 1;
      throwsCode(() => c.bundleVerify(sig), Status.BAD_SIGNATURE);
      for (const i of [52, 600, 1267]) {
        const t = b2.slice(); t[i] ^= 0x01;
        assert.throws(() => c.bundleVerify(t), CloakError, `byte ${i}`);
      }
    });

    it('shares of either suite: the suite is the recipient key\'s; every byte of an X-Wing share tampered', () => {
      const alice = c.identityKeypair();
      const bob = c.encryptionKeypair();
      const bobOld = c.encryptionKeypair(Suite.X25519);
      const vk = c.vaultKeyGenerate();
      const s2 = c.shareSeal(vk, 3, 'vault-1', bob.publicKey, alice.secretKey);
      const s1 = c.shareSeal(vk, 3, 'vault-1', bobOld.publicKey, alice.secretKey);
      assert.deepEqual([s2.length, s1.length], [1288, 200]);
      assert.deepEqual(s2.subarray(0, 4), hex('02090002'));
      assert.equal(c.blobSuite(s2), Suite.XWING);
      assert.deepEqual(c.shareSender(s2), alice.publicKey);
      assert.deepEqual(c.shareOpen(s2, 'vault-1', bob.publicKey, bob.secretKey, alice.publicKey, 3), { vaultKey: vk, epoch: 3 });
      assert.deepEqual(c.shareOpen(s1, 'vault-1', bobOld.publicKey, bobOld.secretKey, alice.publicKey), { vaultKey: vk, epoch: 3 });
      // A share of one suite opened with a key of the other.
      throwsCode(() => c.shareOpen(s2, 'vault-1', bobOld.publicKey, bobOld.secretKey, alice.publicKey), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.shareOpen(s1, 'vault-1', bob.publicKey, bob.secretKey, alice.publicKey), Status.UNSUPPORTED_SUITE);
      const other = c.encryptionKeypair();
      throwsCode(() => c.shareOpen(s2, 'vault-1', other.publicKey, other.secretKey, alice.publicKey), Status.WRONG_KEY);
      throwsCode(() => c.shareOpen(s2, 'vault-1', bob.publicKey, bob.secretKey, alice.publicKey, 4), Status.STALE);
      throwsCode(() => c.shareOpen(s2, 'vault-2', bob.publicKey, bob.secretKey, alice.publicKey), Status.BAD_SIGNATURE);
      throwsCode(() => c.shareOpen(s2, 'vault-1', bob.publicKey, other.secretKey, alice.publicKey), Status.INVALID_KEY);
      for (let i = 0; i < s2.length; i++) {
        const t = s2.slice(); t[i] ^= 0x01;
        const zeroEpoch = t.subarray(52, 56).every((b) => b === 0);
        const want = i === 0 ? Status.UNSUPPORTED_VERSION : i === 1 ? Status.WRONG_TYPE : i < 4 ? Status.UNSUPPORTED_SUITE
          : i < 20 ? Status.WRONG_KEY : i < 52 ? Status.UNTRUSTED_SIGNER : zeroEpoch ? Status.MALFORMED : Status.BAD_SIGNATURE;
        throwsCode(() => c.shareOpen(t, 'vault-1', bob.publicKey, bob.secretKey, alice.publicKey), want);
      }
      throwsCode(() => c.shareOpen(s2.subarray(0, 1287), 'vault-1', bob.publicKey, bob.secretKey, alice.publicKey), Status.MALFORMED);
      const bad = bob.publicKey.slice(); bad[0] = 0x01; bad[1] = (bad[1] & 0xf0) | 0x0d;
      throwsCode(() => c.shareSeal(vk, 1, 'vault-1', bad, alice.secretKey), Status.MALFORMED);
      throwsCode(() => c.shareSeal(vk, 1, 'vault-1', new Uint8Array(100), alice.secretKey), Status.BAD_PARAMS);
    });

    it('batches of either suite: writer and reader take the suite from the account key', () => {
      const alice = c.identityKeypair();
      const account = c.encryptionKeypair();
      const old = c.encryptionKeypair(Suite.X25519);
      const hash = rep(0x48, 32);
      const seal = (acct, names) => {
        const w = c.batchBegin(acct.publicKey, alice.publicKey, 'vault-9', 2, 7, hash, EXPIRY);
        const items = names.map((n, i) => w.sealItem(n, utf8(`value ${i}`)).item);
        return { suite: w.suite, items, blob: w.finish(alice.secretKey) };
      };
      const b2 = seal(account, ['A', 'B', 'C']);
      const b1 = seal(old, ['A']);
      assert.deepEqual([b2.suite, b1.suite], [Suite.XWING, Suite.X25519]);
      assert.equal(b2.blob.length, c.batchLen(7, 3));
      assert.equal(b2.blob.length, c.batchLen(7, 3, Suite.X25519) + 1088);
      assert.equal(b1.blob.length, c.batchLen(7, 1, Suite.X25519));
      assert.equal(c.blobSuite(b2.blob), Suite.XWING);
      assert.equal(c.blobSuite(b2.items[0]), Suite.XWING);
      assert.equal(c.batchCount(b2.blob), 3);
      assert.deepEqual(c.batchSender(b2.blob), alice.publicKey);
      const r = c.batchVerify(b2.blob, 'vault-9', account.publicKey, account.secretKey, [alice.publicKey]);
      r.check(2, 7, NOW);
      assert.deepEqual([r.itemCount, r.epoch, r.headVersion, r.expiry], [3, 2, 7n, BigInt(EXPIRY)]);
      for (const i of [2, 0, 1]) {
        const { name, value } = r.openItem(b2.items[i]);
        assert.deepEqual([dec(name), dec(value)], [['A', 'B', 'C'][i], `value ${i}`]);
      }
      throwsCode(() => r.openItem(b2.items[0]), Status.BAD_SIGNATURE);
      throwsCode(() => r.openItem(b1.items[0]), Status.UNSUPPORTED_SUITE);
      r.wipe();
      // A batch of one suite verified with an account key of the other.
      throwsCode(() => c.batchVerify(b2.blob, 'vault-9', old.publicKey, old.secretKey, [alice.publicKey]), Status.UNSUPPORTED_SUITE);
      throwsCode(() => c.batchVerify(b1.blob, 'vault-9', account.publicKey, account.secretKey, [alice.publicKey]), Status.UNSUPPORTED_SUITE);
      const other = c.encryptionKeypair();
      throwsCode(() => c.batchVerify(b2.blob, 'vault-9', other.publicKey, other.secretKey, [alice.publicKey]), Status.WRONG_KEY);
      throwsCode(() => c.batchVerify(b2.blob, 'vault-8', account.publicKey, account.secretKey, [alice.publicKey]), Status.MISMATCH);
      const t = b2.blob.slice(); t[40] ^= 1; // the encapsulation is signed
      throwsCode(() => c.batchVerify(t, 'vault-9', account.publicKey, account.secretKey, [alice.publicKey]), Status.BAD_SIGNATURE);
    });

    it('HPKE with X-Wing: the vector (recipient side), single-shot and context forms', () => {
      const ctx = c.hpkeSetupRecipient(hex(XV.enc), hex(XV.pkRm), hex(XV.skRm), hex(XV.info));
      const prefix = XV.encryptions.filter((e, i) => (e.seq ?? i) === i);
      assert.ok(prefix.length >= 1);
      for (const e of prefix) assert.deepEqual(ctx.open(hex(e.ct), hex(e.aad)), hex(e.pt));
      for (const x of XV.exports ?? []) assert.deepEqual(ctx.export(hex(x.exporter_context), x.L), hex(x.exported_value));
      ctx.wipe();
      const first = XV.encryptions[0];
      assert.deepEqual(c.hpkeOpenBase(hex(XV.enc), hex(first.ct), hex(XV.pkRm), hex(XV.skRm), hex(XV.info), hex(first.aad)), hex(first.pt));
      const rcp = c.encryptionKeypair();
      const one = c.hpkeSealBase(rcp.publicKey, utf8('message'), utf8('info'), utf8('aad'));
      assert.equal(one.enc.length, c.sizes.xwingEncBytes);
      assert.deepEqual(c.hpkeOpenBase(one.enc, one.ciphertext, rcp.publicKey, rcp.secretKey, utf8('info'), utf8('aad')), utf8('message'));
      throwsCode(() => c.hpkeOpenBase(one.enc, one.ciphertext, rcp.publicKey, rcp.secretKey, utf8('inf0'), utf8('aad')), Status.AUTH);
      throwsCode(() => c.hpkeOpenBase(one.enc.subarray(0, 32), one.ciphertext, rcp.publicKey, rcp.secretKey), Status.BAD_PARAMS);
      // The recipient's public key must be its seed's.
      throwsCode(() => c.hpkeOpenBase(one.enc, one.ciphertext, hex(XV.pkRm), rcp.secretKey, utf8('info'), utf8('aad')), Status.INVALID_KEY);
      const { enc, context } = c.hpkeSetupSender(rcp.publicKey, utf8('i'));
      const recv = c.hpkeSetupRecipient(enc, rcp.publicKey, rcp.secretKey, utf8('i'));
      for (let i = 0; i < 3; i++) assert.deepEqual(recv.open(context.seal(utf8(`m${i}`))), utf8(`m${i}`));
      assert.deepEqual(context.export(utf8('x'), 32), recv.export(utf8('x'), 32));
      context.wipe();
      recv.wipe();
    });

    /**
     * A vault of three: Alice (admin) with an X25519 key, Bob (writer) with an X-Wing key and an
     * older X25519 one, and an X-Wing CI account; head v1 names their current keys.
     */
    function mixedVault(vaultId) {
      const person = (suite) => ({ id: c.identityKeypair(), enc: c.encryptionKeypair(suite) });
      const alice = person(Suite.X25519);
      const bob = person(Suite.XWING);
      bob.old = c.encryptionKeypair(Suite.X25519);
      const ci = c.encryptionKeypair();
      const { permissionWrite: WRITE, permissionAdmin: ADMIN } = c.sizes;
      const vaultKey = c.vaultKeyGenerate();
      const vault = c.vaultInit(vaultKey, 1, vaultId);
      const leaves = [c.merkleLeaf(vault.blindIndex('A'), vault.sealSecret('A', utf8('a')))];
      const roster = c.rosterSort([
        c.memberEntry(WRITE | ADMIN, alice.id.publicKey, alice.enc.publicKey),
        c.memberEntry(WRITE, bob.id.publicKey, bob.enc.publicKey),
        c.serviceAccountEntry(ci.publicKey),
      ]);
      const blob = c.headCreate(vaultId, 1, vault.keyId(), 1, new Uint8Array(32), EXPIRY, c.merkleRoot(leaves), 1, 0, roster, alice.id.secretKey);
      const head = c.headVerifyFirst(blob, vaultId, [alice.id.publicKey]);
      head.check(1, 1, NOW);
      return { alice, bob, ci, vaultKey, vault, leaves, head, WRITE, ADMIN };
    }

    it('a mixed vault: an X25519 member, an X-Wing member, an X-Wing service account, one code path', () => {
      const vid = 'vault-mixed';
      const { alice, bob, ci, vaultKey, vault, head, WRITE, ADMIN } = mixedVault(vid);
      const { rosterMember: MEMBER, rosterServiceAccount: SA } = c.sizes;
      assert.equal(head.policy, 0);
      assert.deepEqual(head.rosterFind(MEMBER, alice.id.publicKey),
        { permissions: WRITE | ADMIN, suite: Suite.X25519, encryptionKeyId: c.encryptionKeyId(alice.enc.publicKey) });
      assert.deepEqual(head.rosterFind(MEMBER, bob.id.publicKey),
        { permissions: WRITE, suite: Suite.XWING, encryptionKeyId: c.encryptionKeyId(bob.enc.publicKey) });
      const ciEntry = { permissions: 0, suite: Suite.XWING, encryptionKeyId: c.encryptionKeyId(ci.publicKey) };
      assert.deepEqual(head.rosterFind(SA, ci.publicKey), ciEntry, 'by the account\'s public key');
      assert.deepEqual(head.rosterFind(SA, c.keyBinding(ci.publicKey)), ciEntry, 'by its key hash, as the roster holds it');
      // The same calls for every member, whatever its suite: each gets a share in its key's suite,
      // checked against the head before sealing and after receiving.
      const lengths = [];
      for (const m of [alice, bob]) {
        const { encryptionPublicKey, suite } = c.bundleVerify(c.bundleCreate(m.id.secretKey, m.enc.publicKey));
        const share = c.shareSeal(vaultKey, head.epoch, vid, encryptionPublicKey, alice.id.secretKey,
          { head, recipientIdentityPublicKey: m.id.publicKey });
        lengths.push([suite, share.length]);
        const got = c.shareOpen(share, vid, m.enc.publicKey, m.enc.secretKey, alice.id.publicKey, head.epoch,
          { head, recipientIdentityPublicKey: m.id.publicKey });
        assert.deepEqual(got, { vaultKey, epoch: 1 });
        assert.deepEqual(c.vaultInit(got.vaultKey, got.epoch, vid).keyId(), head.vaultKeyId);
      }
      assert.deepEqual(lengths, [[Suite.X25519, 200], [Suite.XWING, 1288]]);
      // The service account's batch, bound to the head and checked against it on both sides.
      const w = c.batchBegin(ci.publicKey, alice.id.publicKey, vid, head.epoch, head.version, head.hash, head.expiry, { head });
      const { item } = w.sealItem('A', vault.openSecret('A', vault.sealSecret('A', utf8('a'))));
      const batch = w.finish(alice.id.secretKey);
      const reader = c.batchVerify(batch, vid, ci.publicKey, ci.secretKey, [alice.id.publicKey], { head });
      reader.check(head.epoch, head.version, NOW);
      assert.equal(dec(reader.openItem(item).value), 'a');
      reader.wipe();
      // An argument that is not a head is a programming error.
      assert.throws(() => c.batchVerify(batch, vid, ci.publicKey, ci.secretKey, [alice.id.publicKey], { head: {} }), TypeError);
      head.wipe();
      vault.wipe();
    });

    it('downgrades: a share to a member\'s older X25519 key, another epoch, another key: MISMATCH', () => {
      const vid = 'vault-down';
      const { alice, bob, ci, vaultKey, vault, head } = mixedVault(vid);
      // The server serves Bob's older bundle: validly signed, of suite 1.
      const served = c.bundleVerify(c.bundleCreate(bob.id.secretKey, bob.old.publicKey));
      assert.equal(served.suite, Suite.X25519);
      throwsCode(() => head.checkRecipient(bob.id.publicKey, served.encryptionPublicKey), Status.MISMATCH);
      throwsCode(() => c.shareSeal(vaultKey, 1, vid, served.encryptionPublicKey, alice.id.secretKey,
        { head, recipientIdentityPublicKey: bob.id.publicKey }), Status.MISMATCH);
      // A share made to it anyway (by a client that did not check) is refused on receipt.
      const toOld = c.shareSeal(vaultKey, 1, vid, bob.old.publicKey, alice.id.secretKey);
      throwsCode(() => head.checkShare(bob.id.publicKey, toOld), Status.MISMATCH);
      throwsCode(() => c.shareOpen(toOld, vid, bob.old.publicKey, bob.old.secretKey, alice.id.publicKey, 1,
        { head, recipientIdentityPublicKey: bob.id.publicKey }), Status.MISMATCH);
      // Unchecked, the library itself opens it: the head check is what refuses the downgrade.
      assert.deepEqual(c.shareOpen(toOld, vid, bob.old.publicKey, bob.old.secretKey, alice.id.publicKey).vaultKey, vaultKey);
      // Bob's current key, but another epoch than the head's; Bob's share claimed for Alice.
      const epoch2 = c.shareSeal(vaultKey, 2, vid, bob.enc.publicKey, alice.id.secretKey);
      throwsCode(() => head.checkShare(bob.id.publicKey, epoch2), Status.MISMATCH);
      const toBob = c.shareSeal(vaultKey, 1, vid, bob.enc.publicKey, alice.id.secretKey);
      head.checkShare(bob.id.publicKey, toBob);
      throwsCode(() => head.checkShare(alice.id.publicKey, toBob), Status.MISMATCH);
      throwsCode(() => head.checkRecipient(c.identityKeypair().publicKey, bob.enc.publicKey), Status.MISMATCH);
      // Service accounts: a key the roster lacks, a member's key, a batch to either.
      const stranger = c.encryptionKeypair();
      throwsCode(() => head.checkRecipient(null, stranger.publicKey), Status.MISMATCH);
      throwsCode(() => head.checkRecipient(null, alice.enc.publicKey), Status.MISMATCH);
      throwsCode(() => c.batchBegin(stranger.publicKey, alice.id.publicKey, vid, 1, 1, head.hash, EXPIRY, { head }), Status.MISMATCH);
      const w = c.batchBegin(stranger.publicKey, alice.id.publicKey, vid, 1, 1, head.hash, EXPIRY);
      w.sealItem('A', utf8('x'));
      const strangers = w.finish(alice.id.secretKey);
      throwsCode(() => head.checkBatch(strangers), Status.MISMATCH);
      throwsCode(() => c.batchVerify(strangers, vid, stranger.publicKey, stranger.secretKey, [alice.id.publicKey], { head }), Status.MISMATCH);
      head.checkRecipient(null, ci.publicKey);
      throwsCode(() => head.checkRecipient(null, new Uint8Array(64)), Status.BAD_PARAMS);
      head.wipe();
      vault.wipe();
    });

    it('a post-quantum-only vault: X25519 shares and batches refused (POLICY), the policy taken with a rotation', () => {
      const vid = 'vault-pq';
      const { alice, bob, ci, vault, leaves, head, WRITE, ADMIN } = mixedVault(vid);
      const root = c.merkleRoot(leaves);
      // Alice moves to an X-Wing key; an admin names it in the roster (still policy 0).
      alice.old = alice.enc;
      alice.enc = c.encryptionKeypair();
      const roster = c.rosterSort([
        c.memberEntry(WRITE | ADMIN, alice.id.publicKey, alice.enc.publicKey),
        c.memberEntry(WRITE, bob.id.publicKey, bob.enc.publicKey),
        c.serviceAccountEntry(ci.publicKey),
      ]);
      const head2 = head.verifyNext(c.headCreate(vid, 1, vault.keyId(), 2, head.hash, EXPIRY, root, 1, 0, roster, alice.id.secretKey));
      // Setting the policy without a new epoch is refused; so is the policy over an X25519 entry, or an unknown bit.
      const sameEpoch = c.headCreate(vid, 1, vault.keyId(), 3, head2.hash, EXPIRY, root, 1, VaultPolicy.POST_QUANTUM_ONLY, roster, alice.id.secretKey);
      throwsCode(() => head2.verifyNext(sameEpoch), Status.MISMATCH);
      const mixedRoster = c.rosterSort([roster[0], c.memberEntry(WRITE, bob.id.publicKey, bob.old.publicKey), roster[2]]);
      throwsCode(() => c.headCreate(vid, 2, vault.keyId(), 3, head2.hash, EXPIRY, root, 1, VaultPolicy.POST_QUANTUM_ONLY, mixedRoster, alice.id.secretKey), Status.BAD_PARAMS);
      throwsCode(() => c.headCreate(vid, 2, vault.keyId(), 3, head2.hash, EXPIRY, root, 1, 2, roster, alice.id.secretKey), Status.BAD_PARAMS);
      // The rotation that sets it: epoch 2, a new vault key.
      const newKey = c.vaultKeyGenerate();
      const v2 = c.vaultInit(newKey, 2, vid);
      const head3 = head2.verifyNext(c.headCreate(vid, 2, v2.keyId(), 3, head2.hash, EXPIRY, root, 1, VaultPolicy.POST_QUANTUM_ONLY, roster, alice.id.secretKey));
      assert.deepEqual([head3.policy, head3.epoch], [VaultPolicy.POST_QUANTUM_ONLY, 2]);
      // X-Wing shares and batches go through.
      const toBob = c.shareSeal(newKey, 2, vid, bob.enc.publicKey, alice.id.secretKey, { head: head3, recipientIdentityPublicKey: bob.id.publicKey });
      assert.deepEqual(c.shareOpen(toBob, vid, bob.enc.publicKey, bob.enc.secretKey, alice.id.publicKey, 2,
        { head: head3, recipientIdentityPublicKey: bob.id.publicKey }), { vaultKey: newKey, epoch: 2 });
      const w = c.batchBegin(ci.publicKey, alice.id.publicKey, vid, 2, head3.version, head3.hash, EXPIRY, { head: head3 });
      w.sealItem('A', utf8('a'));
      c.batchVerify(w.finish(alice.id.secretKey), vid, ci.publicKey, ci.secretKey, [alice.id.publicKey], { head: head3 }).wipe();
      // X25519 ones do not: before sealing and on receipt.
      throwsCode(() => head3.checkRecipient(alice.id.publicKey, alice.old.publicKey), Status.POLICY);
      throwsCode(() => c.shareSeal(newKey, 2, vid, bob.old.publicKey, alice.id.secretKey,
        { head: head3, recipientIdentityPublicKey: bob.id.publicKey }), Status.POLICY);
      const x25519Share = c.shareSeal(newKey, 2, vid, bob.old.publicKey, alice.id.secretKey);
      assert.throws(() => head3.checkShare(bob.id.publicKey, x25519Share), lib.CloakPolicyError);
      throwsCode(() => c.shareOpen(x25519Share, vid, bob.old.publicKey, bob.old.secretKey, alice.id.publicKey, 2,
        { head: head3, recipientIdentityPublicKey: bob.id.publicKey }), Status.POLICY);
      const oldAccount = c.encryptionKeypair(Suite.X25519);
      throwsCode(() => head3.checkRecipient(null, oldAccount.publicKey), Status.POLICY);
      throwsCode(() => c.batchBegin(oldAccount.publicKey, alice.id.publicKey, vid, 2, 3, head3.hash, EXPIRY, { head: head3 }), Status.POLICY);
      const wo = c.batchBegin(oldAccount.publicKey, alice.id.publicKey, vid, 2, 3, head3.hash, EXPIRY);
      wo.sealItem('A', utf8('a'));
      const x25519Batch = wo.finish(alice.id.secretKey);
      throwsCode(() => head3.checkBatch(x25519Batch), Status.POLICY);
      throwsCode(() => c.batchVerify(x25519Batch, vid, oldAccount.publicKey, oldAccount.secretKey, [alice.id.publicKey], { head: head3 }), Status.POLICY);
      for (const h of [head, head2, head3]) h.wipe();
      vault.wipe();
      v2.wipe();
    });

    it('interop: a libcloak X-Wing share opens with @hpke/hybridkem-x-wing and Node Ed25519 (sections 1.6 and 8 only)', async () => {
      const alice = c.identityKeypair();
      const bob = c.encryptionKeypair();
      const vaultKey = c.vaultKeyGenerate();
      const share = c.shareSeal(vaultKey, 3, 'vault-1', bob.publicKey, alice.secretKey);
      // header 20 | sender 32 | epoch 4 | enc 1120 | ct 48 | signature 64
      assert.equal(share.length, 1288);
      assert.deepEqual(share.subarray(0, 4), hex('02090002'));
      assert.deepEqual(share.subarray(4, 20), keyHash(bob.publicKey).subarray(0, 16));
      const sender = share.subarray(20, 52);
      assert.deepEqual(sender, alice.publicKey);
      assert.deepEqual(share.subarray(52, 56), u32(3));
      const enc = share.subarray(56, 1176);
      const ct = share.subarray(1176, 1224);
      const sig = share.subarray(1224, 1288);
      const content = cat(share.subarray(0, 1224), lp8('vault-1'), keyHash(bob.publicKey));
      assert.ok(edVerify(null, labelled('libcloak v2 share', sender, content), ed25519Public(sender), sig));
      const info = cat(lp8('libcloak v2 share'), lp8('vault-1'), u32(3), keyHash(bob.publicKey), sender);
      const suite = xwingSuite();
      const recipientKey = await suite.kem.importKey('raw', buf(bob.secretKey), false);
      const pt = await suite.open({ recipientKey, enc: buf(enc), info }, buf(ct), buf(share.subarray(0, 56)));
      assert.deepEqual(new Uint8Array(pt), vaultKey);
    });

    it('interop: the first item of a libcloak X-Wing batch opens with @hpke/hybridkem-x-wing (section 9 only)', async () => {
      const alice = c.identityKeypair();
      const account = c.encryptionKeypair();
      const headHash = rep(0x48, 32);
      const w = c.batchBegin(account.publicKey, alice.publicKey, 'vault-9', 2, 7, headHash, EXPIRY);
      const first = w.sealItem('API_TOKEN', utf8('tok_123')).item;
      w.sealItem('SMTP_USER', utf8('mailer'));
      const batch = w.finish(alice.secretKey);
      // header 20 | batch id 16 | enc 1120 | creator 32 | lp8(vault id) | epoch 4 | head version 8 |
      // head hash 32 | expiry 8 | n 4 | manifest 32n | signature 64; V = 68 + 1120.
      const V = 1188;
      const L = batch[V];
      const batchId = batch.subarray(20, 36);
      const enc = batch.subarray(36, 1156);
      const creator = batch.subarray(1156, V);
      assert.deepEqual(batch.subarray(0, 4), hex('020a0002'));
      assert.deepEqual(creator, alice.publicKey);
      assert.equal(dec(batch.subarray(V + 1, V + 1 + L)), 'vault-9');
      const at = V + 1 + L;
      assert.deepEqual([...batch.subarray(at, at + 4)], [...u32(2)]);
      const n = new DataView(batch.buffer, batch.byteOffset + at + 52, 4).getUint32(0);
      assert.equal(n, 2);
      const manifest = batch.subarray(at + 56, at + 56 + 32 * n);
      const signed = batch.subarray(0, at + 56);
      const sig = batch.subarray(at + 56 + 32 * n);
      assert.equal(sig.length, 64);
      const content = cat(signed, sodium.crypto_generichash(32, manifest));
      assert.ok(edVerify(null, labelled('libcloak v2 batch', creator, content), ed25519Public(creator), sig));
      assert.deepEqual(sodium.crypto_generichash(32, first), manifest.subarray(0, 32));
      // The item: header 20 | batch id 16 | index 4 | Seal at sequence number 0, aad = bytes 0 to 40.
      assert.deepEqual(first.subarray(20, 36), batchId);
      assert.deepEqual(first.subarray(36, 40), u32(0));
      const info = cat(lp8('libcloak v2 batch'), keyHash(account.publicKey), batchId, lp8('vault-9'), u32(2), u64(7), headHash,
        u64(EXPIRY), creator);
      const suite = xwingSuite();
      const recipientKey = await suite.kem.importKey('raw', buf(account.secretKey), false);
      const ctx = await suite.createRecipientContext({ recipientKey, enc: buf(enc), info });
      const pt = new Uint8Array(await ctx.open(buf(first.subarray(40)), buf(first.subarray(0, 40))));
      // lp8(name) || u32(len(value)) || value || zero bytes
      const name = dec(pt.subarray(1, 1 + pt[0]));
      const len = new DataView(pt.buffer, pt.byteOffset + 1 + pt[0], 4).getUint32(0);
      const value = dec(pt.subarray(5 + pt[0], 5 + pt[0] + len));
      assert.deepEqual([name, value], ['API_TOKEN', 'tok_123']);
      assert.ok(pt.subarray(5 + pt[0] + len).every((b) => b === 0));
    });

    it('interop: a share sealed with @hpke/hybridkem-x-wing to a libcloak X-Wing key, signed with Node Ed25519, opens in libcloak', async () => {
      const aliceSeed = rep(0x31, 32);
      const alicePk = c.identityKeypairFromSeed(aliceSeed).publicKey; // only the trusted identity
      const bob = c.encryptionKeypair();
      const vaultKey = new Uint8Array(32).map((_, i) => 255 - i);
      const header = cat(hex('02090002'), keyHash(bob.publicKey).subarray(0, 16));
      const epoch = u32(4);
      const info = cat(lp8('libcloak v2 share'), lp8('vault-7'), epoch, keyHash(bob.publicKey), alicePk);
      const suite = xwingSuite();
      const recipientPublicKey = await suite.kem.importKey('raw', buf(bob.publicKey), true);
      const sender = await suite.createSenderContext({ recipientPublicKey, info });
      const enc = new Uint8Array(sender.enc);
      assert.equal(enc.length, 1120);
      const aad = cat(header, alicePk, epoch);
      const ct = new Uint8Array(await sender.seal(buf(vaultKey), buf(aad)));
      const body = cat(aad, enc, ct);
      const content = cat(body, lp8('vault-7'), keyHash(bob.publicKey));
      const sig = new Uint8Array(edSign(null, labelled('libcloak v2 share', alicePk, content), ed25519Private(aliceSeed)));
      const share = cat(body, sig);
      assert.equal(share.length, c.sizes.xwingShareBytes);
      assert.deepEqual(c.shareSender(share), alicePk);
      assert.deepEqual(c.shareOpen(share, 'vault-7', bob.publicKey, bob.secretKey, alicePk, 4), { vaultKey, epoch: 4 });
      throwsCode(() => c.shareOpen(share, 'vault-7', bob.publicKey, bob.secretKey, alicePk, 5), Status.STALE);
      throwsCode(() => c.shareOpen(share, 'vault-8', bob.publicKey, bob.secretKey, alicePk), Status.BAD_SIGNATURE);
      // The same HPKE alone: sealed by them, opened by libcloak's single-shot form.
      const one = await suite.seal({ recipientPublicKey, info: utf8('i') }, buf(utf8('pt')), buf(utf8('a')));
      assert.deepEqual(c.hpkeOpenBase(new Uint8Array(one.enc), new Uint8Array(one.ct), bob.publicKey, bob.secretKey, utf8('i'), utf8('a')), utf8('pt'));
    });

    it('interop: X-Wing key pairs agree with @hpke/hybridkem-x-wing (a seed\'s keys; section 1.6\'s DeriveKeyPair)', async () => {
      const xwing = new XWing();
      const theirs = async (sk) => new Uint8Array(await xwing.serializePublicKey((await xwing.generateKeyPairDerand(sk.slice())).publicKey));
      // The seed's expansion: random seeds, and libcloak's fresh keys.
      for (let i = 0; i < 4; i++) {
        const kp = c.encryptionKeypair();
        assert.deepEqual(await theirs(kp.secretKey), kp.publicKey);
        const seed = new Uint8Array(32).map(() => Math.floor(Math.random() * 256));
        assert.deepEqual(await theirs(seed), c.xwingPublicKey(seed));
      }
      // DeriveKeyPair: the labelled SHAKE256 of section 1.6 (Node), then their keys of that seed.
      // (Their own deriveKeyPair() hashes the ikm without the labels, as an older X-Wing draft did:
      // not KEM 0x647a's DeriveKeyPair, which the HPKE vector and libcloak follow.)
      const ikms = [hex(XV.ikmR), rep(0, 32), new Uint8Array(64).map((_, i) => i), rep(0xa5, 255), utf8('a seed of a little more than 32 bytes')];
      for (const ikm of ikms) {
        const kp = c.encryptionKeypairFromSeed(ikm);
        const seed = deriveSeed(ikm);
        assert.deepEqual(kp.secretKey, seed);
        assert.deepEqual(await theirs(seed), kp.publicKey);
      }
      assert.deepEqual(deriveSeed(hex(XV.ikmR)), hex(XV.skRm));
    });
  });
}
