// tests/vectors/libcloak.json through the public API, on both backends (the native addon and the
// WebAssembly build): every ok case must give exactly the outputs the file lists, every failure
// case must throw exactly the CloakError subclass of the status it names.
//
// The file is produced by an implementation written from docs/protocol.md alone
// (tests/vectors/spec/), so each case checks the binding and the library under it against the spec.
// Cases that draw randomness list their draws ("random"): neither backend lets JavaScript replace
// libsodium's random source, so the ok ones among them (the seal direction, whose blobs other cases
// open) are reported as skipped, with their count, and not counted as passed; their failure cases
// fail before drawing and are replayed.
//
// LIBCLOAK_JS_BACKENDS=native,wasm (the default) chooses the backends, as for cloak.test.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as lib from '../dist/index.js';

const { load, CloakError } = lib;

const file = JSON.parse(readFileSync(new URL('../../../tests/vectors/libcloak.json', import.meta.url), 'utf8'));
const cases = file.cases;

// The class each status must throw: written out here rather than taken from the binding's own
// table, so that a wrong mapping in the binding fails.
const ERRORS = {
  MALFORMED: lib.CloakMalformedError,
  UNSUPPORTED_VERSION: lib.CloakUnsupportedVersionError,
  UNSUPPORTED_SUITE: lib.CloakUnsupportedSuiteError,
  WRONG_TYPE: lib.CloakWrongTypeError,
  WRONG_KEY: lib.CloakWrongKeyError,
  AUTH: lib.CloakAuthError,
  BAD_SIGNATURE: lib.CloakBadSignatureError,
  UNTRUSTED_SIGNER: lib.CloakUntrustedSignerError,
  BUFFER_TOO_SMALL: lib.CloakBufferTooSmallError,
  BAD_PARAMS: lib.CloakBadParamsError,
  INVALID_KEY: lib.CloakInvalidKeyError,
  CHECKSUM: lib.CloakChecksumError,
  MISMATCH: lib.CloakMismatchError,
  NOMEM: lib.CloakNoMemError,
  INTERNAL: lib.CloakInternalError,
};

/** Hex strings as bytes, lists of them as lists of bytes; text and numbers as they are. */
function decoded(inputs) {
  const one = (key, v) => {
    if (Array.isArray(v)) return v.map((x) => one(key, x));
    if (typeof v === 'string' && key !== 'text') return new Uint8Array(Buffer.from(v, 'hex'));
    return v;
  };
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, one(k, v)]));
}

