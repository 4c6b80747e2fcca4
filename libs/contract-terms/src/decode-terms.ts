import type * as wire from '@billing/schemas';
import { amountReader } from './decode-pricing';
import { priceLineFromWire } from './decode-lines';
import { wordOf } from './symbols';
import type { ContractTerms, Customer } from './terms';

function customerFromWire(customer: wire.ContractCustomer): Customer {
  return {
    customerId: customer.customerId,
    legalName: customer.legalName,
    billingAddress: { ...customer.billingAddress },
    taxJurisdiction: customer.taxJurisdiction,
    taxExempt: customer.taxExempt,
    taxExemptionCertificate: customer.taxExemptionCertificate,
    taxId: customer.taxId,
    contacts: customer.contacts.map((contact) => ({
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      role: wordOf('contactRole', contact.role, 'customer.contacts.role'),
    })),
  };
}

/** contracts.events.v1 terms in the vocabulary; every amount must be in the contract's currency. */
export function contractTermsFromWire(terms: wire.ContractTerms): ContractTerms {
  const amount = amountReader(terms.currency);
  return {
    customer: customerFromWire(terms.customer),
    sellerEntity: terms.sellerEntity,
    currency: terms.currency,
    startDate: terms.startDate,
    termMonths: terms.termMonths,
    billingCadence: wordOf('billingCadence', terms.billingCadence),
    billingAlignment: wordOf('billingAlignment', terms.billingAlignment),
    paymentTermsDays: terms.paymentTermsDays,
    purchaseOrderNumber: terms.purchaseOrderNumber,
    priceLines: terms.priceLines.map((line) => priceLineFromWire(line, amount)),
    prepaidCredits: terms.prepaidCredits.map((credit) => ({
      creditId: credit.creditId,
      meterCode: credit.meterCode,
      units: credit.units,
      pricePaid: amount(credit.pricePaid, `${credit.creditId}.pricePaid`),
      validFrom: credit.validFrom,
      expiresOn: credit.expiresOn,
      priority: credit.priority,
      lowBalanceUnits: credit.lowBalanceUnits,
    })),
    featureFlags: terms.featureFlags.map((flag) => ({ featureCode: flag.featureCode, enabled: flag.enabled })),
  };
}
