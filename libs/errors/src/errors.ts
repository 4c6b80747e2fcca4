/**
 * An expected rejection of a command or input (unknown customer, currency mismatch, duplicate...).
 * The runtime routes it to the service's dead-letter topic with `reasonCode`; it never stops the service.
 */
export class DomainError extends Error {
  constructor(
    readonly reasonCode: string,
    message: string,
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(`${reasonCode}: ${message}`);
    this.name = new.target.name;
  }
}

/**
 * A broken invariant (unbalanced journal, invoice total not equal to its lines). The runtime stops the
 * service on it: continuing would write wrong books.
 */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** Asserts an invariant; throws InvariantViolation (which stops the service) when it does not hold. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}

/** For exhaustive switches over event/command unions. */
export class UnknownEvent extends Error {
  constructor(event: never) {
    super(`unknown event: ${JSON.stringify(event)}`);
    this.name = 'UnknownEvent';
  }
}
