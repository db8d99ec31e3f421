/**
 * libcloak for JavaScript: one API over two backends, the Node addon (native libcloak) and the
 * WebAssembly build (browsers, workers, Node). This module is the API; the entries add load():
 * index.ts for Node (the addon, or WebAssembly when asked or when no prebuilt addon fits) and
 * browser.ts for browsers and bundlers (WebAssembly, no node:* imports). Byte strings are Uint8Array in and out; labels
 * (vault ids, secret names, contexts) and passwords may also be given as strings (UTF-8). Every
 * failure throws a CloakError subclass carrying the C library's status code; an argument of the
 * wrong type throws a TypeError naming the parameter.
 *
 *   const cloak = await load();                 // the addon under Node, WebAssembly in a browser
 *   const vault = cloak.vaultInit(cloak.vaultKeyGenerate(), 1, 'vault-1'); // epoch 1
 *   const sealed = vault.sealSecret('API_TOKEN', utf8('hello'));
 *
 * Encryption keys are X-Wing keys (ML-KEM-768 + X25519, post-quantum) unless X25519 is asked for
 * (Suite); shares, batches, bundles and HPKE take their suite from the recipient's public key
 * (1216 bytes X-Wing, 32 X25519), and readers of blobs from the blob, so callers do not branch.
 *
 * Argon2id: passwordDeriveAsync() runs on another thread (libuv's pool natively, a worker with its
 * own WebAssembly instance otherwise), so a page never freezes; passwordDerive() is synchronous.
 * Both take the account id the salt is bound to, the account secret key if the account has one,
 * and the client's cost policy (the library's default if none), which refuses a record a hostile
 * server made cheaper to guess or costlier to derive (CloakWeakParamsError) before any Argon2id work.
 */
import { MAXARGS, type Backend, type Pinned, type Slot } from './backend.js';
import { CloakBadParamsError, CloakBadStateError, CloakError, errorFor, Status, statusName } from './errors.js';
import { ObjectType, Op, SIZE_NAMES } from './ops.js';

export * from './errors.js';
export type { Backend, Pinned, Slot } from './backend.js';
export { ObjectType };

export type Bytes = Uint8Array;
/** A label or password: bytes, or a string taken as UTF-8. */
export type Label = Uint8Array | string;

export type Sizes = { readonly [K in (typeof SIZE_NAMES)[number]]: number };

/** Argon2id costs of a password record; left out, the library's defaults (`cloak.sizes.password*Default`). */
export interface PasswordParams {
  memoryKib?: number;
  iterations?: number;
  parallelism?: number;
}

/**
 * The client's cost policy (cloak_password_policy_init): a record the server serves must ask for
 * at least memoryKibMin KiB and a cost (memory KiB x passes) of at least costMin, so that it cannot
 * cheapen offline guessing, and at most memoryKibMax KiB, a cost of costMax, iterationsMax passes
 * and parallelismMax lanes, so that it cannot stall the client. The defaults are in
 * `cloak.sizes.passwordPolicy*`.
 */
export interface PasswordPolicyBounds {
  memoryKibMin?: number;
  costMin?: number;
  memoryKibMax?: number;
  costMax?: number;
  iterationsMax?: number;
  parallelismMax?: number;
}

export interface PasswordDeriveOptions {
  /**
   * An id the server cannot choose per victim (the normalised login the user types, or the id
   * printed in the emergency kit), 1 to 255 bytes; a string is taken as UTF-8. The salt is bound
   * to it: two accounts given the same server salt derive unrelated keys.
   */
  accountId: Label;
  /** The account secret key (accountSecretKeyGenerate(), 20 bytes); left out for an account without one. */
  secretKey?: Bytes | null;
  /** A policy from passwordPolicy() (24 bytes); left out, the library's default policy. */
  policy?: Bytes | null;
}

export interface KeyPair {
  publicKey: Bytes;
  secretKey: Bytes;
}

/**
 * The suites of encryption keys and of what is sealed to them (bytes 2 and 3 of a blob): X25519
 * (HPKE with DHKEM(X25519), 32-byte public keys) and X-Wing (HPKE with ML-KEM-768 + X25519, the
 * post-quantum hybrid, 1216-byte public keys). Secret keys are 32 bytes in both. New keys are
 * X-Wing keys unless X25519 is asked for.
 */
export const Suite = { X25519: 1, XWING: 2 } as const;
export type SuiteId = (typeof Suite)[keyof typeof Suite];

/** An encryption key pair (a member's or a service account's) and its suite. */
export interface EncryptionKeyPair extends KeyPair {
  suite: SuiteId;
}

/**
 * A secret key to wrap or export: the key pair (whose `suite`, or public key length, names the
 * suite), or the 32-byte secret key alone (its suite then given, X-Wing if not).
 */
export type EncryptionSecret = Bytes | { secretKey: Bytes; publicKey?: Bytes; suite?: SuiteId };

/** Vault policy bits of a head (cloak_head_policy). */
export const VaultPolicy = { NONE: 0, POST_QUANTUM_ONLY: 1 } as const;

/** A member's keys as its verified bundle gives them. */
export interface BundleKeys {
  identityPublicKey: Bytes;
  encryptionPublicKey: Bytes;
  suite: SuiteId;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** UTF-8 bytes of a string (a helper for values, which are bytes). */
export function utf8(s: string): Bytes {
  return enc.encode(s);
}

/** UTF-8 of a string; short ASCII strings (names, ids) without TextEncoder's call overhead. */
function encodeString(s: string): Bytes {
  const n = s.length;
  if (n <= 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return enc.encode(s);
      out[i] = c;
    }
    return out;
  }
  return enc.encode(s);
}

function label(x: Label | null | undefined, what: string): Bytes {
  if (x === null || x === undefined) return new Uint8Array(0);
  if (typeof x === 'string') return encodeString(x);
  if (x instanceof Uint8Array) return x;
  throw new TypeError(`${what} must be a Uint8Array or a string`);
}

/** A label that must be given (an empty one is the library's to refuse). */
function requiredLabel(x: Label, what: string): Bytes {
  if (typeof x !== 'string' && !(x instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array or a string`);
  }
  return label(x, what);
}

function bytes(x: Bytes, what: string): Bytes {
  if (!(x instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array`);
  }
  return x;
}

function fixed(x: Bytes, size: number, what: string): Bytes {
  bytes(x, what);
  if (x.length !== size) {
    throw new CloakBadParamsError(Status.BAD_PARAMS, `${what} must be ${size} bytes, not ${x.length}`);
  }
  return x;
}

function u32(x: number, what: string): number {
  if (typeof x !== 'number') throw new TypeError(`${what} must be a number`);
  if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) {
    throw new CloakBadParamsError(Status.BAD_PARAMS, `${what} must be an integer from 0 to 2^32-1`);
  }
  return x;
}

/** A suite argument: Suite.X25519 or Suite.XWING (another number is a parameter error). */
function suiteArg(x: number, what = 'suite'): SuiteId {
  if (typeof x !== 'number') throw new TypeError(`${what} must be a number (Suite.XWING or Suite.X25519)`);
  if (x !== Suite.X25519 && x !== Suite.XWING) {
    throw new CloakBadParamsError(Status.BAD_PARAMS, `${what} must be Suite.XWING (2) or Suite.X25519 (1), not ${x}`);
  }
  return x;
}

/** A uint64 of the C API (head versions, times): a non-negative safe integer or a bigint below 2^64. */
export type U64 = number | bigint;

const U64_MAX = (1n << 64n) - 1n;

