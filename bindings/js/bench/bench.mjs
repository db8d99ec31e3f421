// Budgets of the JavaScript backends, measured:
//   - dist/cloak-wasm.wasm under 300 KB, and under 150 KB gzipped (gzip -9; with ML-KEM-768 and
//     SHA-3 since suite 2);
//   - per operation, the WebAssembly backend within 3x of native libcloak (the Node addon);
//   - per operation, the WebAssembly backend no slower than libsodium-wrappers doing the same
//     primitive work (the libsodium calls the operation is made of, listed per row below); the
//     X-Wing rows have no such side (libsodium has no ML-KEM) and are held to the first budget only.
// libsodium-wrappers-sumo 0.8.4 is used for the comparison: the same libsodium.js build as
// libsodium-wrappers 0.8.4, with the whole API (the standard build has no HMAC-SHA256, SHA-256 or
// crypto_pwhash, which libcloak's operations are made of).
//
//   node bench/bench.mjs [--check | --check-size] [--quick] [--only TEXT] [--json FILE]
// --check exits 1 when any budget is missed, --check-size when the size budget is; --quick
// shortens the runs (a smoke test whose timings are only indicative); --only runs the rows whose
// name contains TEXT (for example --only password: the Argon2id rows against crypto_pwhash).
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { load, utf8, Suite } from '../dist/index.js';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const CHECK = args.includes('--check');
const CHECK_SIZE = args.includes('--check-size');
const QUICK = args.includes('--quick');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
if (args.includes('--only') && !only) throw new Error('--only needs the text the row names must contain');

const sodium = require('libsodium-wrappers-sumo');
await sodium.ready;
const native = await load({ backend: 'native' });
const wasm = await load({ backend: 'wasm', wasm: { worker: false } });

// ---- sizes
const wasmBytes = readFileSync(new URL('../dist/cloak-wasm.wasm', import.meta.url));
const size = wasmBytes.length;
const gz = gzipSync(wasmBytes, { level: 9 }).length;
const sizeOk = size < 300 * 1000 && gz < 150 * 1000;

// ---- timing: the candidates of a row run in interleaved rounds (so load from other processes
// falls on all of them alike); each figure is the median over rounds of the mean time per call, in
// microseconds.
function calibrate(fn, targetMs) {
  for (let i = 0; i < 3; i++) fn();
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t0 >= targetMs || n >= 1 << 20) return n;
    n *= 2;
  }
}

function measureAll(fns, roundMs, rounds) {
  const ns = fns.map((fn) => (fn ? calibrate(fn, roundMs) : 0));
  const samples = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      if (!fn) return;
      const t0 = performance.now();
      for (let i = 0; i < ns[k]; i++) fn();
      samples[k].push(((performance.now() - t0) * 1000) / ns[k]);
    });
  }
  return samples.map((x) => (x.length ? x.sort((a, b) => a - b)[x.length >> 1] : null));
}

const lp8 = (s) => { const b = typeof s === 'string' ? utf8(s) : s; const o = new Uint8Array(b.length + 1); o[0] = b.length; o.set(b, 1); return o; };
const cat = (...xs) => { const o = new Uint8Array(xs.reduce((n, x) => n + x.length, 0)); let p = 0; for (const x of xs) { o.set(x, p); p += x.length; } return o; };
const hmac = (k, m) => sodium.crypto_auth_hmacsha256(m, k);
const hmacN = (n, k, m) => { for (let i = 0; i < n; i++) hmac(k, m); };

// Fixed inputs, made once with libcloak (the native side; both backends read the same bytes).
const S = (() => {
  const c = native;
  const alice = c.identityKeypair();
  // The X25519 rows compare with libsodium's X25519; the X-Wing rows use bobX.
  const bob = c.encryptionKeypair(Suite.X25519);
  const bobX = c.encryptionKeypair();
  const vaultKey = c.vaultKeyGenerate();
  const masterKey = c.vaultKeyGenerate();
  const small = new Uint8Array(100).fill(7);
  const big = new Uint8Array(65536).fill(9);
  const kib = new Uint8Array(1024).fill(3);
  return { alice, bob, bobX, vaultKey, masterKey, small, big, kib };
})();

