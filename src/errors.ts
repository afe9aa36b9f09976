// The catalogue of pbxboot's typed errors: one stable `code` each, the offending
// value, and an exit status the CLI maps to (DESIGN §6: 1 failure, 2 usage,
// 3 not found, 4 refused, 5 server unreachable).

export type ErrorCode =
  | 'E_CONFIG' // bad config key or value
  | 'E_USAGE' // bad command-line or API input
  | 'E_BAD_MAC'
  | 'E_NOT_FOUND'
  | 'E_CONFLICT' // duplicate name / MAC / id
  | 'E_TRANSITION' // illegal node state transition
  | 'E_REFUSED' // policy refused the operation
  | 'E_DB' // database unreachable or failed
  | 'E_UNREACHABLE' // pbxboot server not reachable
  | 'E_AUTH'
  | 'E_VALIDATION' // rendered config failed validation
  | 'E_CSV'
  | 'E_INTERNAL';

const exitCodes: Record<ErrorCode, number> = {
  E_CONFIG: 2,
  E_USAGE: 2,
  E_BAD_MAC: 2,
  E_NOT_FOUND: 3,
  E_CONFLICT: 4,
  E_TRANSITION: 4,
  E_REFUSED: 4,
  E_DB: 1,
  E_UNREACHABLE: 5,
  E_AUTH: 1,
  E_VALIDATION: 1,
  E_CSV: 2,
  E_INTERNAL: 1,
};

const httpStatuses: Record<ErrorCode, number> = {
  E_CONFIG: 400,
  E_USAGE: 400,
  E_BAD_MAC: 400,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_TRANSITION: 409,
  E_REFUSED: 409,
  E_DB: 503,
  E_UNREACHABLE: 503,
  E_AUTH: 401,
  E_VALIDATION: 422,
  E_CSV: 400,
  E_INTERNAL: 500,
};

export class PbxbootError extends Error {
  readonly code: ErrorCode;
  readonly value: unknown;
  constructor(code: ErrorCode, message: string, opts: { value?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PbxbootError';
    this.code = code;
    this.value = opts.value;
  }
  get exitCode(): number {
    return exitCodes[this.code];
  }
  get httpStatus(): number {
    return httpStatuses[this.code];
  }
}

export const isPbxbootError = (e: unknown): e is PbxbootError => e instanceof PbxbootError;

export function exitCodeFor(code: string): number {
  return (exitCodes as Record<string, number>)[code] ?? 1;
}

export function errorFromCode(code: string, message: string, value?: unknown): PbxbootError {
  const known = code in exitCodes ? (code as ErrorCode) : 'E_INTERNAL';
  return new PbxbootError(known, message, { value });
}
