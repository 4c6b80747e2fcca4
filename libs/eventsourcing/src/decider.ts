/**
 * The decider contract every service's pure domain core implements.
 *
 * decide(command, state) -> events   (or throws a DomainError)
 * evolve(state, event)   -> state
 * initialState
 *
 * No I/O, no clock reads, no random ids: time (`now`) and ids arrive on the command.
 * A decider's state is the fold of its events: evolve(...evolve(initialState, e1)..., en).
 */
export interface DomainEvent<TType extends string = string> {
  readonly type: TType;
}

export interface DomainCommand<TType extends string = string> {
  readonly type: TType;
  /** Platform time (ISO-8601 UTC) at which the command is decided; never read from a wall clock. */
  readonly now: string;
}

export interface Decider<TCommand, TEvent, TState> {
  readonly initialState: TState;
  decide(command: TCommand, state: TState): readonly TEvent[];
  evolve(state: TState, event: TEvent): TState;
}

/** Folds events onto a state with the decider's evolve. */
export function fold<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  events: readonly TEvent[],
  from: TState = decider.initialState,
): TState {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

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
