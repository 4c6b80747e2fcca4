import { addDays, isIsoDate, isIsoInstant } from '@billing/calendar';
import { ContractCommand, DealAmended, DealCancelled, DealClosedWon, DealRenewed } from './commands';
import { reject } from './errors';
import { ContractAmended, ContractCreated, ContractEvent, ContractRenewed, ContractTerminated } from './events';
import { linePriceOn } from './queries';
import {
  CONTRACTS_PER_CUSTOMER_MAX,
  Contract,
  ContractsState,
  DEAL_EVENTS_PER_CUSTOMER_MAX,
  TERMS_VERSIONS_PER_CONTRACT_MAX,
  contractIdFor,
} from './state';
import { ContractTerms, PriceLine } from './terms';
import { validateTerms } from './validate-terms';

/**
 * decide(command, state): the contract events a deal event causes, or a typed rejection (DomainError).
 * Idempotency: a deal event id already applied is rejected with DUPLICATE_DEAL_EVENT (counted in the DLQ metric),
 * so the same CRM event takes effect exactly once.
 */
export function decide(command: ContractCommand, state: ContractsState): ContractEvent[] {
  if (!isIsoInstant(command.now)) throw reject('INVALID_DATE', `now ${JSON.stringify(command.now)} is not an ISO instant`);
  for (const [field, value] of [['dealEventId', command.dealEventId], ['dealId', command.dealId], ['crmSource', command.crmSource]]) {
    if (value.trim().length === 0) throw reject('MISSING_FIELD', `${field} is empty`, { field });
  }
  const appliedTo = state.dealEventIds[command.dealEventId];
  if (appliedTo !== undefined) {
    throw reject('DUPLICATE_DEAL_EVENT', `deal event ${command.dealEventId} was already applied`, {
      dealEventId: command.dealEventId,
      contractId: appliedTo,
    });
  }
  if (state.dealEventCount >= DEAL_EVENTS_PER_CUSTOMER_MAX) {
    throw reject('LIMIT_EXCEEDED', `more than ${DEAL_EVENTS_PER_CUSTOMER_MAX} deal events for one customer`);
  }
  const contract = state.contracts[contractIdFor(command.crmSource, command.dealId)];
  switch (command.type) {
    case 'DealClosedWon':
      return [closeWon(command, contract, state)];
    case 'DealAmended':
      return [amend(command, existing(contract, command))];
    case 'DealRenewed':
      return [renew(command, existing(contract, command))];
    case 'DealCancelled':
      return [cancel(command, existing(contract, command))];
    default: {
      const unknown: never = command;
      throw reject('MISSING_FIELD', `unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function closeWon(command: DealClosedWon, contract: Contract | undefined, state: ContractsState): ContractCreated {
  const contractId = contractIdFor(command.crmSource, command.dealId);
  if (contract !== undefined) {
    throw reject('CONTRACT_ALREADY_EXISTS', `deal ${command.dealId} is already a contract`, { contractId });
  }
  const contracts = Object.values(state.contracts);
  if (contracts.length >= CONTRACTS_PER_CUSTOMER_MAX) {
    throw reject('LIMIT_EXCEEDED', `more than ${CONTRACTS_PER_CUSTOMER_MAX} contracts for one customer`);
  }
  const endDate = validateTerms(command.terms);
  const customerId = command.terms.customer.customerId;
  const other = contracts.find((known) => known.customerId !== customerId);
  if (other !== undefined) {
    throw reject('CUSTOMER_MISMATCH', `deal is for ${customerId}, this account is ${other.customerId}`, { customerId });
  }
  return {
    type: 'ContractCreated',
    contractId,
    dealId: command.dealId,
    crmSource: command.crmSource,
    dealEventId: command.dealEventId,
    customerId,
    occurredAt: command.now,
    version: 1,
    effectiveDate: command.terms.startDate,
    endDate,
    terms: command.terms,
  };
}

function amend(command: DealAmended, contract: Contract): ContractAmended {
  if (!isIsoDate(command.effectiveDate)) throw reject('INVALID_DATE', `effectiveDate ${JSON.stringify(command.effectiveDate)} is not a date`);
  const endDate = validateTerms(command.terms);
  sameParties(contract, command.terms);
  if (command.effectiveDate < contract.startDate || command.effectiveDate < command.terms.startDate) {
    throw reject('AMENDMENT_BEFORE_START', `amendment effective ${command.effectiveDate} precedes the start ${contract.startDate}`, {
      contractId: contract.contractId,
      effectiveDate: command.effectiveDate,
    });
  }
  if (command.effectiveDate >= endDate) {
    throw reject('AMENDMENT_AFTER_END', `amendment effective ${command.effectiveDate} is not before the end ${endDate}`, {
      contractId: contract.contractId,
    });
  }
  return {
    type: 'ContractAmended',
    ...eventBase(command, contract),
    version: nextVersion(contract),
    effectiveDate: command.effectiveDate,
    endDate,
    terms: command.terms,
  };
}

function renew(command: DealRenewed, contract: Contract): ContractRenewed {
  const terms = command.terms ?? carryOver(latestTerms(contract), contract.endDate, command.termMonths);
  if (command.terms !== null && command.terms.termMonths !== command.termMonths) {
    throw reject('INVALID_TERM', `renewal of ${command.termMonths} months carries terms of ${command.terms.termMonths} months`);
  }
  if (isIsoDate(terms.startDate) && terms.startDate < contract.endDate) {
    throw reject('RENEWAL_OVERLAPS_TERM', `renewal starting ${terms.startDate} overlaps the term ending ${contract.endDate}`, {
      contractId: contract.contractId,
    });
  }
  const endDate = validateTerms(terms);
  sameParties(contract, terms);
  return {
    type: 'ContractRenewed',
    ...eventBase(command, contract),
    version: nextVersion(contract),
    effectiveDate: terms.startDate,
    previousEndDate: contract.endDate,
    endDate,
    terms,
  };
}

function cancel(command: DealCancelled, contract: Contract): ContractTerminated {
  if (!isIsoDate(command.effectiveDate)) throw reject('INVALID_DATE', `effectiveDate ${JSON.stringify(command.effectiveDate)} is not a date`);
  if (command.effectiveDate < contract.startDate) {
    throw reject('CANCELLATION_BEFORE_START', `cancellation effective ${command.effectiveDate} precedes the start ${contract.startDate}`, {
      contractId: contract.contractId,
    });
  }
  if (command.effectiveDate > contract.endDate) {
    throw reject('AMENDMENT_AFTER_END', `cancellation effective ${command.effectiveDate} is after the end ${contract.endDate}`, {
      contractId: contract.contractId,
    });
  }
  return { type: 'ContractTerminated', ...eventBase(command, contract), effectiveDate: command.effectiveDate, reason: command.reason };
}

function existing(contract: Contract | undefined, command: DealAmended | DealRenewed | DealCancelled): Contract {
  if (contract === undefined) {
    throw reject('UNKNOWN_DEAL', `${command.type} for deal ${command.dealId}, which never closed-won`, { dealId: command.dealId });
  }
  if (contract.status === 'terminated') {
    throw reject('CONTRACT_TERMINATED', `contract ${contract.contractId} was terminated on ${contract.terminatedOn}`, {
      contractId: contract.contractId,
    });
  }
  if (contract.versions.length >= TERMS_VERSIONS_PER_CONTRACT_MAX) {
    throw reject('LIMIT_EXCEEDED', `contract ${contract.contractId} has ${TERMS_VERSIONS_PER_CONTRACT_MAX} terms versions`);
  }
  return contract;
}

function sameParties(contract: Contract, terms: ContractTerms): void {
  if (terms.currency !== contract.currency) {
    throw reject('CURRENCY_MISMATCH', `contract ${contract.contractId} is in ${contract.currency}, the deal event in ${terms.currency}`, {
      contractId: contract.contractId,
      currency: terms.currency,
    });
  }
  if (terms.customer.customerId !== contract.customerId) {
    throw reject('CUSTOMER_MISMATCH', `contract ${contract.contractId} belongs to ${contract.customerId}`, {
      contractId: contract.contractId,
      customerId: terms.customer.customerId,
    });
  }
}

function eventBase(command: ContractCommand, contract: Contract) {
  return {
    contractId: contract.contractId,
    dealId: contract.dealId,
    crmSource: contract.crmSource,
    dealEventId: command.dealEventId,
    customerId: contract.customerId,
    occurredAt: command.now,
  };
}

function nextVersion(contract: Contract): number {
  return contract.versions.length + 1;
}

function latestTerms(contract: Contract): ContractTerms {
  return contract.versions[contract.versions.length - 1].terms;
}

/**
 * A renewal without new terms: the prices in force on the last day of the ending term carry over, flattened
 * (ramps are date-bound schedules of the old term and do not repeat).
 */
function carryOver(terms: ContractTerms, startDate: string, termMonths: number): ContractTerms {
  const lastDay = addDays(startDate, -1);
  const priceLines = terms.priceLines.map((line): PriceLine => {
    const price = linePriceOn(line, lastDay);
    switch (price.kind) {
      case 'recurring_fee':
        return { ...price, ramps: [] };
      case 'seats':
        return { ...price, ramps: [] };
      case 'usage':
        return { ...price, ramps: [] };
    }
  });
  return { ...terms, startDate, termMonths, priceLines };
}
