import { Decider, DomainError, fold } from '@billing/eventsourcing';

/**
 * given(events).when(command).then(events) | .thenRejects(reasonCode)
 * Pure: runs the decider with no I/O and no mocks.
 */
export function specFor<C, E, S>(decider: Decider<C, E, S>) {
  return function given(history: readonly E[]) {
    return {
      when(command: C) {
        const state = fold(decider, history);
        const run = () => decider.decide(command, state);
        return {
          then(expected: readonly E[]): void {
            expect(run()).toEqual(expected);
          },
          thenRejects(reasonCode: string): void {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(DomainError);
            expect((thrown as DomainError).reasonCode).toBe(reasonCode);
          },
          /** The events and the state after them, for assertions beyond equality. */
          result(): { events: readonly E[]; state: S } {
            const events = run();
            return { events, state: fold(decider, events, state) };
          },
        };
      },
      state(): S {
        return fold(decider, history);
      },
    };
  };
}
