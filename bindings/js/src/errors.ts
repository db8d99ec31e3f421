/**
 * Typed errors: every failure of a libcloak operation is a CloakError whose `code` is the C
 * library's cloak_status (negative), thrown as the subclass for that code, so callers can write
 * `catch (e) { if (e instanceof CloakAuthError) ... }` or switch on `e.code`.
 */

export const Status = {
  OK: 0,
  MALFORMED: -1,
  UNSUPPORTED_VERSION: -2,
  UNSUPPORTED_SUITE: -3,
  WRONG_TYPE: -4,
  WRONG_KEY: -5,
  AUTH: -6,
  BAD_SIGNATURE: -7,
  UNTRUSTED_SIGNER: -8,
  BUFFER_TOO_SMALL: -9,
  BAD_PARAMS: -10,
  INVALID_KEY: -11,
  CHECKSUM: -12,
  MISMATCH: -13,
  NOMEM: -14,
  INTERNAL: -15,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];
export type StatusName = keyof typeof Status;

export class CloakError extends Error {
  /** The cloak_status code (negative). */
  readonly code: number;
  /** The status's name, e.g. "AUTH". */
  readonly status: string;
  constructor(code: number, message?: string) {
    const name = statusName(code);
    super(message ?? name);
    this.code = code;
    this.status = name;
    this.name = new.target.name;
  }
}

export class CloakMalformedError extends CloakError {}
export class CloakUnsupportedVersionError extends CloakError {}
export class CloakUnsupportedSuiteError extends CloakError {}
export class CloakWrongTypeError extends CloakError {}
export class CloakWrongKeyError extends CloakError {}
export class CloakAuthError extends CloakError {}
export class CloakBadSignatureError extends CloakError {}
export class CloakUntrustedSignerError extends CloakError {}
export class CloakBufferTooSmallError extends CloakError {}
export class CloakBadParamsError extends CloakError {}
export class CloakInvalidKeyError extends CloakError {}
export class CloakChecksumError extends CloakError {}
export class CloakMismatchError extends CloakError {}
export class CloakNoMemError extends CloakError {}
export class CloakInternalError extends CloakError {}

const classes: Record<number, new (code: number, message?: string) => CloakError> = {
  [Status.MALFORMED]: CloakMalformedError,
  [Status.UNSUPPORTED_VERSION]: CloakUnsupportedVersionError,
  [Status.UNSUPPORTED_SUITE]: CloakUnsupportedSuiteError,
  [Status.WRONG_TYPE]: CloakWrongTypeError,
  [Status.WRONG_KEY]: CloakWrongKeyError,
  [Status.AUTH]: CloakAuthError,
  [Status.BAD_SIGNATURE]: CloakBadSignatureError,
  [Status.UNTRUSTED_SIGNER]: CloakUntrustedSignerError,
  [Status.BUFFER_TOO_SMALL]: CloakBufferTooSmallError,
  [Status.BAD_PARAMS]: CloakBadParamsError,
  [Status.INVALID_KEY]: CloakInvalidKeyError,
  [Status.CHECKSUM]: CloakChecksumError,
  [Status.MISMATCH]: CloakMismatchError,
  [Status.NOMEM]: CloakNoMemError,
  [Status.INTERNAL]: CloakInternalError,
};

export function statusName(code: number): string {
  for (const [k, v] of Object.entries(Status)) {
    if (v === code) return k;
  }
  return `UNKNOWN(${code})`;
}

/** The error for a status code, as the subclass for that code. */
export function errorFor(code: number, message?: string): CloakError {
  const C = classes[code] ?? CloakInternalError;
  return new C(code, message);
}