// Each row: what libcloak does, and the libsodium calls that make it up.
const k32 = sodium.randombytes_buf(32);
const nonce24 = sodium.randombytes_buf(24);
const nonce12 = sodium.randombytes_buf(12);
const edKp = sodium.crypto_sign_seed_keypair(sodium.randombytes_buf(32));
const xKp = sodium.crypto_box_keypair();
const ad60 = new Uint8Array(20 + 1 + 7 + 1 + 12 + 1);
const sigMsg = sodium.crypto_sign_detached(new Uint8Array(27 + 1 + 64), edKp.privateKey);
const bundleMsg = new Uint8Array(19 + 84);
const bundleSig = sodium.crypto_sign_detached(bundleMsg, edKp.privateKey);
const shareMsg = new Uint8Array(18 + 132 + 8 + 32);
const shareSig = sodium.crypto_sign_detached(shareMsg, edKp.privateKey);
const chachaCt32 = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(new Uint8Array(32), new Uint8Array(52), null, nonce12, k32);
const xchachaSmall = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(S.small, ad60, null, nonce24, k32);
const xchachaBig = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(S.big, ad60, null, nonce24, k32);
const xchachaKey = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(new Uint8Array(32), new Uint8Array(52), null, nonce24, k32);
const itemPt = new Uint8Array(1 + 9 + 100);
const itemCt = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(itemPt, new Uint8Array(40), null, nonce12, k32);
const hpkeKib = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(S.kib, new Uint8Array(0), null, nonce12, k32);
// HPKE SetupBase (DHKEM X25519): ExtractAndExpand (2 HMAC) + KeySchedule (6 HMAC).
const HPKE_HMACS = 8;
// libcloak's password derivation without a secret key: the account-bound salt (1 HMAC), Argon2id,
// HKDF-Extract (1 HMAC) and two HKDF-Expand (1 HMAC each).
const pwhash = () => {
  hmac(k32, new Uint8Array(24 + 17));
  sodium.crypto_pwhash(32, 'correct horse battery staple', new Uint8Array(16).fill(1), 3, 64 * 1024 * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
  hmacN(3, k32, new Uint8Array(40));
};

const rows = [
  {
    name: 'secret seal, 100 B', build: (c) => { const v = c.vaultInit(S.vaultKey, 1, 'vault-1'); return () => v.sealSecret('DATABASE_URL', S.small, 'prod'); },
    sodium: () => { sodium.randombytes_buf(24); sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(S.small, ad60, null, nonce24, k32); },
    primitives: 'random nonce + XChaCha20-Poly1305 seal',
  },
  {
    name: 'secret open, 100 B', build: (c) => { const v = c.vaultInit(S.vaultKey, 1, 'vault-1'); const s = v.sealSecret('DATABASE_URL', S.small, 'prod'); return () => v.openSecret('DATABASE_URL', s, 'prod'); },
    sodium: () => { sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, xchachaSmall, ad60, nonce24, k32); },
    primitives: 'XChaCha20-Poly1305 open',
  },
  {
    name: 'secret seal, 64 KiB', build: (c) => { const v = c.vaultInit(S.vaultKey, 1, 'vault-1'); return () => v.sealSecret('BLOB', S.big); },
    sodium: () => { sodium.randombytes_buf(24); sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(S.big, ad60, null, nonce24, k32); },
    primitives: 'random nonce + XChaCha20-Poly1305 seal',
  },
  {
    name: 'secret open, 64 KiB', build: (c) => { const v = c.vaultInit(S.vaultKey, 1, 'vault-1'); const s = v.sealSecret('BLOB', S.big); return () => v.openSecret('BLOB', s); },
    sodium: () => { sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, xchachaBig, ad60, nonce24, k32); },
    primitives: 'XChaCha20-Poly1305 open',
  },
  {
    name: 'vault init + wipe', build: (c) => () => c.vaultInit(S.vaultKey, 1, 'vault-1').wipe(),
    sodium: () => hmacN(3, k32, new Uint8Array(40)),
    primitives: '3 HMAC-SHA256 (HKDF-Expand: secret key, index key, key id)',
  },
  {
    name: 'blind index', build: (c) => { const v = c.vaultInit(S.vaultKey, 1, 'vault-1'); return () => v.blindIndex('DATABASE_URL'); },
    sodium: () => hmac(k32, new Uint8Array(21)),
    primitives: '1 HMAC-SHA256',
  },
  {
    name: 'identity key pair', build: (c) => () => c.identityKeypair(),
    sodium: () => sodium.crypto_sign_keypair(),
    primitives: 'Ed25519 key generation',
  },
  {
    name: 'encryption key pair (X25519)', build: (c) => () => c.encryptionKeypair(Suite.X25519),
    sodium: () => sodium.crypto_box_keypair(),
    primitives: 'random + X25519 base-point multiplication',
  },
  {
    name: 'sign, 1 KiB, context', build: (c) => () => c.identitySign(S.kib, 'example', S.alice.secretKey),
    sodium: () => { sodium.crypto_hash_sha512(S.kib); sodium.crypto_sign_detached(new Uint8Array(27 + 1 + 7 + 64), edKp.privateKey); },
    primitives: 'SHA-512 + Ed25519 sign',
  },
  {
    name: 'verify, 1 KiB, context', build: (c) => { const s = c.identitySign(S.kib, 'example', S.alice.secretKey); return () => c.identityVerify(s, S.kib, 'example', S.alice.publicKey); },
    sodium: () => { sodium.crypto_hash_sha512(S.kib); sodium.crypto_sign_verify_detached(sigMsg, new Uint8Array(27 + 1 + 64), edKp.publicKey); },
    primitives: 'SHA-512 + Ed25519 verify',
  },
  {
    name: 'bundle create', build: (c) => () => c.bundleCreate(S.alice.secretKey, S.bob.publicKey),
    sodium: () => { sodium.crypto_hash_sha256(new Uint8Array(58)); sodium.crypto_sign_detached(bundleMsg, edKp.privateKey); },
    primitives: 'SHA-256 (key id) + Ed25519 sign',
  },
  {
    name: 'bundle verify', build: (c) => { const b = c.bundleCreate(S.alice.secretKey, S.bob.publicKey); return () => c.bundleVerify(b); },
    sodium: () => { sodium.crypto_hash_sha256(new Uint8Array(58)); sodium.crypto_sign_verify_detached(bundleSig, bundleMsg, edKp.publicKey); },
    primitives: 'SHA-256 (key id) + Ed25519 verify',
  },
  {
    name: 'identity wrap', build: (c) => () => c.identityWrap(S.masterKey, S.alice.secretKey),
    sodium: () => { hmacN(2, k32, new Uint8Array(40)); sodium.randombytes_buf(24); sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(new Uint8Array(32), new Uint8Array(52), null, nonce24, k32); },
    primitives: '2 HMAC-SHA256 (wrap key, key id) + random nonce + XChaCha20-Poly1305 seal',
  },
  {
    name: 'identity unwrap', build: (c) => { const w = c.identityWrap(S.masterKey, S.alice.secretKey); return () => c.identityUnwrap(S.masterKey, w); },
    sodium: () => { hmacN(2, k32, new Uint8Array(40)); sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, xchachaKey, new Uint8Array(52), nonce24, k32); sodium.crypto_sign_seed_keypair(k32); },
    primitives: '2 HMAC-SHA256 + XChaCha20-Poly1305 open + Ed25519 public key from seed',
  },
  {
    name: 'share seal', build: (c) => () => c.shareSeal(S.vaultKey, 1, 'vault-1', S.bob.publicKey, S.alice.secretKey),
    sodium: () => {
      sodium.crypto_hash_sha256(new Uint8Array(58));
      const e = sodium.crypto_box_keypair();
      sodium.crypto_scalarmult(e.privateKey, xKp.publicKey);
      hmacN(HPKE_HMACS, k32, new Uint8Array(120));
      sodium.crypto_aead_chacha20poly1305_ietf_encrypt(new Uint8Array(32), new Uint8Array(52), null, nonce12, k32);
      sodium.crypto_sign_detached(shareMsg, edKp.privateKey);
    },
    primitives: 'SHA-256 (key id) + X25519 key generation + X25519 + 8 HMAC-SHA256 + ChaCha20-Poly1305 seal + Ed25519 sign',
  },
  {
    name: 'share open', build: (c) => { const s = c.shareSeal(S.vaultKey, 1, 'vault-1', S.bob.publicKey, S.alice.secretKey); return () => c.shareOpen(s, 'vault-1', S.bob.publicKey, S.bob.secretKey, S.alice.publicKey); },
    sodium: () => {
      sodium.crypto_hash_sha256(new Uint8Array(58));
      sodium.crypto_sign_verify_detached(shareSig, shareMsg, edKp.publicKey);
      sodium.crypto_scalarmult(xKp.privateKey, xKp.publicKey);
      hmacN(HPKE_HMACS, k32, new Uint8Array(120));
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, chachaCt32, new Uint8Array(52), nonce12, k32);
    },
    primitives: 'SHA-256 (key id) + Ed25519 verify + X25519 + 8 HMAC-SHA256 + ChaCha20-Poly1305 open',
  },
  {
    name: 'batch seal item, 100 B', build: (c) => {
      // A writer holds at most 1,000,000 items: a fresh one every 100,000.
      const begin = () => c.batchBegin(S.bob.publicKey, S.alice.publicKey, 'vault-1', 1, 1, new Uint8Array(32), 4000000000);
      let w = begin();
      let sealed = 0;
      return () => {
        if (++sealed % 100000 === 0) { w.wipe(); w = begin(); }
        return w.sealItem('API_TOKEN', S.small);
      };
    },
    sodium: () => { sodium.crypto_aead_chacha20poly1305_ietf_encrypt(itemPt, new Uint8Array(40), null, nonce12, k32); sodium.crypto_generichash(32, new Uint8Array(166)); },
    primitives: 'ChaCha20-Poly1305 seal + BLAKE2b-256 (digest)',
  },
  {
    name: 'batch verify, 1 item', build: (c) => {
      const w = c.batchBegin(S.bob.publicKey, S.alice.publicKey, 'vault-1', 1, 1, new Uint8Array(32), 4000000000); w.sealItem('API_TOKEN', S.small); const b = w.finish(S.alice.secretKey);
      return () => c.batchVerify(b, 'vault-1', S.bob.publicKey, S.bob.secretKey, [S.alice.publicKey]).wipe();
    },
    sodium: () => {
      sodium.crypto_hash_sha256(new Uint8Array(58));
      sodium.crypto_generichash(32, new Uint8Array(32));
      sodium.crypto_sign_verify_detached(shareSig, shareMsg, edKp.publicKey);
      sodium.crypto_scalarmult(xKp.privateKey, xKp.publicKey);
      hmacN(HPKE_HMACS, k32, new Uint8Array(120));
    },
    primitives: 'SHA-256 (key id) + BLAKE2b-256 (manifest) + Ed25519 verify + X25519 + 8 HMAC-SHA256',
  },
  {
    name: 'batch open item, 100 B', build: (c) => {
      // Each item opens once: a batch of many items, opened in turn (a fresh reader when all are used).
      const n = 4096;
      const w = c.batchBegin(S.bob.publicKey, S.alice.publicKey, 'vault-1', 1, 1, new Uint8Array(32), 4000000000);
      const items = [];
      for (let i = 0; i < n; i++) items.push(w.sealItem('API_TOKEN', S.small).item);
      const b = w.finish(S.alice.secretKey);
      let r = null;
      let next = n;
      return () => {
        if (next === n) {
          r?.wipe();
          r = c.batchVerify(b, 'vault-1', S.bob.publicKey, S.bob.secretKey, [S.alice.publicKey]);
          r.check(1, 1);
          next = 0;
        }
        return r.openItem(items[next++]);
      };
    },
    sodium: () => {
      sodium.crypto_generichash(32, new Uint8Array(184));
      hmacN(1, k32, new Uint8Array(36));
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, itemCt, new Uint8Array(40), nonce12, k32);
    },
    primitives: 'BLAKE2b-256 (digest) + HMAC-SHA256 (tag) + ChaCha20-Poly1305 open',
  },
  {
    name: 'HPKE seal base, 1 KiB', build: (c) => () => c.hpkeSealBase(S.bob.publicKey, S.kib, utf8('info')),
    sodium: () => {
      const e = sodium.crypto_box_keypair();
      sodium.crypto_scalarmult(e.privateKey, xKp.publicKey);
      hmacN(HPKE_HMACS, k32, new Uint8Array(120));
      sodium.crypto_aead_chacha20poly1305_ietf_encrypt(S.kib, new Uint8Array(0), null, nonce12, k32);
    },
    primitives: 'X25519 key generation + X25519 + 8 HMAC-SHA256 + ChaCha20-Poly1305 seal',
  },
  {
    name: 'HPKE open base, 1 KiB', build: (c) => { const r = c.hpkeSealBase(S.bob.publicKey, S.kib, utf8('info')); return () => c.hpkeOpenBase(r.enc, r.ciphertext, S.bob.publicKey, S.bob.secretKey, utf8('info')); },
    sodium: () => {
      sodium.crypto_scalarmult(xKp.privateKey, xKp.publicKey);
      hmacN(HPKE_HMACS, k32, new Uint8Array(120));
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, hpkeKib, new Uint8Array(0), nonce12, k32);
    },
    primitives: 'X25519 + 8 HMAC-SHA256 + ChaCha20-Poly1305 open',
  },
  // Suite 2: ML-KEM-768 and SHA-3 have no libsodium counterpart; these rows hold wasm to native.
  {
    name: 'X-Wing key pair', build: (c) => () => c.encryptionKeypair(Suite.XWING),
    sodium: null,
    primitives: '(none in libsodium) random seed + SHAKE256 + ML-KEM-768 key generation + X25519 base-point multiplication',
  },
  {
    name: 'share seal (X-Wing)', build: (c) => () => c.shareSeal(S.vaultKey, 1, 'vault-1', S.bobX.publicKey, S.alice.secretKey),
    sodium: null,
    primitives: '(none in libsodium) key checks + X-Wing encapsulation (ML-KEM-768, X25519, SHA3-256) + HPKE + Ed25519 sign',
  },
  {
    name: 'share open (X-Wing)', build: (c) => { const s = c.shareSeal(S.vaultKey, 1, 'vault-1', S.bobX.publicKey, S.alice.secretKey); return () => c.shareOpen(s, 'vault-1', S.bobX.publicKey, S.bobX.secretKey, S.alice.publicKey); },
    sodium: null,
    primitives: '(none in libsodium) Ed25519 verify + seed expansion + X-Wing decapsulation + HPKE open',
  },
  {
    name: 'text encode + decode, bundle', build: (c) => { const b = c.bundleCreate(S.alice.secretKey, S.bob.publicKey); return () => c.textDecode(c.textEncode(b)); },
    sodium: () => { const h = sodium.crypto_hash_sha256(new Uint8Array(168)); const t = sodium.to_base64(new Uint8Array(152), sodium.base64_variants.URLSAFE_NO_PADDING); sodium.from_base64(t, sodium.base64_variants.URLSAFE_NO_PADDING); sodium.crypto_hash_sha256(new Uint8Array(168)); return h; },
    primitives: '2 SHA-256 (checksum) + base64url encode and decode',
  },
  {
    // The default policy admits both records (64 MiB x 3 is its floor); no account secret key.
    name: 'password derive, 64 MiB, t=3, p=1', slow: true,
    build: (c) => { const r = c.passwordRecordEncode(new Uint8Array(16).fill(1), { memoryKib: 65536, iterations: 3, parallelism: 1 }); return () => c.passwordDerive('correct horse battery staple', r, { accountId: 'alice@example.com' }); },
    sodium: pwhash,
    primitives: 'HMAC-SHA256 (account salt) + Argon2id (one lane) + 3 HMAC-SHA256 (HKDF)',
  },
  {
    name: 'password derive, 64 MiB, t=3, p=4 (default)', slow: true,
    build: (c) => { const r = c.passwordRecordEncode(new Uint8Array(16).fill(1), { memoryKib: 65536, iterations: 3, parallelism: 4 }); return () => c.passwordDerive('correct horse battery staple', r, { accountId: 'alice@example.com' }); },
    sodium: pwhash,
    primitives: 'libcloak: Argon2id in 4 lanes (threads natively, one after another in WebAssembly); libsodium has one lane only, so its side is the same m and t in one lane (the same memory filled and passes made)',
  },
];