/** A uint64 as its slot: 8 bytes, little-endian (exact in both backends, unlike a slot number). */
function u64(x: U64, what: string): Bytes {
  let v: bigint;
  if (typeof x === 'bigint') {
    v = x;
  } else if (typeof x === 'number') {
    if (!Number.isSafeInteger(x)) {
      throw new CloakBadParamsError(Status.BAD_PARAMS, `${what} must be an integer (a bigint above 2^53)`);
    }
    v = BigInt(x);
  } else {
    throw new TypeError(`${what} must be a number or a bigint`);
  }
  if (v < 0n || v > U64_MAX) {
    throw new CloakBadParamsError(Status.BAD_PARAMS, `${what} must be from 0 to 2^64-1`);
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
}

/** A uint64 accessor of a state: the result comes back in an 8-byte slot. */
function getU64(cloak: Cloak, op: number, state: Pinned | Uint8Array): bigint {
  const out = new Uint8Array(8);
  cloak._call(op, [state, out]);
  return new DataView(out.buffer).getBigUint64(0, true);
}

/** The clock, in Unix seconds: the default `now` of the freshness checks. */
function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Symbol.dispose where the runtime has it (Node >= 20.4, recent browsers), so `using` wipes a state. */
const disposeSymbol: unique symbol = ((Symbol as { dispose?: symbol }).dispose ?? Symbol('Symbol.dispose')) as never;

/** A length or count: a non-negative integer. */
function size(x: number, what: string): number {
  if (typeof x !== 'number') throw new TypeError(`${what} must be a number`);
  if (!Number.isSafeInteger(x) || x < 0) {
    throw new CloakBadParamsError(Status.BAD_PARAMS, `${what} must be a non-negative integer`);
  }
  return x;
}

/** A list of fixed-size byte strings, concatenated (the C API's arrays). */
function list(xs: Bytes[], each: number, what: string): Bytes {
  if (!Array.isArray(xs)) throw new TypeError(`${what} must be an array of Uint8Array`);
  const out = new Uint8Array(each * xs.length);
  xs.forEach((x, i) => out.set(fixed(x, each, what), each * i));
  return out;
}

function cstring(b: Bytes): string {
  const end = b.indexOf(0);
  return dec.decode(end < 0 ? b : b.subarray(0, end));
}

/** The Cloak instance: every operation of the C API, over one backend. */
export class Cloak {
  readonly backend: Backend;
  readonly sizes: Sizes;
  readonly version: { string: string; major: number; minor: number; patch: number };
  private readonly nums = new Float64Array(MAXARGS);
  /** The default policy's bytes, read once, for calls given no policy. */
  private defaultPolicy: Bytes | null = null;

  /** Use load(); this takes an already loaded backend and initialises the library. */
  constructor(backend: Backend) {
    this.backend = backend;
    this.run(Op.INIT, []);
    const table = new Uint8Array(4 * SIZE_NAMES.length);
    this.run(Op.SIZES, [table]);
    const view = new DataView(table.buffer);
    const sizes: Record<string, number> = {};
    SIZE_NAMES.forEach((n, i) => (sizes[n] = view.getUint32(4 * i, true)));
    this.sizes = Object.freeze(sizes) as Sizes;
    const v = new Uint8Array(64);
    const n = this.run(Op.VERSION_STRING, [v, null])[1];
    this.version = Object.freeze({
      string: dec.decode(v.subarray(0, n)),
      major: sizes.versionMajor,
      minor: sizes.versionMinor,
      patch: sizes.versionPatch,
    });
  }

  /** The backend in use: 'native' (the N-API addon) or 'wasm' (the WebAssembly module). */
  get backendName(): 'native' | 'wasm' {
    return this.backend.name;
  }

  /** What was loaded and why: the addon's path, or "WebAssembly (asked for)", "WebAssembly (fallback: ...)". */
  get backendDetail(): string {
    return this.backend.detail;
  }

  /** Stops the backend's worker thread, if any. */
  close(): void {
    this.backend.close();
  }

  /** Calls an operation; throws the error for a negative status. Returns the slots' numbers. */
  private run(op: number, args: Slot[]): Float64Array {
    const rc = this.backend.call(op, args, this.nums);
    if (rc !== 0) throw this.error(rc);
    return this.nums;
  }

  private async runAsync(op: number, args: Slot[]): Promise<Float64Array> {
    const nums = new Float64Array(MAXARGS);
    const rc = await this.backend.callAsync(op, args, nums);
    if (rc !== 0) throw this.error(rc);
    return nums;
  }

  private error(rc: number): CloakError {
    return errorFor(rc, `${statusName(rc)}: ${this.statusString(rc)}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Status, envelope, text form

  /** A short English sentence for a status code (cloak_status_string). */
  statusString(code: number): string {
    const out = new Uint8Array(256);
    const nums = new Float64Array(MAXARGS);
    const rc = this.backend.call(Op.STATUS_STRING, [code <= 0 ? -code : 1000, out, null], nums);
    return rc === 0 ? dec.decode(out.subarray(0, nums[2])) : 'unknown status';
  }

  /** The header of a blob: its type and key id (the body is not checked). */
  blobInspect(blob: Bytes): { type: number; keyId: Bytes } {
    const keyId = new Uint8Array(this.sizes.keyIdBytes);
    const n = this.run(Op.BLOB_INSPECT, [null, keyId, bytes(blob, 'blob')]);
    return { type: n[0], keyId };
  }

  /** The suite of a blob (after the header checks of blobInspect): Suite.X25519 or Suite.XWING. */
  blobSuite(blob: Bytes): SuiteId {
    return this.run(Op.BLOB_SUITE, [null, bytes(blob, 'blob')])[0] as SuiteId;
  }

  textEncodedLen(blobLen: number): number {
    return this.run(Op.TEXT_ENCODED_LEN, [size(blobLen, 'blobLen'), null])[1];
  }

  textDecodedMaxlen(textLen: number): number {
    return this.run(Op.TEXT_DECODED_MAXLEN, [size(textLen, 'textLen'), null])[1];
  }

  /** "cloak-<type>-<base64url(blob || checksum)>". */
  textEncode(blob: Bytes): string {
    bytes(blob, 'blob');
    const out = new Uint8Array(this.textEncodedLen(blob.length));
    const n = this.run(Op.TEXT_ENCODE, [out, null, blob])[1];
    return dec.decode(out.subarray(0, n));
  }

  textDecode(text: string | Bytes): Bytes {
    const t = label(text, 'text');
    const out = new Uint8Array(this.textDecodedMaxlen(t.length));
    const n = this.run(Op.TEXT_DECODE, [out, null, t])[1];
    return out.slice(0, n);
  }

  // ---------------------------------------------------------------------------------------------
  // Symmetric keys, passwords

  keyId(key: Bytes): Bytes {
    const out = new Uint8Array(this.sizes.keyIdBytes);
    this.run(Op.KEY_ID, [out, fixed(key, this.sizes.keyBytes, 'key')]);
    return out;
  }

  vaultKeyGenerate(): Bytes {
    const out = new Uint8Array(this.sizes.keyBytes);
    this.run(Op.VAULT_KEY_GENERATE, [out]);
    return out;
  }

  private params(p: PasswordParams): [number, number, number] {
    return [
      u32(p.memoryKib ?? this.sizes.passwordMemoryKibDefault, 'memoryKib'),
      u32(p.iterations ?? this.sizes.passwordIterationsDefault, 'iterations'),
      u32(p.parallelism ?? this.sizes.passwordParallelismDefault, 'parallelism'),
    ];
  }

  /** A password record with a fresh random salt. */
  passwordRecordNew(params: PasswordParams = {}): Bytes {
    const out = new Uint8Array(this.sizes.passwordRecordBytes);
    this.run(Op.PASSWORD_RECORD_NEW, [out, ...this.params(params)]);
    return out;
  }

  passwordRecordEncode(salt: Bytes, params: PasswordParams = {}): Bytes {
    const out = new Uint8Array(this.sizes.passwordRecordBytes);
    this.run(Op.PASSWORD_RECORD_ENCODE, [out, fixed(salt, this.sizes.passwordSaltBytes, 'salt'), ...this.params(params)]);
    return out;
  }

  passwordRecordDecode(record: Bytes): { salt: Bytes; memoryKib: number; iterations: number; parallelism: number } {
    const salt = new Uint8Array(this.sizes.passwordSaltBytes);
    const n = this.run(Op.PASSWORD_RECORD_DECODE, [salt, null, null, null, bytes(record, 'record')]);
    return { salt, memoryKib: n[1], iterations: n[2], parallelism: n[3] };
  }

  /** The library's default cost policy (24 bytes: six big-endian uint32, see PasswordPolicyBounds). */
  passwordPolicyDefault(): Bytes {
    return this.output(Op.PASSWORD_POLICY_DEFAULT, this.sizes.passwordPolicyBytes, []);
  }

  /**
   * A cost policy with the given bounds; a bound left out keeps the default policy's value, so a
   * legacy policy names only what it lowers. Refused (CloakBadParamsError) outside the record's
   * hard bounds, with a minimum above its maximum, or when the ceiling admits no record.
   */
  passwordPolicy(bounds: PasswordPolicyBounds): Bytes {
    if (bounds === null || typeof bounds !== 'object') throw new TypeError('bounds must be an object');
    const s = this.sizes;
    return this.output(Op.PASSWORD_POLICY_INIT, s.passwordPolicyBytes, [
      u32(bounds.memoryKibMin ?? s.passwordPolicyMemoryKibMin, 'memoryKibMin'),
      u32(bounds.costMin ?? s.passwordPolicyCostMin, 'costMin'),
      u32(bounds.memoryKibMax ?? s.passwordPolicyMemoryKibMax, 'memoryKibMax'),
      u32(bounds.costMax ?? s.passwordPolicyCostMax, 'costMax'),
      u32(bounds.iterationsMax ?? s.passwordPolicyIterationsMax, 'iterationsMax'),
      u32(bounds.parallelismMax ?? s.passwordPolicyParallelismMax, 'parallelismMax'),
    ]);
  }

  /**
   * The policy bytes a call passes: the caller's, or the default policy's. The operation table
   * checks a policy slot's size like any fixed-size input, so "no policy" travels as the default
   * policy's bytes, which the library treats exactly as it treats NULL.
   */
  private policySlot(policy: Bytes | null | undefined): Bytes {
    if (policy === null || policy === undefined) {
      this.defaultPolicy ??= this.passwordPolicyDefault();
      return this.defaultPolicy;
    }
    return fixed(policy, this.sizes.passwordPolicyBytes, 'policy');
  }

  /**
   * Checks a record against a policy (the default policy if none) without deriving anything:
   * returns if the client would derive with it; CloakWeakParamsError when its costs are below
   * the policy's floor or above its ceiling, or the record's own error (malformed, out of bounds).
   */
  passwordRecordCheck(record: Bytes, policy?: Bytes | null): void {
    this.run(Op.PASSWORD_RECORD_CHECK, [bytes(record, 'record'), this.policySlot(policy)]);
  }

  /** A fresh random account secret key (20 bytes): made on the user's first device, never sent to the server. */
  accountSecretKeyGenerate(): Bytes {
    return this.output(Op.ACCOUNT_SECRET_KEY_GENERATE, this.sizes.accountSecretKeyBytes, []);
  }

  /** The emergency-kit text of a secret key for an account id: "CK1-" and eight groups of five characters. */
  accountSecretKeyEncode(secretKey: Bytes, accountId: Label): string {
    const out = new Uint8Array(this.sizes.accountSecretKeyTextBytes);
    try {
      this.run(Op.ACCOUNT_SECRET_KEY_ENCODE, [
        out, fixed(secretKey, this.sizes.accountSecretKeyBytes, 'secretKey'), requiredLabel(accountId, 'accountId'),
      ]);
      return cstring(out);
    } finally {
      out.fill(0);
    }
  }

  /**
   * The secret key of a text form as a person types it (either case, I and L for 1, O for 0, with
   * or without the dashes, surrounding whitespace ignored), for this account id: CloakChecksumError
   * for a typing error or another account's key, CloakUnsupportedVersionError for another
   * version, CloakMalformedError for anything else.
   */
  accountSecretKeyDecode(text: string | Bytes, accountId: Label): Bytes {
    const t = label(text, 'text');
    try {
      return this.output(Op.ACCOUNT_SECRET_KEY_DECODE, this.sizes.accountSecretKeyBytes, [t, requiredLabel(accountId, 'accountId')]);
    } finally {
      if (typeof text === 'string') t.fill(0); // our own UTF-8 copy of the text
    }
  }

  /** The slots of cloak_password_derive, after the two outputs. */
  private deriveInputs(password: Label, record: Bytes, options: PasswordDeriveOptions): Slot[] {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('options must be an object with accountId (and secretKey, policy if any)');
    }
    const { secretKey, policy } = options;
    const accountId = requiredLabel(options.accountId, 'accountId');
    const key = secretKey === null || secretKey === undefined ? null : bytes(secretKey, 'secretKey');
    const rest = [bytes(record, 'record'), this.policySlot(policy)];
    // The password last: a string's UTF-8 copy is ours to wipe, and nothing may throw after it.
    return [label(password, 'password'), accountId, key, ...rest];
  }

  /**
   * Argon2id over the password and a salt bound to the account id, then HKDF with the account
   * secret key (if the account has one): the master key (wraps private keys) and the login key
   * (for the server). The record must pass the policy (the default policy if none:
   * CloakWeakParamsError otherwise, before any Argon2id work). Blocks.
   */
  passwordDerive(password: Label, record: Bytes, options: PasswordDeriveOptions): { masterKey: Bytes; loginKey: Bytes } {
    const inputs = this.deriveInputs(password, record, options);
    const masterKey = new Uint8Array(this.sizes.keyBytes);
    const loginKey = new Uint8Array(this.sizes.keyBytes);
    try {
      this.run(Op.PASSWORD_DERIVE, [masterKey, loginKey, ...inputs]);
    } finally {
      if (typeof password === 'string') (inputs[0] as Bytes).fill(0); // our own UTF-8 copy of the password
    }
    return { masterKey, loginKey };
  }

  /** passwordDerive() on another thread: does not block the event loop or the page. */
  async passwordDeriveAsync(password: Label, record: Bytes, options: PasswordDeriveOptions): Promise<{ masterKey: Bytes; loginKey: Bytes }> {
    const inputs = this.deriveInputs(password, record, options);
    const masterKey = new Uint8Array(this.sizes.keyBytes);
    const loginKey = new Uint8Array(this.sizes.keyBytes);
    try {
      await this.runAsync(Op.PASSWORD_DERIVE, [masterKey, loginKey, ...inputs]);
    } finally {
      if (typeof password === 'string') (inputs[0] as Bytes).fill(0);
    }
    return { masterKey, loginKey };
  }

  /** The Argon2id implementation in use (cloak_password_kernel), for logs and benchmarks. */
  passwordKernel(): string {
    const out = new Uint8Array(128);
    const n = this.run(Op.PASSWORD_KERNEL, [out, null])[1];
    return dec.decode(out.subarray(0, n));
  }

  // ---------------------------------------------------------------------------------------------
  // Identity (Ed25519) and encryption (X-Wing or X25519) keys

  /** A key pair that `op` writes into its first two arguments, followed by `inputs`. */
  private keyPair(op: number, kind: 'identity' | 'encryption', inputs: Slot[]): KeyPair {
    const identity = kind === 'identity';
    const publicKey = new Uint8Array(identity ? this.sizes.identityPublicKeyBytes : this.sizes.encryptionPublicKeyBytes);
    const secretKey = new Uint8Array(identity ? this.sizes.identitySecretKeyBytes : this.sizes.encryptionSecretKeyBytes);
    this.run(op, [publicKey, secretKey, ...inputs]);
    return { publicKey, secretKey };
  }

  /** An encryption key pair of `suite` that `op` (the suite's function) writes first, followed by `inputs`. */
  private encryptionPair(suite: SuiteId, op: number, inputs: Slot[]): EncryptionKeyPair {
    const publicKey = new Uint8Array(this.publicKeyBytes(suite));
    const secretKey = new Uint8Array(suite === Suite.XWING ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes);
    this.run(op, [publicKey, secretKey, ...inputs]);
    return { publicKey, secretKey, suite };
  }

  /** The public key length of a suite. */
  private publicKeyBytes(suite: SuiteId): number {
    return suite === Suite.XWING ? this.sizes.xwingPublicKeyBytes : this.sizes.encryptionPublicKeyBytes;
  }

  /** The suite of an encryption public key, by its length; the suite asked for must be that one. */
  private keySuite(publicKey: Bytes, what: string, asked?: SuiteId): SuiteId {
    bytes(publicKey, what);
    if (asked !== undefined && asked !== null) {
      const s = suiteArg(asked);
      fixed(publicKey, this.publicKeyBytes(s), what);
      return s;
    }
    if (publicKey.length === this.sizes.xwingPublicKeyBytes) return Suite.XWING;
    if (publicKey.length === this.sizes.encryptionPublicKeyBytes) return Suite.X25519;
    throw new CloakBadParamsError(Status.BAD_PARAMS,
      `${what} must be ${this.sizes.xwingPublicKeyBytes} bytes (X-Wing) or ${this.sizes.encryptionPublicKeyBytes} (X25519), not ${publicKey.length}`);
  }

  /** The suite a blob is read in: the one asked for (the other suite's blob is then refused), or the blob's own. */
  private readSuite(blob: Bytes, what: string, asked?: SuiteId): SuiteId {
    bytes(blob, what);
    if (asked !== undefined && asked !== null) return suiteArg(asked);
    return this.blobSuite(blob);
  }

  /** The secret key and suite of an EncryptionSecret. */
  private secretOf(key: EncryptionSecret, asked?: SuiteId): [Bytes, SuiteId] {
    if (key instanceof Uint8Array) return [key, suiteArg(asked ?? Suite.XWING)];
    if (key === null || typeof key !== 'object') throw new TypeError('secretKey must be a Uint8Array or a key pair');
    const suite = asked ?? key.suite ?? (key.publicKey ? this.keySuite(key.publicKey, 'publicKey') : Suite.XWING);
    return [bytes(key.secretKey, 'secretKey'), suiteArg(suite)];
  }

  identityKeypair(): KeyPair {
    return this.keyPair(Op.IDENTITY_KEYPAIR, 'identity', []);
  }

  identityKeypairFromSeed(seed: Bytes): KeyPair {
    return this.keyPair(Op.IDENTITY_KEYPAIR_FROM_SEED, 'identity', [fixed(seed, this.sizes.identitySeedBytes, 'seed')]);
  }

  /** Signs `message` under a context label (may be empty). */
  identitySign(message: Bytes, context: Label, secretKey: Bytes): Bytes {
    const sig = new Uint8Array(this.sizes.signatureBytes);
    this.run(Op.IDENTITY_SIGN, [
      sig, bytes(message, 'message'), label(context, 'context'),
      fixed(secretKey, this.sizes.identitySecretKeyBytes, 'secretKey'),
    ]);
    return sig;
  }

  /** Returns if the signature verifies; throws CloakBadSignatureError (or another) otherwise. */
  identityVerify(signature: Bytes, message: Bytes, context: Label, publicKey: Bytes): void {
    this.run(Op.IDENTITY_VERIFY, [
      fixed(signature, this.sizes.signatureBytes, 'signature'), bytes(message, 'message'),
      label(context, 'context'), fixed(publicKey, this.sizes.identityPublicKeyBytes, 'publicKey'),
    ]);
  }

  /** A fresh encryption key pair: X-Wing (the default) or, on request, X25519. */
  encryptionKeypair(suite: SuiteId = Suite.XWING): EncryptionKeyPair {
    const s = suiteArg(suite);
    return this.encryptionPair(s, s === Suite.XWING ? Op.XWING_KEYPAIR : Op.ENCRYPTION_KEYPAIR, []);
  }

  /**
   * HPKE's DeriveKeyPair of the suite's KEM (X-Wing by default; X25519: RFC 9180), from a seed of
   * 32 to 255 bytes.
   */
  encryptionKeypairFromSeed(seed: Bytes, suite: SuiteId = Suite.XWING): EncryptionKeyPair {
    const s = suiteArg(suite);
    return this.encryptionPair(s, s === Suite.XWING ? Op.XWING_KEYPAIR_FROM_SEED : Op.ENCRYPTION_KEYPAIR_FROM_SEED, [bytes(seed, 'seed')]);
  }

  /** The public key of an X-Wing secret key (the 32-byte seed, expanded). */
  xwingPublicKey(secretKey: Bytes): Bytes {
    return this.output(Op.XWING_PUBLIC_KEY, this.sizes.xwingPublicKeyBytes, [fixed(secretKey, this.sizes.xwingSecretKeyBytes, 'secretKey')]);
  }

  /** The key hash of an X-Wing public key (checked first), which stands for it in infos, signatures and rosters. */
  xwingKeyHash(publicKey: Bytes): Bytes {
    return this.output(Op.XWING_KEY_HASH, this.sizes.xwingKeyhashBytes, [fixed(publicKey, this.sizes.xwingPublicKeyBytes, 'publicKey')]);
  }

  /** The suite of an encryption public key (by its length: 1216 bytes X-Wing, 32 X25519). */
  encryptionSuite(publicKey: Bytes): SuiteId {
    return this.keySuite(publicKey, 'publicKey');
  }

  /**
   * What stands for an encryption public key in HPKE infos, signed contents and a service
   * account's roster entry (docs/protocol.md 1.6): an X25519 key itself, an X-Wing key's key hash.
   */
  keyBinding(publicKey: Bytes): Bytes {
    return this.keySuite(publicKey, 'publicKey') === Suite.XWING ? this.xwingKeyHash(publicKey) : publicKey.slice();
  }

  /** The key id of an encryption public key of either suite (checked first), as blobs and roster entries carry it. */
  encryptionKeyId(publicKey: Bytes): Bytes {
    return this.blobInspect(this.encryptionPublicExport(publicKey)).keyId;
  }

  /** The one output of `op`, `length` bytes, written into its first argument. */
  private output(op: number, length: number, inputs: Slot[]): Bytes {
    const out = new Uint8Array(length);
    this.run(op, [out, ...inputs]);
    return out;
  }

  identityPublicExport(publicKey: Bytes): Bytes {
    const pk = fixed(publicKey, this.sizes.identityPublicKeyBytes, 'publicKey');
    return this.output(Op.IDENTITY_PUBLIC_EXPORT, this.sizes.publicKeyBlobBytes, [pk]);
  }

  identityPublicImport(blob: Bytes): Bytes {
    return this.output(Op.IDENTITY_PUBLIC_IMPORT, this.sizes.identityPublicKeyBytes, [bytes(blob, 'blob')]);
  }

  /** The public key blob of an encryption public key of either suite (checked first). */
  encryptionPublicExport(publicKey: Bytes): Bytes {
    if (this.keySuite(publicKey, 'publicKey') === Suite.XWING) {
      return this.output(Op.XWING_PUBLIC_EXPORT, this.sizes.xwingPublicKeyBlobBytes, [publicKey]);
    }
    return this.output(Op.ENCRYPTION_PUBLIC_EXPORT, this.sizes.publicKeyBlobBytes, [publicKey]);
  }

  /**
   * The encryption public key of a blob, of the blob's suite (this.encryptionSuite() tells which);
   * given a suite, a blob of the other suite is CloakUnsupportedSuiteError.
   */
  encryptionPublicImport(blob: Bytes, suite?: SuiteId): Bytes {
    const s = this.readSuite(blob, 'blob', suite);
    return this.output(s === Suite.XWING ? Op.XWING_PUBLIC_IMPORT : Op.ENCRYPTION_PUBLIC_IMPORT, this.publicKeyBytes(s), [bytes(blob, 'blob')]);
  }

  /** A member's bundle: the identity key signs the encryption public key (of either suite, by its length). */
  bundleCreate(identitySecretKey: Bytes, encryptionPublicKey: Bytes): Bytes {
    const xwing = this.keySuite(encryptionPublicKey, 'encryptionPublicKey') === Suite.XWING;
    return this.output(xwing ? Op.BUNDLE_CREATE_XWING : Op.BUNDLE_CREATE, xwing ? this.sizes.xwingBundleBytes : this.sizes.bundleBytes, [
      fixed(identitySecretKey, this.sizes.identitySecretKeyBytes, 'identitySecretKey'), encryptionPublicKey,
    ]);
  }

  /**
   * Verifies a bundle of either suite and returns both public keys and the suite; given a suite,
   * a bundle of the other suite is CloakUnsupportedSuiteError.
   */
  bundleVerify(bundle: Bytes, suite?: SuiteId): BundleKeys {
    const s = this.readSuite(bundle, 'bundle', suite);
    const identityPublicKey = new Uint8Array(this.sizes.identityPublicKeyBytes);
    const encryptionPublicKey = new Uint8Array(this.publicKeyBytes(s));
    this.run(s === Suite.XWING ? Op.BUNDLE_VERIFY_XWING : Op.BUNDLE_VERIFY, [identityPublicKey, encryptionPublicKey, bytes(bundle, 'bundle')]);
    return { identityPublicKey, encryptionPublicKey, suite: s };
  }

  /** Six groups of five digits, for comparing an identity out of band. */
  identityFingerprint(identityPublicKey: Bytes): string {
    const out = new Uint8Array(this.sizes.fingerprintTextBytes);
    this.run(Op.IDENTITY_FINGERPRINT, [out, fixed(identityPublicKey, this.sizes.identityPublicKeyBytes, 'identityPublicKey')]);
    return cstring(out);
  }

  /** One code for a pair of users, the same from either side. */
  identityPairCode(a: Bytes, b: Bytes): string {
    const out = new Uint8Array(this.sizes.pairCodeTextBytes);
    const n = this.sizes.identityPublicKeyBytes;
    this.run(Op.IDENTITY_PAIR_CODE, [out, fixed(a, n, 'a'), fixed(b, n, 'b')]);
    return cstring(out);
  }

  // ---------------------------------------------------------------------------------------------
  // Private keys under the master key; service-account keys

  private wrappedBytes(suite: SuiteId): number {
    return suite === Suite.XWING ? this.sizes.xwingWrappedKeyBytes : this.sizes.wrappedKeyBytes;
  }

  private wrap(op: number, masterKey: Bytes, secretKey: Bytes, skLen: number, outLen = this.sizes.wrappedKeyBytes): Bytes {
    const out = new Uint8Array(outLen);
    this.run(op, [out, fixed(masterKey, this.sizes.keyBytes, 'masterKey'), fixed(secretKey, skLen, 'secretKey')]);
    return out;
  }

  identityWrap(masterKey: Bytes, secretKey: Bytes): Bytes {
    return this.wrap(Op.IDENTITY_WRAP, masterKey, secretKey, this.sizes.identitySecretKeyBytes);
  }

  identityUnwrap(masterKey: Bytes, wrapped: Bytes): KeyPair {
    return this.keyPair(Op.IDENTITY_UNWRAP, 'identity', [fixed(masterKey, this.sizes.keyBytes, 'masterKey'), bytes(wrapped, 'wrapped')]);
  }

  /** A secret key of `ops`' suite wrapped (one op per suite: [X25519, X-Wing]). */
  private wrapEncryption(ops: [number, number], masterKey: Bytes, key: EncryptionSecret, suite?: SuiteId): Bytes {
    const [secretKey, s] = this.secretOf(key, suite);
    const xwing = s === Suite.XWING;
    return this.wrap(xwing ? ops[1] : ops[0], masterKey, secretKey,
      xwing ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes, this.wrappedBytes(s));
  }

  private unwrapEncryption(ops: [number, number], masterKey: Bytes, wrapped: Bytes, suite?: SuiteId): EncryptionKeyPair {
    const mk = fixed(masterKey, this.sizes.keyBytes, 'masterKey');
    const s = this.readSuite(wrapped, 'wrapped', suite);
    return this.encryptionPair(s, s === Suite.XWING ? ops[1] : ops[0], [mk, wrapped]);
  }

  /**
   * A member's encryption secret key wrapped under the master key: the key pair (its suite), or
   * the secret key alone with its suite (X-Wing if not given).
   */
  encryptionWrap(masterKey: Bytes, key: EncryptionSecret, suite?: SuiteId): Bytes {
    return this.wrapEncryption([Op.ENCRYPTION_WRAP, Op.XWING_WRAP], masterKey, key, suite);
  }

  /** The key pair of a wrapped encryption key, of the blob's suite (or, given one, only that suite). */
  encryptionUnwrap(masterKey: Bytes, wrapped: Bytes, suite?: SuiteId): EncryptionKeyPair {
    return this.unwrapEncryption([Op.ENCRYPTION_UNWRAP, Op.XWING_UNWRAP], masterKey, wrapped, suite);
  }

  /** A service account's secret key wrapped under the creator's master key (suite as encryptionWrap()). */
  serviceAccountWrap(masterKey: Bytes, key: EncryptionSecret, suite?: SuiteId): Bytes {
    return this.wrapEncryption([Op.SERVICE_ACCOUNT_WRAP, Op.SERVICE_ACCOUNT_XWING_WRAP], masterKey, key, suite);
  }

  serviceAccountUnwrap(masterKey: Bytes, wrapped: Bytes, suite?: SuiteId): EncryptionKeyPair {
    return this.unwrapEncryption([Op.SERVICE_ACCOUNT_UNWRAP, Op.SERVICE_ACCOUNT_XWING_UNWRAP], masterKey, wrapped, suite);
  }

  /** The type, public key and suite a wrapped key carries (parsed, not authenticated). */
  wrappedKeyPublicKey(wrapped: Bytes, suite?: SuiteId): { publicKey: Bytes; type: number; suite: SuiteId } {
    const s = this.readSuite(wrapped, 'wrapped', suite);
    const publicKey = new Uint8Array(s === Suite.XWING ? this.sizes.xwingPublicKeyBytes : this.sizes.wrappedKeyPublicKeyBytes);
    const n = this.run(s === Suite.XWING ? Op.WRAPPED_KEY_PUBLIC_KEY_XWING : Op.WRAPPED_KEY_PUBLIC_KEY, [publicKey, null, bytes(wrapped, 'wrapped')]);
    return { publicKey, type: n[1], suite: s };
  }

  /**
   * A wrapped key (identity, encryption or service account, of either suite) moved from one master
   * key to another without the private key leaving the library: for a password change, or the
   * upgrade of an account whose record is below a raised policy floor (derive under the legacy
   * policy, make a new record, derive again, rewrap every key). Same type, suite and public key,
   * fresh nonce. The two master keys must differ (CloakBadParamsError); a key wrapped under another
   * master key is CloakWrongKeyError, a damaged one CloakAuthError.
   */
  wrappedKeyRewrap(oldMasterKey: Bytes, newMasterKey: Bytes, wrapped: Bytes, suite?: SuiteId): Bytes {
    const keys = [fixed(oldMasterKey, this.sizes.keyBytes, 'oldMasterKey'), fixed(newMasterKey, this.sizes.keyBytes, 'newMasterKey')];
    const s = this.readSuite(wrapped, 'wrapped', suite);
    return this.output(s === Suite.XWING ? Op.WRAPPED_KEY_REWRAP_XWING : Op.WRAPPED_KEY_REWRAP, this.wrappedBytes(s), [...keys, wrapped]);
  }

  /**
   * A service-account private key in the clear (type SERVICE_ACCOUNT_PRIVATE_KEY), for a CI
   * machine; the suite is the public key's.
   */
  serviceAccountPrivateExport(publicKey: Bytes, secretKey: Bytes): Bytes {
    const xwing = this.keySuite(publicKey, 'publicKey') === Suite.XWING;
    return this.output(xwing ? Op.SERVICE_ACCOUNT_XWING_PRIVATE_EXPORT : Op.SERVICE_ACCOUNT_PRIVATE_EXPORT,
      xwing ? this.sizes.xwingServiceAccountPrivateBlobBytes : this.sizes.serviceAccountPrivateBlobBytes, [
        publicKey, fixed(secretKey, xwing ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes, 'secretKey'),
      ]);
  }

  /** The service-account key pair of serviceAccountPrivateExport()'s blob, of the blob's suite (or only the one given). */
  serviceAccountPrivateImport(blob: Bytes, suite?: SuiteId): EncryptionKeyPair {
    const s = this.readSuite(blob, 'blob', suite);
    return this.encryptionPair(s, s === Suite.XWING ? Op.SERVICE_ACCOUNT_XWING_PRIVATE_IMPORT : Op.SERVICE_ACCOUNT_PRIVATE_IMPORT,
      [bytes(blob, 'blob')]);
  }

  /**
   * The 32-byte access credential of a service account's key pair (docs/protocol.md 9.4), of the
   * public key's suite: what the account shows a server to log in, derived from the private key
   * under a label of its own, so it opens no batch. The library first checks that the private key
   * gives the public key (CloakMismatchError). A bearer secret: send it only over TLS, and
   * overwrite the array when done. A new key pair gives a new credential.
   */
  serviceAccountCredential(publicKey: Bytes, secretKey: Bytes): Bytes {
    const xwing = this.keySuite(publicKey, 'publicKey') === Suite.XWING;
    return this.output(xwing ? Op.SERVICE_ACCOUNT_XWING_CREDENTIAL : Op.SERVICE_ACCOUNT_CREDENTIAL, this.sizes.credentialBytes, [
      publicKey, fixed(secretKey, xwing ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes, 'secretKey'),
    ]);
  }

  /**
   * What a server stores for a service account in place of its credential (32 bytes): it computes
   * the verifier of the credential it is shown and compares the two in constant time
   * (serviceAccountCredentialVerify()), so its store alone lets nobody log in as the account.
   */
  serviceAccountCredentialVerifier(credential: Bytes): Bytes {
    return this.output(Op.SERVICE_ACCOUNT_CREDENTIAL_VERIFIER, this.sizes.credentialVerifierBytes, [
      fixed(credential, this.sizes.credentialBytes, 'credential'),
    ]);
  }

  /**
   * Whether `credential` is the one whose `verifier` a server stored, compared in constant time.
   * A verifier or credential of the wrong length is false.
   */
  serviceAccountCredentialVerify(verifier: Bytes, credential: Bytes): boolean {
    if (!(verifier instanceof Uint8Array) || verifier.length !== this.sizes.credentialVerifierBytes ||
        !(credential instanceof Uint8Array) || credential.length !== this.sizes.credentialBytes) {
      return false;
    }
    const computed = this.serviceAccountCredentialVerifier(credential);
    let diff = 0;
    for (let i = 0; i < computed.length; i++) diff |= computed[i] ^ verifier[i];
    return diff === 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Vaults and secrets

  /** Subkeys of one vault key and its epoch (1 for the first key, +1 at each rotation). */
  vaultInit(vaultKey: Bytes, epoch: number, vaultId: Label): Vault {
    const state = this.makeState(this.sizes.vaultStateBytes, Op.VAULT_INIT, [
      fixed(vaultKey, this.sizes.keyBytes, 'vaultKey'), u32(epoch, 'epoch'), label(vaultId, 'vaultId'),
    ]);
    return new Vault(this, state);
  }

  /** A sealed secret's length for a value of valueLen bytes (padded: 64 bytes at least, then Padmé); 0 if too large. */
  secretSealedLen(valueLen: number): number {
    return this.run(Op.SECRET_SEALED_LEN, [size(valueLen, 'valueLen'), null])[1];
  }

  /** The largest value a sealed secret of sealedLen bytes holds; 0 if no sealed secret has that length. */
  secretOpenedLen(sealedLen: number): number {
    return this.run(Op.SECRET_OPENED_LEN, [size(sealedLen, 'sealedLen'), null])[1];
  }

  /** @internal */
  _call(op: number, args: Slot[]): Float64Array {
    return this.run(op, args);
  }

  /**
   * A caller-held state, kept by the backend at one fixed, 8-byte aligned address for its whole
   * life (the library records that address and refuses a copied state), made by `op` with the
   * state in slot 0.
   */
  private makeState(size: number, op: number, args: Slot[]): Pinned | Uint8Array {
    const state = this.backend.pin(new Uint8Array(size));
    try {
      this.run(op, [state, ...args]);
    } catch (e) {
      this.backend.unpin(state);
      throw e;
    }
    return state;
  }

  /** @internal A zeroed buffer the backend keeps at one address (states, tags), released by _release(). */
  _pin(length: number): Pinned | Uint8Array {
    return this.backend.pin(new Uint8Array(length));
  }

  /** @internal Wipes and releases what _pin() gave. */
  _release(p: Pinned | Uint8Array): void {
    this.backend.unpin(p);
  }

  // ---------------------------------------------------------------------------------------------
  // Vault-key shares

  /**
   * The vault key and its epoch, for one member, signed by the sharer; in the suite of the
   * recipient's encryption public key (X-Wing: 1288 bytes, X25519: 200). With `against`, the
   * recipient's key is first checked against a verified head (Head.checkRecipient: a key older
   * than the roster's is CloakMismatchError, an X25519 key in a post-quantum-only vault
   * CloakPolicyError).
   */
  shareSeal(vaultKey: Bytes, epoch: number, vaultId: Label, recipientPublicKey: Bytes, senderIdentitySecretKey: Bytes,
    against?: { head: Head; recipientIdentityPublicKey: Bytes }): Bytes {
    const xwing = this.keySuite(recipientPublicKey, 'recipientPublicKey') === Suite.XWING;
    if (against !== undefined) headOf(against).checkRecipient(against.recipientIdentityPublicKey, recipientPublicKey);
    const out = new Uint8Array(xwing ? this.sizes.xwingShareBytes : this.sizes.shareBytes);
    this.run(xwing ? Op.SHARE_SEAL_XWING : Op.SHARE_SEAL, [
      out, fixed(vaultKey, this.sizes.keyBytes, 'vaultKey'), u32(epoch, 'epoch'), label(vaultId, 'vaultId'),
      recipientPublicKey, fixed(senderIdentitySecretKey, this.sizes.identitySecretKeyBytes, 'senderIdentitySecretKey'),
    ]);
    return out;
  }

  /** The identity that signed a share of either suite (parsed, not verified). */
  shareSender(share: Bytes): Bytes {
    const out = new Uint8Array(this.sizes.identityPublicKeyBytes);
    this.run(Op.SHARE_SENDER, [out, bytes(share, 'share')]);
    return out;
  }

  /**
   * Verifies the share against the trusted sender, refuses an epoch below minEpoch (the highest
   * the caller has seen, 1 if none: CloakStaleError), then opens the vault key and its epoch. The
   * suite is the recipient key's: a share of the other suite is CloakUnsupportedSuiteError. With
   * `against` (the recipient's own identity key), the share is first checked against a verified
   * head (Head.checkShare: a share to an older key, or of another epoch, is CloakMismatchError, an
   * X25519 share in a post-quantum-only vault CloakPolicyError).
   */
  shareOpen(share: Bytes, vaultId: Label, recipientPublicKey: Bytes, recipientSecretKey: Bytes,
    trustedSenderIdentityPublicKey: Bytes, minEpoch = 1,
    against?: { head: Head; recipientIdentityPublicKey: Bytes }): { vaultKey: Bytes; epoch: number } {
    const xwing = this.keySuite(recipientPublicKey, 'recipientPublicKey') === Suite.XWING;
    bytes(share, 'share');
    if (against !== undefined) headOf(against).checkShare(against.recipientIdentityPublicKey, share);
    const vaultKey = new Uint8Array(this.sizes.keyBytes);
    const n = this.run(xwing ? Op.SHARE_OPEN_XWING : Op.SHARE_OPEN, [
      vaultKey, null, share, label(vaultId, 'vaultId'), recipientPublicKey,
      fixed(recipientSecretKey, xwing ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes, 'recipientSecretKey'),
      fixed(trustedSenderIdentityPublicKey, this.sizes.identityPublicKeyBytes, 'trustedSenderIdentityPublicKey'),
      u32(minEpoch, 'minEpoch'),
    ]);
    return { vaultKey, epoch: n[1] };
  }

  // ---------------------------------------------------------------------------------------------
  // Service-account batches

  /** An item's length (name and value padded together); 0 if too large. */
  batchItemLen(nameLen: number, valueLen: number): number {
    return this.run(Op.BATCH_ITEM_LEN, [size(nameLen, 'nameLen'), size(valueLen, 'valueLen'), null])[2];
  }

  /** The value capacity opening an item of itemLen bytes needs; 0 if no item has that length. */
  batchItemOpenedMaxlen(itemLen: number): number {
    return this.run(Op.BATCH_ITEM_OPENED_MAXLEN, [size(itemLen, 'itemLen'), null])[1];
  }

  /** A batch's length, for an account key of `suite` (X-Wing by default: 1088 bytes more than X25519). */
  batchLen(vaultIdLen: number, itemCount: number, suite: SuiteId = Suite.XWING): number {
    const op = suiteArg(suite) === Suite.XWING ? Op.BATCH_LEN_XWING : Op.BATCH_LEN;
    return this.run(op, [size(vaultIdLen, 'vaultIdLen'), size(itemCount, 'itemCount'), null])[2];
  }

  /** The size of a reader's tags for itemCount items (16 bytes each). */
  batchTagsLen(itemCount: number): number {
    return this.run(Op.BATCH_TAGS_LEN, [size(itemCount, 'itemCount'), null])[1];
  }

  /**
   * A batch writer for one account, vault, epoch and head (version, hash, expiry in Unix seconds),
   * bound to its creator from the start, in the suite of the account's public key. head_version
   * and expiry are uint64: a number (a safe integer) or a bigint. With `against`, the account's
   * key is first checked against a verified head (Head.checkRecipient).
   */
  batchBegin(accountPublicKey: Bytes, creatorIdentityPublicKey: Bytes, vaultId: Label, epoch: number,
    headVersion: U64, headHash: Bytes, expiry: U64, against?: { head: Head }): BatchWriter {
    const suite = this.keySuite(accountPublicKey, 'accountPublicKey');
    if (against !== undefined) headOf(against).checkRecipient(null, accountPublicKey);
    const id = label(vaultId, 'vaultId');
    const state = this.makeState(this.sizes.batchStateBytes, suite === Suite.XWING ? Op.BATCH_BEGIN_XWING : Op.BATCH_BEGIN, [
      accountPublicKey, fixed(creatorIdentityPublicKey, this.sizes.identityPublicKeyBytes, 'creatorIdentityPublicKey'),
      id, u32(epoch, 'epoch'), u64(headVersion, 'headVersion'),
      fixed(headHash, this.sizes.headHashBytes, 'headHash'), u64(expiry, 'expiry'),
    ]);
    return new BatchWriter(this, state, id.length, suite);
  }

  /** The number of items a batch lists (parsed, not verified). */
  batchCount(batch: Bytes): number {
    return this.run(Op.BATCH_COUNT, [null, bytes(batch, 'batch')])[0];
  }

  /** The identity a batch claims as its creator (parsed, not verified). */
  batchSender(batch: Bytes): Bytes {
    const out = new Uint8Array(this.sizes.identityPublicKeyBytes);
    this.run(Op.BATCH_SENDER, [out, bytes(batch, 'batch')]);
    return out;
  }

  /** An item's index (parsed, not verified). */
  batchItemIndex(item: Bytes): number {
    return this.run(Op.BATCH_ITEM_INDEX, [null, bytes(item, 'item')])[0];
  }

  /**
   * Verifies a batch: the account's key, the expected vault id (CloakMismatchError), the creator
   * among `trusted`, the signature; opens the encapsulation. The suite is the account key's: a
   * batch of the other suite is CloakUnsupportedSuiteError. The reader keeps what it needs (one
   * tag per item, under a key only its state holds), so the batch's bytes are not needed after.
   * Call check() on the reader before opening any item. With `against`, the batch is first
   * checked against a verified head (Head.checkBatch).
   */
  batchVerify(batch: Bytes, vaultId: Label, accountPublicKey: Bytes, accountSecretKey: Bytes, trusted: Bytes[],
    against?: { head: Head }): BatchReader {
    bytes(batch, 'batch');
    const id = label(vaultId, 'vaultId');
    const xwing = this.keySuite(accountPublicKey, 'accountPublicKey') === Suite.XWING;
    fixed(accountSecretKey, xwing ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes, 'accountSecretKey');
    const trustedList = list(trusted, this.sizes.identityPublicKeyBytes, 'trusted');
    if (against !== undefined) headOf(against).checkBatch(batch);
    const count = this.batchCount(batch);
    const tags = this._pin(this.batchTagsLen(count));
    let state: Pinned | Uint8Array;
    try {
      state = this.makeState(this.sizes.batchStateBytes, xwing ? Op.BATCH_VERIFY_XWING : Op.BATCH_VERIFY, [
        tags, batch, id, accountPublicKey, accountSecretKey, trustedList,
      ]);
    } catch (e) {
      this._release(tags);
      throw e;
    }
    return new BatchReader(this, state, tags);
  }

  // ---------------------------------------------------------------------------------------------
  // Vault heads and Merkle proofs

  /** A head's length for a vault id of vaultIdLen bytes and rosterCount entries. */
  headLen(vaultIdLen: number, rosterCount: number): number {
    return this.run(Op.HEAD_LEN, [size(vaultIdLen, 'vaultIdLen'), size(rosterCount, 'rosterCount'), null])[2];
  }

  /**
   * One roster entry, as cloak_roster_entry: kind (sizes.rosterMember or
   * sizes.rosterServiceAccount), permission bits (sizes.permissionWrite | sizes.permissionAdmin,
   * none for a service account), the suite of the encryption key, the public key (a member's
   * identity key; a service account's keyBinding()) and the encryption key's id. memberEntry() and
   * serviceAccountEntry() work these out from the keys.
   */
  rosterEntry(kind: number, permissions: number, suite: number, publicKey: Bytes, encryptionKeyId: Bytes): Bytes {
    const out = new Uint8Array(this.sizes.rosterEntryBytes);
    this.run(Op.ROSTER_ENTRY, [
      out, u32(kind, 'kind'), u32(permissions, 'permissions'), u32(suite, 'suite'),
      fixed(publicKey, this.sizes.identityPublicKeyBytes, 'publicKey'),
      fixed(encryptionKeyId, this.sizes.keyIdBytes, 'encryptionKeyId'),
    ]);
    return out;
  }

  /** A member's roster entry: its identity key, and the suite and key id of its current encryption public key. */
  memberEntry(permissions: number, identityPublicKey: Bytes, encryptionPublicKey: Bytes): Bytes {
    const suite = this.keySuite(encryptionPublicKey, 'encryptionPublicKey');
    return this.rosterEntry(this.sizes.rosterMember, permissions, suite, identityPublicKey, this.encryptionKeyId(encryptionPublicKey));
  }

  /** A service account's roster entry, from its public key of either suite. */
  serviceAccountEntry(accountPublicKey: Bytes): Bytes {
    const suite = this.keySuite(accountPublicKey, 'accountPublicKey');
    return this.rosterEntry(this.sizes.rosterServiceAccount, 0, suite, this.keyBinding(accountPublicKey),
      this.encryptionKeyId(accountPublicKey));
  }

  /** Roster entries in the order headCreate() wants: by kind, then public key (a sorted copy). */
  rosterSort(entries: Bytes[]): Bytes[] {
    if (!Array.isArray(entries)) throw new TypeError('entries must be an array of Uint8Array');
    const n = this.sizes.rosterEntryBytes;
    entries.forEach((e) => fixed(e, n, 'entries'));
    // Kind is byte 0, the public key bytes 4 to 36 (docs/protocol.md 10.2).
    const key = (e: Bytes) => [e[0], ...e.subarray(4, 36)];
    return entries.slice().sort((a, b) => {
      const x = key(a);
      const y = key(b);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
      return 0;
    });
  }

  /**
   * A signed vault head. previousHash is all zero for version 1; policy is 0 or
   * VaultPolicy.POST_QUANTUM_ONLY (every roster entry then of suite X-Wing); roster entries sorted
   * by (kind, public key) (rosterSort()). version and expiry (Unix seconds) are uint64: a number or
   * a bigint.
   */
  headCreate(vaultId: Label, epoch: number, vaultKeyId: Bytes, version: U64, previousHash: Bytes, expiry: U64,
    merkleRoot: Bytes, leafCount: number, policy: number, roster: Bytes[], signerIdentitySecretKey: Bytes): Bytes {
    const id = label(vaultId, 'vaultId');
    const entries = list(roster, this.sizes.rosterEntryBytes, 'roster');
    const out = new Uint8Array(this.headLen(id.length, roster.length));
    const n = this.run(Op.HEAD_CREATE, [
      out, null, id, u32(epoch, 'epoch'), fixed(vaultKeyId, this.sizes.keyIdBytes, 'vaultKeyId'),
      u64(version, 'version'), fixed(previousHash, this.sizes.headHashBytes, 'previousHash'), u64(expiry, 'expiry'),
      fixed(merkleRoot, this.sizes.merkleHashBytes, 'merkleRoot'), u32(leafCount, 'leafCount'), u32(policy, 'policy'), entries,
      fixed(signerIdentitySecretKey, this.sizes.identitySecretKeyBytes, 'signerIdentitySecretKey'),
    ])[1];
    return n === out.length ? out : out.slice(0, n);
  }

  /** A head taken as the starting point: signed by one of `trusted`, an admin in its own roster. */
  headVerifyFirst(blob: Bytes, vaultId: Label, trusted: Bytes[]): Head {
    const kept = bytes(blob, 'blob').slice();
    const state = this.makeState(this.sizes.headStateBytes, Op.HEAD_VERIFY_FIRST, [
      kept, label(vaultId, 'vaultId'), list(trusted, this.sizes.identityPublicKeyBytes, 'trusted'),
    ]);
    return new Head(this, state, kept);
  }

  /** @internal Verifies `blob` as the successor of `current` (Head.verifyNext). */
  _headVerifyNext(current: Pinned | Uint8Array, currentBlob: Bytes, blob: Bytes): Head {
    const kept = bytes(blob, 'blob').slice();
    const state = this.makeState(this.sizes.headStateBytes, Op.HEAD_VERIFY_NEXT, [current, currentBlob, kept]);
    return new Head(this, state, kept);
  }

  /** A secret's leaf: its blind index and a digest of its sealed bytes. */
  merkleLeaf(blindIndex: Bytes, sealed: Bytes): Bytes {
    const out = new Uint8Array(this.sizes.merkleLeafBytes);
    this.run(Op.MERKLE_LEAF, [out, fixed(blindIndex, this.sizes.blindIndexBytes, 'blindIndex'), bytes(sealed, 'sealed')]);
    return out;
  }

  /** The root over leaves sorted strictly by blind index (CloakBadParamsError otherwise). */
  merkleRoot(leaves: Bytes[]): Bytes {
    const out = new Uint8Array(this.sizes.merkleHashBytes);
    this.run(Op.MERKLE_ROOT, [out, list(leaves, this.sizes.merkleLeafBytes, 'leaves')]);
    return out;
  }

  /** A proof that leaves[index] is in the tree. */
  merkleProveInclusion(leaves: Bytes[], index: number): Bytes {
    const out = new Uint8Array(this.sizes.merkleInclusionProofBytesMax);
    const n = this.run(Op.MERKLE_PROVE_INCLUSION, [out, null, list(leaves, this.sizes.merkleLeafBytes, 'leaves'), size(index, 'index')])[1];
    return out.slice(0, n);
  }

  /** A proof that no leaf has this blind index. */
  merkleProveAbsence(leaves: Bytes[], blindIndex: Bytes): Bytes {
    const out = new Uint8Array(this.sizes.merkleAbsenceProofBytesMax);
    const n = this.run(Op.MERKLE_PROVE_ABSENCE, [
      out, null, list(leaves, this.sizes.merkleLeafBytes, 'leaves'), fixed(blindIndex, this.sizes.blindIndexBytes, 'blindIndex'),
    ])[1];
    return out.slice(0, n);
  }
  // ---------------------------------------------------------------------------------------------
  // HPKE (RFC 9180), Base mode, with the KEM of the recipient key's suite: X-Wing (KEM 0x647a,
  // 1120-byte enc) or DHKEM(X25519) (32-byte enc); HKDF-SHA256 and ChaCha20Poly1305 in both.

  /** The suite of a recipient public key, with its enc and secret key lengths. */
  private hpkeSuite(recipientPublicKey: Bytes): { xwing: boolean; encBytes: number; skBytes: number } {
    const xwing = this.keySuite(recipientPublicKey, 'recipientPublicKey') === Suite.XWING;
    return {
      xwing,
      encBytes: xwing ? this.sizes.xwingEncBytes : this.sizes.hpkeEncBytes,
      skBytes: xwing ? this.sizes.xwingSecretKeyBytes : this.sizes.encryptionSecretKeyBytes,
    };
  }

  hpkeSetupSender(recipientPublicKey: Bytes, info: Bytes = new Uint8Array(0)): { enc: Bytes; context: HpkeContext } {
    const { xwing, encBytes } = this.hpkeSuite(recipientPublicKey);
    const encOut = new Uint8Array(encBytes);
    const state = this.makeState(this.sizes.hpkeContextBytes, xwing ? Op.HPKE_SETUP_SENDER_XWING : Op.HPKE_SETUP_SENDER,
      [encOut, recipientPublicKey, bytes(info, 'info')]);
    return { enc: encOut, context: new HpkeContext(this, state) };
  }

  hpkeSetupRecipient(enc: Bytes, recipientPublicKey: Bytes, recipientSecretKey: Bytes, info: Bytes = new Uint8Array(0)): HpkeContext {
    const { xwing, encBytes, skBytes } = this.hpkeSuite(recipientPublicKey);
    const state = this.makeState(this.sizes.hpkeContextBytes, xwing ? Op.HPKE_SETUP_RECIPIENT_XWING : Op.HPKE_SETUP_RECIPIENT, [
      fixed(enc, encBytes, 'enc'), recipientPublicKey, fixed(recipientSecretKey, skBytes, 'recipientSecretKey'), bytes(info, 'info'),
    ]);
    return new HpkeContext(this, state);
  }

  /** Single-shot Base mode: the plaintext sealed to the recipient's public key; `info` and `aad` are optional. */
  hpkeSealBase(recipientPublicKey: Bytes, plaintext: Bytes, info: Bytes = new Uint8Array(0), aad: Bytes = new Uint8Array(0)): { enc: Bytes; ciphertext: Bytes } {
    const { xwing, encBytes } = this.hpkeSuite(recipientPublicKey);
    const encOut = new Uint8Array(encBytes);
    const ct = new Uint8Array(bytes(plaintext, 'plaintext').length + this.sizes.hpkeTagBytes);
    this.run(xwing ? Op.HPKE_SEAL_BASE_XWING : Op.HPKE_SEAL_BASE, [
      encOut, ct, recipientPublicKey, bytes(info, 'info'), bytes(aad, 'aad'), plaintext,
    ]);
    return { enc: encOut, ciphertext: ct };
  }

  /** Single-shot Base mode: opens what hpkeSealBase() sealed, with the same `info` and `aad`. */
  hpkeOpenBase(enc: Bytes, ciphertext: Bytes, recipientPublicKey: Bytes, recipientSecretKey: Bytes,
    info: Bytes = new Uint8Array(0), aad: Bytes = new Uint8Array(0)): Bytes {
    const { xwing, encBytes, skBytes } = this.hpkeSuite(recipientPublicKey);
    const t = this.sizes.hpkeTagBytes;
    const pt = new Uint8Array(Math.max(0, bytes(ciphertext, 'ciphertext').length - t));
    this.run(xwing ? Op.HPKE_OPEN_BASE_XWING : Op.HPKE_OPEN_BASE, [
      pt, fixed(enc, encBytes, 'enc'), recipientPublicKey, fixed(recipientSecretKey, skBytes, 'recipientSecretKey'),
      bytes(info, 'info'), bytes(aad, 'aad'), ciphertext,
    ]);
    return pt;
  }
}

/** The head of an `against` option. */
function headOf(against: { head: Head }): Head {
  if (against === null || typeof against !== 'object' || !(against.head instanceof Head)) {
    throw new TypeError('against must be { head: Head, ... }');
  }
  return against.head;
}

/**
 * Base of the caller-held states. Each lives at one fixed address of the backend (the library
 * refuses a copied state) from creation to wipe(); wipe() zeroes and releases it, and a wiped state
 * refuses further use (CloakBadStateError). dispose() and `using` do the same as wipe().
 */
abstract class State {
  protected wiped = false;
  constructor(protected readonly cloak: Cloak, protected readonly state: Pinned | Uint8Array) {}
  protected live(): Pinned | Uint8Array {
    if (this.wiped) throw new CloakBadStateError(Status.BAD_STATE, 'this state was wiped');
    return this.state;
  }
  protected abstract wipeOp: number;
  wipe(): void {
    if (this.wiped) return;
    this.wiped = true;
    try {
      this.cloak._call(this.wipeOp, [this.state]);
    } finally {
      this.cloak._release(this.state);
    }
  }
  dispose(): void {
    this.wipe();
  }
  [disposeSymbol](): void {
    this.wipe();
  }
}

/** A vault's subkeys and epoch (cloak_vault). */
export class Vault extends State {
  protected wipeOp = Op.VAULT_WIPE;

  /** The id of the vault key (the key id its secrets carry). */
  keyId(): Bytes {
    const out = new Uint8Array(this.cloak.sizes.keyIdBytes);
    this.cloak._call(Op.VAULT_KEY_ID, [out, this.live()]);
    return out;
  }

  /** The epoch this vault state was made with. */
  get epoch(): number {
    return this.cloak._call(Op.VAULT_EPOCH, [this.live(), null])[1];
  }

  /** Seals a value under this vault and its epoch, bound to the vault id, the name and the optional context. */
  sealSecret(name: Label, value: Bytes, context: Label = ''): Bytes {
    const out = new Uint8Array(this.cloak.secretSealedLen(bytes(value, 'value').length));
    const n = this.cloak._call(Op.SECRET_SEAL, [this.live(), out, null, label(name, 'name'), label(context, 'context'), value])[2];
    return n === out.length ? out : out.slice(0, n);
  }

  /** Opens a secret sealed under this vault's key and epoch (another epoch: CloakMismatchError). */
  openSecret(name: Label, sealed: Bytes, context: Label = ''): Bytes {
    const out = new Uint8Array(this.cloak.secretOpenedLen(bytes(sealed, 'sealed').length));
    const n = this.cloak._call(Op.SECRET_OPEN, [this.live(), out, null, label(name, 'name'), label(context, 'context'), sealed])[2];
    const value = out.slice(0, n);
    out.fill(0);
    return value;
  }

  /** Opens a secret under this vault and seals it under `to` (rotation); the plaintext stays inside. */
  resealSecret(to: Vault, name: Label, sealed: Bytes, context: Label = ''): Bytes {
    if (!(to instanceof Vault)) throw new TypeError('to must be a Vault');
    const out = new Uint8Array(bytes(sealed, 'sealed').length);
    const n = this.cloak._call(Op.SECRET_RESEAL, [this.live(), to.live(), out, null, label(name, 'name'), label(context, 'context'), sealed])[3];
    return n === out.length ? out : out.slice(0, n);
  }

  /** Keyed index of a secret name, for the server to look it up by. */
  blindIndex(name: Label): Bytes {
    const out = new Uint8Array(this.cloak.sizes.blindIndexBytes);
    this.cloak._call(Op.VAULT_BLIND_INDEX, [this.live(), out, label(name, 'name')]);
    return out;
  }
}

/**
 * A batch writer (cloak_batch): sealItem() per secret, then finish(). Each item gets its own index
 * (reserved by the library); the writer keeps each digest at its item's index.
 */
export class BatchWriter extends State {
  protected wipeOp = Op.BATCH_WIPE;
  /** Every sealed item's digest, at its index. */
  readonly digests: Bytes[] = [];
  constructor(cloak: Cloak, state: Pinned | Uint8Array, private readonly vaultIdLen: number,
    /** The suite of the account's key, and so of the batch. */
    readonly suite: SuiteId) {
    super(cloak, state);
  }

  sealItem(name: Label, value: Bytes): { item: Bytes; index: number; digest: Bytes } {
    const nm = label(name, 'name');
    const out = new Uint8Array(this.cloak.batchItemLen(nm.length, bytes(value, 'value').length));
    const digest = new Uint8Array(this.cloak.sizes.batchDigestBytes);
    const n = this.cloak._call(Op.BATCH_SEAL_ITEM, [this.live(), out, null, null, digest, nm, value]);
    const index = n[3];
    const length = n[2];
    this.digests[index] = digest;
    return { item: length === out.length ? out : out.slice(0, length), index, digest };
  }

  /**
   * Signs the manifest (by default the digests of every item sealed, in index order) with the
   * creator's key (the one given to begin: CloakMismatchError otherwise) and wipes the state
   * whether it succeeds or not.
   */
  finish(creatorIdentitySecretKey: Bytes, digests: Bytes[] = this.digests): Bytes {
    const state = this.live();
    try {
      const digestList = list(Array.from(digests), this.cloak.sizes.batchDigestBytes, 'digests');
      const out = new Uint8Array(this.cloak.batchLen(this.vaultIdLen, digests.length, this.suite));
      const n = this.cloak._call(Op.BATCH_FINISH, [
        state, out, null, digestList,
        fixed(creatorIdentitySecretKey, this.cloak.sizes.identitySecretKeyBytes, 'creatorIdentitySecretKey'),
      ])[2];
      return n === out.length ? out : out.slice(0, n);
    } finally {
      // A writer is finished once, whatever happens: cloak_batch_finish wipes it either way.
      this.wipe();
    }
  }
}

/**
 * A verified batch (cloak_batch, reader side). It owns its tags (one per item, under a key only
 * its state holds): they never leave it, and each opens its item once. check() must succeed
 * before openItem().
 */
export class BatchReader extends State {
  protected wipeOp = Op.BATCH_WIPE;
  // Truly private (not reachable from outside the class, unlike TypeScript's `private`).
  readonly #tags: Pinned | Uint8Array;
  #checked = false;
  constructor(cloak: Cloak, state: Pinned | Uint8Array, tags: Pinned | Uint8Array) {
    super(cloak, state);
    this.#tags = tags;
  }

  /**
   * Freshness: an epoch below minEpoch or a head version below minHeadVersion is CloakStaleError
   * (the highest the caller has seen, or pinned; 1 if none), `now` (Unix seconds, the clock by
   * default) past the expiry CloakExpiredError.
   */
  check(minEpoch: number, minHeadVersion: U64, now: U64 = unixNow()): void {
    this.cloak._call(Op.BATCH_CHECK, [this.live(), u32(minEpoch, 'minEpoch'), u64(minHeadVersion, 'minHeadVersion'), u64(now, 'now')]);
    this.#checked = true;
  }

  /** Opens one item the creator signed, once: its name and value (the caller compares the name). */
  openItem(item: Bytes): { name: Bytes; value: Bytes } {
    bytes(item, 'item');
    const state = this.live();
    if (!this.#checked) throw new CloakBadStateError(Status.BAD_STATE, 'check() must succeed before openItem()');
    const nameOut = new Uint8Array(this.cloak.sizes.labelBytesMax);
    const valueOut = new Uint8Array(this.cloak.batchItemOpenedMaxlen(item.length));
    try {
      const n = this.cloak._call(Op.BATCH_OPEN_ITEM, [state, this.#tags, item, nameOut, null, valueOut, null]);
      return { name: nameOut.slice(0, n[4]), value: valueOut.slice(0, n[6]) };
    } finally {
      nameOut.fill(0);
      valueOut.fill(0);
    }
  }

  get itemCount(): number {
    return this.cloak._call(Op.BATCH_ITEM_COUNT, [this.live(), null])[1];
  }

  /** The verified creator. */
  get signer(): Bytes {
    const out = new Uint8Array(this.cloak.sizes.identityPublicKeyBytes);
    this.cloak._call(Op.BATCH_SIGNER, [out, this.live()]);
    return out;
  }

  get epoch(): number {
    return this.cloak._call(Op.BATCH_EPOCH, [this.live(), null])[1];
  }

  get headVersion(): bigint {
    return getU64(this.cloak, Op.BATCH_HEAD_VERSION, this.live());
  }

  get headHash(): Bytes {
    const out = new Uint8Array(this.cloak.sizes.headHashBytes);
    this.cloak._call(Op.BATCH_HEAD_HASH, [out, this.live()]);
    return out;
  }

  /** Unix seconds. */
  get expiry(): bigint {
    return getU64(this.cloak, Op.BATCH_EXPIRY, this.live());
  }

  override wipe(): void {
    if (this.wiped) return;
    try {
      super.wipe();
    } finally {
      this.cloak._release(this.#tags);
    }
  }
}

/**
 * A verified vault head (cloak_head), holding the very bytes it was verified from (its successor
 * and roster lookups need them). check() it against the caller's minimums and clock before use.
 */
export class Head extends State {
  protected wipeOp = Op.HEAD_WIPE;
  constructor(cloak: Cloak, state: Pinned | Uint8Array, private readonly bytes: Bytes) {
    super(cloak, state);
  }

  /** A copy of the head's bytes. */
  get blob(): Bytes {
    this.live();
    return this.bytes.slice();
  }

  /**
   * Verifies the successor of this head: version + 1 (older or equal: CloakStaleError, a gap:
   * CloakMismatchError), chained to this head's hash (a fork: CloakMismatchError), the epoch kept
   * or raised by one, signed by a member this head's roster allows to make the change.
   */
  verifyNext(blob: Bytes): Head {
    return this.cloak._headVerifyNext(this.live(), this.bytes, blob);
  }

  /** Freshness: CloakStaleError below the minimums, CloakExpiredError past the expiry. */
  check(minEpoch: number, minVersion: U64, now: U64 = unixNow()): void {
    this.cloak._call(Op.HEAD_CHECK, [this.live(), u32(minEpoch, 'minEpoch'), u64(minVersion, 'minVersion'), u64(now, 'now')]);
  }

  get version(): bigint {
    return getU64(this.cloak, Op.HEAD_VERSION, this.live());
  }

  get epoch(): number {
    return this.cloak._call(Op.HEAD_EPOCH, [this.live(), null])[1];
  }

  /** Unix seconds. */
  get expiry(): bigint {
    return getU64(this.cloak, Op.HEAD_EXPIRY, this.live());
  }

  get leafCount(): number {
    return this.cloak._call(Op.HEAD_LEAF_COUNT, [this.live(), null])[1];
  }

  /** The vault policy bits: VaultPolicy.POST_QUANTUM_ONLY, or 0. */
  get policy(): number {
    return this.cloak._call(Op.HEAD_POLICY, [this.live(), null])[1];
  }

  private fixedOut(op: number, length: number): Bytes {
    const out = new Uint8Array(length);
    this.cloak._call(op, [out, this.live()]);
    return out;
  }

  get hash(): Bytes {
    return this.fixedOut(Op.HEAD_HASH, this.cloak.sizes.headHashBytes);
  }

  get merkleRoot(): Bytes {
    return this.fixedOut(Op.HEAD_MERKLE_ROOT, this.cloak.sizes.merkleHashBytes);
  }

  get vaultKeyId(): Bytes {
    return this.fixedOut(Op.HEAD_VAULT_KEY_ID, this.cloak.sizes.keyIdBytes);
  }

  get signer(): Bytes {
    return this.fixedOut(Op.HEAD_SIGNER, this.cloak.sizes.identityPublicKeyBytes);
  }

  /**
   * A key's roster entry: its permissions, and the suite and key id of its current encryption key
   * (absent: CloakMismatchError). `publicKey` is a member's identity key, or a service account's
   * public key (an X-Wing one is looked up by its key hash, as the roster holds it).
   */
  rosterFind(kind: number, publicKey: Bytes): { permissions: number; suite: SuiteId; encryptionKeyId: Bytes } {
    const encryptionKeyId = new Uint8Array(this.cloak.sizes.keyIdBytes);
    const key = bytes(publicKey, 'publicKey').length === this.cloak.sizes.xwingPublicKeyBytes ? this.cloak.keyBinding(publicKey) : publicKey;
    const n = this.cloak._call(Op.HEAD_ROSTER_FIND, [
      null, null, encryptionKeyId, this.live(), this.bytes, u32(kind, 'kind'),
      fixed(key, this.cloak.sizes.identityPublicKeyBytes, 'publicKey'),
    ]);
    return { permissions: n[0], suite: n[1] as SuiteId, encryptionKeyId };
  }

  /**
   * Before sealing a share or a batch (docs/protocol.md 10.8): the recipient's encryption public
   * key must be the one this head's roster names for the member (its identity key) or the service
   * account (null), in its suite and key id (CloakMismatchError: an older key, or one the roster
   * lacks), and an X-Wing key if the vault is post-quantum only (CloakPolicyError).
   */
  checkRecipient(memberIdentityPublicKey: Bytes | null, encryptionPublicKey: Bytes): void {
    const member = memberIdentityPublicKey === null || memberIdentityPublicKey === undefined ? null
      : fixed(memberIdentityPublicKey, this.cloak.sizes.identityPublicKeyBytes, 'memberIdentityPublicKey');
    this.cloak._call(Op.HEAD_CHECK_RECIPIENT, [this.live(), this.bytes, member, bytes(encryptionPublicKey, 'encryptionPublicKey')]);
  }

  /**
   * A share received by the member `recipientIdentityPublicKey`, before opening it: made to the
   * key this head's roster names for the member, in its suite, at this head's epoch
   * (CloakMismatchError), and of suite X-Wing if the vault is post-quantum only (CloakPolicyError).
   * Parsed, not verified: open it with shareOpen() too.
   */
  checkShare(recipientIdentityPublicKey: Bytes, share: Bytes): void {
    this.cloak._call(Op.HEAD_CHECK_SHARE, [
      this.live(), this.bytes, fixed(recipientIdentityPublicKey, this.cloak.sizes.identityPublicKeyBytes, 'recipientIdentityPublicKey'),
      bytes(share, 'share'),
    ]);
  }

  /**
   * A service account's batch, before verifying it: made to the key this head's roster names for a
   * service account, in its suite, at this head's epoch (CloakMismatchError), and of suite X-Wing
   * if the vault is post-quantum only (CloakPolicyError). Verify it with batchVerify() too.
   */
  checkBatch(batch: Bytes): void {
    this.cloak._call(Op.HEAD_CHECK_BATCH, [this.live(), this.bytes, bytes(batch, 'batch')]);
  }

  /** Checks that `leaf` is in this head's tree (CloakMismatchError if not). */
  verifyInclusion(leaf: Bytes, proof: Bytes): void {
    this.cloak._call(Op.MERKLE_VERIFY_INCLUSION, [
      this.live(), fixed(leaf, this.cloak.sizes.merkleLeafBytes, 'leaf'), bytes(proof, 'proof'),
    ]);
  }

  /** Checks that no leaf of this head's tree has `blindIndex` (CloakMismatchError if one may). */
  verifyAbsence(blindIndex: Bytes, proof: Bytes): void {
    this.cloak._call(Op.MERKLE_VERIFY_ABSENCE, [
      this.live(), fixed(blindIndex, this.cloak.sizes.blindIndexBytes, 'blindIndex'), bytes(proof, 'proof'),
    ]);
  }
}
/** An HPKE context (cloak_hpke_context): seal/open advance the sequence number. */
export class HpkeContext extends State {
  protected wipeOp = Op.HPKE_CONTEXT_WIPE;

  seal(plaintext: Bytes, aad: Bytes = new Uint8Array(0)): Bytes {
    const out = new Uint8Array(bytes(plaintext, 'plaintext').length + this.cloak.sizes.hpkeTagBytes);
    this.cloak._call(Op.HPKE_SEAL, [this.live(), out, bytes(aad, 'aad'), plaintext]);
    return out;
  }

  open(ciphertext: Bytes, aad: Bytes = new Uint8Array(0)): Bytes {
    const out = new Uint8Array(Math.max(0, bytes(ciphertext, 'ciphertext').length - this.cloak.sizes.hpkeTagBytes));
    this.cloak._call(Op.HPKE_OPEN, [this.live(), out, bytes(aad, 'aad'), ciphertext]);
    return out;
  }

  /** RFC 9180 Export (at most 8160 bytes). */
  export(exporterContext: Bytes, length: number): Bytes {
    const out = new Uint8Array(size(length, 'length'));
    this.cloak._call(Op.HPKE_EXPORT, [this.live(), out, bytes(exporterContext, 'exporterContext')]);
    return out;
  }
}
