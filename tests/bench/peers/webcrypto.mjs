// The original design's algorithms through WebCrypto (Node's globalThis.crypto.subtle), timed the
// way tests/bench/bench.c times libcloak: each operation repeated until one repetition lasts at
// least --min-ms, median over --reps repetitions.
//
//   node tests/bench/peers/webcrypto.mjs [--reps 7] [--min-ms 100] [--json FILE] [--quick]
//
// The operations, as the original design made them:
// - share a vault key: generate an ephemeral P-256 key pair, ECDH with the member's public key, the
//   raw shared x-coordinate imported as the AES-256-GCM key, 32 bytes encrypted with 12 random bytes
//   of IV. (The original design signed nothing: this peer does less than libcloak's share, which
//   also signs with Ed25519 and runs the HPKE key schedule.)
// - open a share: ECDH with the ephemeral public key, import, decrypt.
// - seal / open a secret of 64 B, 1 KiB, 64 KiB: AES-256-GCM under an imported key, 12 random bytes.
// Every call is awaited before the next, as a single-threaded browser client would.

const subtle = globalThis.crypto.subtle;
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const reps = quick ? 1 : Number(opt('--reps', '7'));
const minMs = quick ? 0 : Number(opt('--min-ms', '100'));
const jsonPath = opt('--json', null);

const ecdh = { name: 'ECDH', namedCurve: 'P-256' };

async function setup() {
  const member = await subtle.generateKey(ecdh, false, ['deriveBits']);
  const vaultKey = crypto.getRandomValues(new Uint8Array(32));
  const aesKey = await subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false,
    ['encrypt', 'decrypt']);
  return { member, vaultKey, aesKey };
}

async function shareSeal(s) {
  const eph = await subtle.generateKey(ecdh, true, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'ECDH', public: s.member.publicKey }, eph.privateKey, 256);
  const key = await subtle.importKey('raw', bits, 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, key, s.vaultKey);
  return { epk: eph.publicKey, iv, ct };
}

async function shareOpen(s, share) {
  const bits = await subtle.deriveBits({ name: 'ECDH', public: share.epk }, s.member.privateKey, 256);
  const key = await subtle.importKey('raw', bits, 'AES-GCM', false, ['decrypt']);
  return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: share.iv }, key, share.ct));
}

async function seal(s, value) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, ct: await subtle.encrypt({ name: 'AES-GCM', iv }, s.aesKey, value) };
}

async function open(s, sealed) {
  return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, s.aesKey, sealed.ct));
}

// Seconds per call.
async function timeCalls(fn, calls) {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return (performance.now() - t0) / 1e3 / calls;
}

function median(v) {
  const a = [...v].sort((x, y) => x - y);
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

async function measure(fn) {
  await fn(); // warm-up
  const one = await timeCalls(fn, 1);
  const calls = minMs > 0 ? Math.max(1, Math.ceil(minMs / 1e3 / Math.max(one, 1e-9))) : 1;
  const per = [];
  for (let r = 0; r < reps; r++) per.push(await timeCalls(fn, calls));
  return { median_s: median(per), calls_per_rep: calls, per_rep_s: per };
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const s = await setup();
const results = [];
const fixedShare = await shareSeal(s);
if (!equal(await shareOpen(s, fixedShare), s.vaultKey)) throw new Error('share does not open');
results.push({ operation: 'share a vault key', ...(await measure(() => shareSeal(s))) });
results.push({ operation: 'open a vault-key share', ...(await measure(() => shareOpen(s, fixedShare))) });
for (const [size, label] of [[64, '64 B'], [1024, '1 KiB'], [65536, '64 KiB']]) {
  const value = crypto.getRandomValues(new Uint8Array(size));
  const fixed = await seal(s, value);
  if (!equal(await open(s, fixed), value)) throw new Error('secret does not open');
  results.push({ operation: `seal a secret of ${label}`, ...(await measure(() => seal(s, value))) });
  results.push({ operation: `open a secret of ${label}`, ...(await measure(() => open(s, fixed))) });
}

const out = {
  peer: 'WebCrypto (P-256 ECDH + AES-256-GCM)',
  short: 'WebCrypto',
  runtime: `node ${process.version}, OpenSSL ${process.versions.openssl}`,
  repetitions: reps,
  min_ms: minMs,
  results,
};
for (const r of results) {
  console.log(`${r.operation.padEnd(28)} ${(r.median_s * 1e6).toFixed(2).padStart(10)} us`);
}
if (jsonPath) {
  const fs = await import('node:fs');
  fs.writeFileSync(jsonPath, JSON.stringify(out, null, 2) + '\n');
}
