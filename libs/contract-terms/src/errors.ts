import { DomainError } from '@billing/eventsourcing';

/**
 * A contracts.events.v1 record the published language cannot read: an enum symbol it has no word for (a newer
 * writer's, or the schema's `Unknown` default) or an amount in another currency than the contract's. A DomainError,
 * so the consumer dead-letters that one record and carries on.
 */
export class ContractTermsUnreadable extends DomainError {
  constructor(reasonCode: 'UNKNOWN_SYMBOL' | 'CURRENCY_MISMATCH', message: string, details: Readonly<Record<string, string>> = {}) {
    super(reasonCode, message, details);
  }
}
