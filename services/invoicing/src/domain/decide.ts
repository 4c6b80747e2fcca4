import { isIsoDate } from '@billing/calendar';
import { InvariantViolation } from '@billing/eventsourcing';
import { Big, isCurrencyCode } from '@billing/money';
import { closeBillingDates } from './close-billing';
import type {
  ContractTerminationReceived,
  ContractVersionReceived,
  InvoicingCommand,
  LateUsageRatedReceived,
  PeriodRatedReceived,
  TrueUpCalculatedReceived,
} from './commands';
import { creditNoteFor } from './credit-notes';
import { InvalidTerms, InvoicingRejection, LimitExceeded, UnknownContract } from './errors';
import type { InvoicingEvent } from './events';
import { evolveInvoicing } from './evolve';
import {
  CONTRACTS_MAX,
  PENDING_LATE_USAGE_MAX,
  PENDING_TRUE_UPS_MAX,
  PRICE_LINES_MAX,
  RATED_PERIODS_MAX,
  TERMS_VERSIONS_MAX,
  type ContractRecord,
  type InvoicingConfig,
  type InvoicingState,
} from './state';
import { settleTrueUps } from './true-up';

function termsProblems(command: ContractVersionReceived): string[] {
  const { terms } = command;
  const problems: string[] = [];
  if (!isCurrencyCode(terms.currency)) problems.push(`unknown currency ${terms.currency}`);
  if (!isIsoDate(command.effectiveDate) || !isIsoDate(command.endDate) || command.effectiveDate >= command.endDate) problems.push('effectiveDate must be an ISO date before endDate');
  if (!isIsoDate(terms.startDate)) problems.push(`startDate ${terms.startDate} is not an ISO date`);
  if (!Number.isSafeInteger(terms.paymentTermsDays) || terms.paymentTermsDays < 0 || terms.paymentTermsDays > 365) problems.push('paymentTermsDays must be an integer in 0..365');
  if (terms.customer.taxExempt && terms.customer.taxExemptionCertificate === null) problems.push('a tax-exempt customer needs an exemption certificate');
  if (terms.priceLines.length > PRICE_LINES_MAX) problems.push(`more than ${PRICE_LINES_MAX} price lines`);
  return problems;
}

/** A jurisdiction the tax port cannot rate is rejected with the terms, not months later at the first invoice. */
function assertTaxable(command: ContractVersionReceived, config: InvoicingConfig): void {
  const { customer, sellerEntity, currency } = command.terms;
  config.taxProvider.rateFor({
    customerId: command.customerId,
    sellerEntity,
    jurisdiction: customer.taxJurisdiction,
    taxExempt: customer.taxExempt,
    exemptionCertificate: customer.taxExemptionCertificate,
    currency,
    invoiceDate: command.effectiveDate,
    taxableSubtotal: new Big(0),
  });
}

function noteVersion(state: InvoicingState, command: ContractVersionReceived, config: InvoicingConfig): InvoicingEvent[] {
  const record = state.contracts.get(command.contractId);
  if (record !== undefined && record.versions.some((version) => version.version >= command.version)) return [];
  const problems = termsProblems(command);
  if (problems.length > 0) throw new InvalidTerms(command.contractId, problems);
  assertTaxable(command, config);
  if (record === undefined && state.contracts.size >= CONTRACTS_MAX) throw new LimitExceeded('CONTRACTS_MAX', CONTRACTS_MAX, `contract ${command.contractId}`);
  if ((record?.versions.length ?? 0) >= TERMS_VERSIONS_MAX) throw new LimitExceeded('TERMS_VERSIONS_MAX', TERMS_VERSIONS_MAX, `version ${command.version} of ${command.contractId}`);
  const { type: _type, now, ...fields } = command;
  return [{ ...fields, type: 'ContractVersionNoted', notedAt: now }];
}

function noteTermination(state: InvoicingState, command: ContractTerminationReceived): InvoicingEvent[] {
  const record = state.contracts.get(command.contractId);
  if (record === undefined) throw new UnknownContract(command.contractId);
  if (record.terminationDate !== null && record.terminationDate <= command.effectiveDate) return [];
  const { customerId, contractId, effectiveDate, now } = command;
  return [{ type: 'ContractTerminationNoted', customerId, contractId, effectiveDate, notedAt: now }];
}

