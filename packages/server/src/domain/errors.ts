// Typed domain errors. The domain never speaks HTTP; the HTTP layer maps each kind to a status code.

export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'conflict' | 'forbidden' | 'invalid';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** A state transition the state machine does not allow, or a concurrent change won the race. */
export class IllegalTransitionError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    readonly runId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super('illegal_transition', `run ${runId} is ${from}; it cannot move to ${to}`);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class AccessDeniedError extends DomainError {
  readonly kind = 'forbidden';
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
}
