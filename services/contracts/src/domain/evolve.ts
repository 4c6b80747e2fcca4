import { UnknownEvent, invariant } from '@billing/eventsourcing';
import { ContractEvent } from './events';
import { Contract, ContractsState, TermsVersion } from './state';

export function evolve(state: ContractsState, event: ContractEvent): ContractsState {
  switch (event.type) {
    case 'ContractCreated': {
      const contract: Contract = {
        status: 'active',
        contractId: event.contractId,
        dealId: event.dealId,
        crmSource: event.crmSource,
        customerId: event.customerId,
        currency: event.terms.currency,
        startDate: event.effectiveDate,
        endDate: event.endDate,
        versions: [versionOf(event, 'created')],
      };
      return record(state, event.dealEventId, contract);
    }
    case 'ContractAmended':
    case 'ContractRenewed': {
      const contract = known(state, event.contractId);
      invariant(event.version === contract.versions.length + 1, `terms version ${event.version} out of order`);
      const version = versionOf(event, event.type === 'ContractAmended' ? 'amended' : 'renewed');
      return record(state, event.dealEventId, {
        ...contract,
        // An amendment may shorten or extend the term; a renewal extends it.
        endDate: event.endDate,
        versions: [...contract.versions, version],
      });
    }
    case 'ContractTerminated': {
      const contract = known(state, event.contractId);
      return record(state, event.dealEventId, {
        ...contract,
        status: 'terminated',
        terminatedOn: event.effectiveDate,
        terminationReason: event.reason,
        terminatedAt: event.occurredAt,
      });
    }
    default:
      throw new UnknownEvent(event);
  }
}

function versionOf(
  event: Extract<ContractEvent, { version: number }>,
  cause: TermsVersion['cause'],
): TermsVersion {
  return {
    contractId: event.contractId,
    version: event.version,
    cause,
    effectiveDate: event.effectiveDate,
    endDate: event.endDate,
    recordedAt: event.occurredAt,
    dealEventId: event.dealEventId,
    terms: event.terms,
  };
}

function known(state: ContractsState, contractId: string): Contract {
  const contract = state.contracts[contractId];
  invariant(contract !== undefined, `event for unknown contract ${contractId}`);
  return contract;
}

function record(state: ContractsState, dealEventId: string, contract: Contract): ContractsState {
  return {
    contracts: { ...state.contracts, [contract.contractId]: contract },
    dealEventIds: { ...state.dealEventIds, [dealEventId]: contract.contractId },
    dealEventCount: state.dealEventCount + 1,
  };
}