/** Rating's figures may arrive before the contract's terms (topics are not ordered): noted anyway, checked when terms are there. */
function ratedContract(state: InvoicingState, contractId: string, currency: string): ContractRecord | undefined {
  const record = state.contracts.get(contractId);
  const billedIn = record === undefined || record.versions.length === 0 ? null : record.versions[record.versions.length - 1].terms.currency;
  if (billedIn !== null && billedIn !== currency) {
    throw new InvoicingRejection('CURRENCY_MISMATCH', `contract ${contractId} bills in ${billedIn}, rating sent ${currency}`, { contractId });
  }
  if (record === undefined && state.contracts.size >= CONTRACTS_MAX) throw new LimitExceeded('CONTRACTS_MAX', CONTRACTS_MAX, `contract ${contractId}`);
  return record;
}

function notePeriod(state: InvoicingState, command: PeriodRatedReceived): InvoicingEvent[] {
  const record = ratedContract(state, command.contractId, command.currency);
  if (record?.ratedPeriods.has(command.periodId)) return [];
  if ((record?.ratedPeriods.size ?? 0) >= RATED_PERIODS_MAX) throw new LimitExceeded('RATED_PERIODS_MAX', RATED_PERIODS_MAX, `period ${command.periodId}`);
  const { customerId, contractId, periodId, periodStart, periodEnd, lines, now } = command;
  return [{ type: 'UsagePeriodNoted', customerId, contractId, periodId, periodStart, periodEnd, lines, notedAt: now }];
}

function noteLateUsage(state: InvoicingState, command: LateUsageRatedReceived): InvoicingEvent[] {
  const record = ratedContract(state, command.contractId, command.currency);
  if ((record?.pendingLateUsage.length ?? 0) >= PENDING_LATE_USAGE_MAX) throw new LimitExceeded('PENDING_LATE_USAGE_MAX', PENDING_LATE_USAGE_MAX, `late usage ${command.usageEventId}`);
  const { customerId, contractId, priceLineId, meterCode, periodId, usageEventId, quantity, amount, now } = command;
  return [{ type: 'LateUsageNoted', customerId, contractId, priceLineId, meterCode, periodId, usageEventId, quantity, amount, notedAt: now }];
}

function noteTrueUp(state: InvoicingState, command: TrueUpCalculatedReceived): InvoicingEvent[] {
  const record = ratedContract(state, command.contractId, command.currency);
  if ((record?.pendingTrueUps.length ?? 0) >= PENDING_TRUE_UPS_MAX) throw new LimitExceeded('PENDING_TRUE_UPS_MAX', PENDING_TRUE_UPS_MAX, `true-up ${command.poolId}`);
  const { customerId, contractId, poolId, poolStart, poolEnd, periodIds, lines, now } = command;
  return [{ type: 'TrueUpNoted', customerId, contractId, poolId, poolStart, poolEnd, periodIds, lines, notedAt: now }];
}

/** After any input: pass the billing dates that are due and ready, then settle the true-ups whose invoices are final. */
function thenBill(state: InvoicingState, noted: InvoicingEvent[], now: string, config: InvoicingConfig): InvoicingEvent[] {
  const afterNoted = noted.reduce(evolveInvoicing, state);
  const closed = closeBillingDates(afterNoted, now, config);
  return [...noted, ...closed.events, ...settleTrueUps(closed.state, now)];
}

export function decideInvoicing(command: InvoicingCommand, state: InvoicingState, config: InvoicingConfig): readonly InvoicingEvent[] {
  switch (command.type) {
    case 'ContractVersionReceived':
      return thenBill(state, noteVersion(state, command, config), command.now, config);
    case 'ContractTerminationReceived':
      return thenBill(state, noteTermination(state, command), command.now, config);
    case 'PeriodRatedReceived':
      return thenBill(state, notePeriod(state, command), command.now, config);
    case 'LateUsageRatedReceived':
      return noteLateUsage(state, command);
    case 'TrueUpCalculatedReceived':
      return thenBill(state, noteTrueUp(state, command), command.now, config);
    case 'IssueCreditNote':
      return [{ type: 'CreditNoteIssued', creditNote: creditNoteFor(state, command), issuedAt: command.now }];
    case 'ClockTicked':
      return thenBill(state, [], command.now, config);
    default: {
      const unknown: never = command;
      throw new InvariantViolation(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}