const results = [];
let allOk = sizeOk;
const chosen = only === null ? rows : rows.filter((r) => r.name.includes(only));
if (chosen.length === 0) throw new Error(`no row name contains ${JSON.stringify(only)}`);
for (const row of chosen) {
  const roundMs = QUICK ? (row.slow ? 1 : 10) : row.slow ? 1 : 60;
  const rounds = QUICK ? 3 : row.slow ? 7 : 11;
  const [nativeUs, wasmUs, sodiumUs] = measureAll([row.build(native), row.build(wasm), row.sodium], roundMs, rounds);
  const vsNative = wasmUs / nativeUs;
  const vsSodium = sodiumUs ? wasmUs / sodiumUs : null;
  const ok = vsNative <= 3 && (vsSodium === null || vsSodium <= 1);
  allOk &&= ok;
  results.push({ name: row.name, nativeUs, wasmUs, sodiumUs, vsNative, vsSodium, ok, primitives: row.primitives });
}

const f = (us) => (us === null ? '-' : us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} us`);
const r2 = (x) => (x === null ? '-' : `${x.toFixed(2)}x`);
const { loadavg, cpus } = await import('node:os');
console.log(`node ${process.version}, ${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; libsodium-wrappers-sumo 0.8.4 (libsodium ${sodium.SODIUM_VERSION_STRING})`);
console.log(`Argon2id: native ${native.passwordKernel()}; wasm ${wasm.passwordKernel()}; libsodium-wrappers-sumo crypto_pwhash (one lane)`);
console.log(`wasm: ${size} bytes (budget < 300000), ${gz} gzipped (budget < 150000): ${sizeOk ? 'ok' : 'OVER BUDGET'}`);
console.log('');
console.log('| operation | native addon | wasm | libsodium-wrappers | wasm / native (<= 3x) | wasm / libsodium-wrappers (<= 1x) | |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${f(r.nativeUs)} | ${f(r.wasmUs)} | ${f(r.sodiumUs)} | ${r2(r.vsNative)} | ${r2(r.vsSodium)} | ${r.ok ? 'ok' : 'MISSED'} |`);
}
console.log('');
console.log('libsodium-wrappers side of each row (the primitive work of the operation):');
for (const r of results) console.log(`  ${r.name}: ${r.primitives}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ size, gz, results }, null, 2));
wasm.close();
native.close();
if (CHECK_SIZE && !sizeOk) {
  console.log('size budget: MISSED');
  process.exit(1);
}
if (CHECK && !allOk) {
  console.log('budgets: MISSED');
  process.exit(1);
}
console.log(`budgets: ${allOk ? 'all met' : 'some missed'}`);
