/**
 * A failure the user can act on. `code` is stable (the API returns it), `message` says what
 * happened and what to do. The API maps `status`; everything else treats it as data.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'invalid_input'
  | 'conflict'
  | 'idempotency_key_reused'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'too_many_attempts'
  | 'retention_period'
  | 'legal_hold';

const statusOf: Record<DomainErrorCode, number> = {
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  idempotency_key_reused: 422,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  too_many_attempts: 429,
  retention_period: 409,
  legal_hold: 409,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(readonly code: DomainErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.status = statusOf[code];
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError('not_found', `${what} ${id} does not exist in this organization.`);
