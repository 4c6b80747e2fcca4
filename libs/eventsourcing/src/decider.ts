/**
 * The decider contract every service's pure domain core implements.
 *
 * decide(command, state) -> events   (or throws a DomainError)
 * evolve(state, event)   -> state
 * initialState()  -> a fresh state
 *
 * No I/O, no clock reads, no random ids: time (`now`) and ids arrive on the command.
 * A decider's state is the fold of its events: evolve(...evolve(initialState(), e1)..., en).
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
  /** A fresh state for an aggregate with no events yet (a function, as in Emmett: no state object is ever shared). */
  readonly initialState: () => TState;
  decide(command: TCommand, state: TState): readonly TEvent[];
  evolve(state: TState, event: TEvent): TState;
}

/** Folds events onto a state with the decider's evolve. */
export function fold<TCommand, TEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  events: readonly TEvent[],
  from: TState = decider.initialState(),
): TState {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

// The typed errors live in @billing/errors (below this library, so money and avro need not import the runtime);
// re-exported here so deciders keep one import.
export { DomainError, InvariantViolation, invariant, UnknownEvent } from '@billing/errors';