/** An output as the file writes it: bytes as hex. */
function comparable(v) {
  if (Array.isArray(v)) return v.map(comparable);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

const pair = ({ publicKey, secretKey }) => ({ public_key: publicKey, secret_key: secretKey });

/** One function per operation: the case's decoded inputs in, its outputs (the file's names) out. */
const OPERATIONS = {
  key_id: (c, i) => ({ key_id: c.keyId(i.key) }),
  identity_keypair_from_seed: (c, i) => pair(c.identityKeypairFromSeed(i.seed)),
  encryption_keypair_from_seed: (c, i) => pair(c.encryptionKeypairFromSeed(i.seed)),
  password_record_encode: (c, i) => ({
    record: c.passwordRecordEncode(i.salt, { memoryKib: i.memory_kib, iterations: i.iterations, parallelism: i.parallelism }),
  }),
  password_record_new: (c, i) => ({
    record: c.passwordRecordNew({ memoryKib: i.memory_kib, iterations: i.iterations, parallelism: i.parallelism }),
  }),
  password_record_decode: (c, i) => {
    const d = c.passwordRecordDecode(i.record);
    return { salt: d.salt, memory_kib: d.memoryKib, iterations: d.iterations, parallelism: d.parallelism };
  },
  password_derive: (c, i) => {
    const k = c.passwordDerive(i.password, i.record);
    return { master_key: k.masterKey, login_key: k.loginKey };
  },
  identity_public_export: (c, i) => ({ blob: c.identityPublicExport(i.public_key) }),
  encryption_public_export: (c, i) => ({ blob: c.encryptionPublicExport(i.public_key) }),
  identity_public_import: (c, i) => ({ public_key: c.identityPublicImport(i.blob) }),
  encryption_public_import: (c, i) => ({ public_key: c.encryptionPublicImport(i.blob) }),
  text_encode: (c, i) => ({ text: c.textEncode(i.blob) }),
  text_decode: (c, i) => ({ blob: c.textDecode(i.text) }),
  blob_inspect: (c, i) => {
    const { type, keyId } = c.blobInspect(i.blob);
    return { type, key_id: keyId };
  },
  bundle_create: (c, i) => ({ bundle: c.bundleCreate(i.identity_secret_key, i.encryption_public_key) }),
  bundle_verify: (c, i) => {
    const v = c.bundleVerify(i.bundle);
    return { identity_public_key: v.identityPublicKey, encryption_public_key: v.encryptionPublicKey };
  },
  identity_sign: (c, i) => ({ signature: c.identitySign(i.message, i.context, i.secret_key) }),
  identity_verify: (c, i) => {
    c.identityVerify(i.signature, i.message, i.context, i.public_key);
    return {};
  },
  identity_wrap: (c, i) => ({ wrapped: c.identityWrap(i.master_key, i.secret_key) }),
  encryption_wrap: (c, i) => ({ wrapped: c.encryptionWrap(i.master_key, i.secret_key) }),
  service_account_wrap: (c, i) => ({ wrapped: c.serviceAccountWrap(i.master_key, i.secret_key) }),
  identity_unwrap: (c, i) => pair(c.identityUnwrap(i.master_key, i.wrapped)),
  encryption_unwrap: (c, i) => pair(c.encryptionUnwrap(i.master_key, i.wrapped)),
  service_account_unwrap: (c, i) => pair(c.serviceAccountUnwrap(i.master_key, i.wrapped)),
  wrapped_key_public_key: (c, i) => {
    const { publicKey, type } = c.wrappedKeyPublicKey(i.wrapped);
    return { public_key: publicKey, type };
  },
  service_account_private_export: (c, i) => ({ blob: c.serviceAccountPrivateExport(i.public_key, i.secret_key) }),
  service_account_private_import: (c, i) => pair(c.serviceAccountPrivateImport(i.blob)),
  secret_seal: (c, i) => withVault(c, i, (v) => ({ sealed: v.sealSecret(i.name, i.value, i.context) })),
  secret_open: (c, i) => withVault(c, i, (v) => ({ value: v.openSecret(i.name, i.sealed, i.context) })),
  vault_blind_index: (c, i) => withVault(c, i, (v) => ({ index: v.blindIndex(i.name) })),
  share_seal: (c, i) => ({
    share: c.shareSeal(i.vault_key, i.vault_id, i.recipient_public_key, i.sender_identity_secret_key),
  }),
  share_sender: (c, i) => ({ sender_identity_public_key: c.shareSender(i.share) }),
  share_open: (c, i) => ({
    vault_key: c.shareOpen(i.share, i.vault_id, i.recipient_public_key, i.recipient_secret_key,
      i.trusted_sender_identity_public_key),
  }),
  batch_seal: (c, i) => {
    const writer = c.batchBegin(i.account_public_key, i.vault_id);
    const items = i.names.map((name, n) => writer.sealItem(name, i.values[n]).item);
    return { items, blob: writer.finish(i.creator_identity_secret_key) };
  },
  batch_open: (c, i) => {
    const reader = c.batchVerify(i.blob, i.account_public_key, i.account_secret_key, i.trusted);
    try {
      const opened = i.items.map((item, n) => reader.openItem(item, i.expected_names?.[n]));
      return {
        signer: reader.signer, item_count: reader.itemCount,
        names: opened.map((o) => o.name), values: opened.map((o) => o.value),
      };
    } finally {
      reader.wipe();
    }
  },
  batch_sender: (c, i) => ({ identity_public_key: c.batchSender(i.blob) }),
  batch_item_index: (c, i) => ({ index: c.batchItemIndex(i.item) }),
  batch_begin: (c, i) => {
    c.batchBegin(i.account_public_key, i.vault_id).wipe();
    return {};
  },
  hpke_seal_base: (c, i) => c.hpkeSealBase(i.recipient_public_key, i.plaintext, i.info, i.aad),
  hpke_open_base: (c, i) => ({
    plaintext: c.hpkeOpenBase(i.enc, i.ciphertext, i.recipient_public_key, i.recipient_secret_key, i.info, i.aad),
  }),
  identity_fingerprint: (c, i) => ({ text: c.identityFingerprint(i.identity_public_key) }),
  identity_pair_code: (c, i) => ({ text: c.identityPairCode(i.identity_public_key_a, i.identity_public_key_b) }),
};

function withVault(c, i, use) {
  const vault = c.vaultInit(i.vault_key, i.vault_id);
  try {
    return use(vault);
  } finally {
    vault.wipe();
  }
}

/** Ok cases that draw randomness: their outputs depend on draws JavaScript cannot serve. */
const drawsRandomness = (kase) => 'random' in kase.inputs && kase.expect === 'ok';

describe('libcloak.json', () => {
  it('covers every operation of the replay, failures included', () => {
    assert.ok(cases.length > 100, 'an emptied or truncated file must not pass');
    assert.deepEqual(new Set(cases.map((k) => k.operation)), new Set(Object.keys(OPERATIONS)));
    assert.ok(cases.filter((k) => k.expect !== 'ok').length > 100);
  });
});

const backends = (process.env.LIBCLOAK_JS_BACKENDS ?? 'native,wasm').split(',').filter(Boolean);
const skipped = cases.filter(drawsRandomness);

for (const backendName of backends) {
  describe(`libcloak.json on ${backendName}: ${cases.length - skipped.length} cases replayed, ${skipped.length} skipped (ok cases that draw randomness)`, () => {
    let c;
    before(async () => {
      c = await load({ backend: backendName });
      assert.equal(c.backendName, backendName);
    });
    after(() => c.close());

    for (const kase of cases) {
      if (drawsRandomness(kase)) {
        it(kase.name, { skip: 'draws randomness, which JavaScript cannot serve to libsodium' }, () => {});
        continue;
      }
      it(kase.name, () => {
        const inputs = decoded(kase.inputs);
        delete inputs.random;
        const run = () => OPERATIONS[kase.operation](c, inputs);
        if (kase.expect === 'ok') {
          const outputs = run();
          assert.deepEqual(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, comparable(v)])), kase.outputs);
          return;
        }
        const want = ERRORS[kase.expect];
        assert.ok(want, `unknown status ${kase.expect}`);
        assert.throws(run, (e) => {
          assert.ok(e instanceof CloakError, `not a CloakError: ${e}`);
          assert.equal(e.constructor, want, `${e.constructor.name} thrown, the file says ${kase.expect}`);
          assert.equal(e.status, kase.expect);
          return true;
        });
      });
    }
  });
}
