import { addMonths } from '@billing/calendar';
import { usageLinesOf } from '@billing/contract-terms';
import { Big } from '@billing/money';
import { ratingPeriodIdsIn, type DateRange } from './billing-cycle';
import { contractStartOf, termsAt } from './contract-versions';
import type { DraftLine } from './recurring-lines';
import type { ContractRecord } from './state';

/** Rating's period ids are 'YYYY-MM' (calendar) or 'YYYY-MM-DD' (anniversary start): the dates a period covers. */
export function ratingPeriodRange(periodId: string): DateRange {
  const start = periodId.length === 7 ? `${periodId}-01` : periodId;
  return { start, end: addMonths(start, 1) };
}

/** 'usage for YYYY-MM': the label of a late-usage line (the month the usage belongs to). */
export function lateUsageLabel(periodId: string): string {
  return `usage for ${periodId.slice(0, 7)}`;
}

function usageDescription(record: ContractRecord, date: string, priceLineId: string, meterCode: string): string {
  return usageLinesOf(termsAt(record, date)).find((line) => line.lineId === priceLineId)?.description ?? meterCode;
}

/** The rated usage of every rating period in `range` (billed in arrears), one line per price line and period. */
export function usageLines(record: ContractRecord, range: DateRange): DraftLine[] {
  const lines: DraftLine[] = [];
  const alignment = termsAt(record, range.start).billingAlignment;
  for (const periodId of ratingPeriodIdsIn(range, alignment, contractStartOf(record))) {
    const service = ratingPeriodRange(periodId);
    for (const rated of record.ratedPeriods.get(periodId) ?? []) {
      lines.push({
        kind: 'usage',
        contractId: record.contractId,
        priceLineId: rated.priceLineId,
        description: usageDescription(record, service.start, rated.priceLineId, rated.meterCode),
        servicePeriodStart: service.start,
        servicePeriodEnd: service.end,
        usagePeriodId: periodId,
        quantity: rated.billableUnits,
        usage: {
          meterCode: rated.meterCode,
          units: rated.units,
          includedUnits: rated.includedUnits,
          creditUnitsApplied: rated.creditUnitsApplied,
          discountAmount: rated.discountAmount,
          minimumTopUpAmount: rated.minimumTopUpAmount,
        },
        amountExact: rated.amount,
      });
    }
  }
  return lines;
}

/** Late usage not yet invoiced, one line per period and price line: the re-rated difference rating computed. */
export function lateUsageLines(record: ContractRecord): DraftLine[] {
  const byKey = new Map<string, DraftLine>();
  for (const late of record.pendingLateUsage) {
    const key = `${late.periodId}|${late.priceLineId}`;
    const service = ratingPeriodRange(late.periodId);
    const previous = byKey.get(key);
    byKey.set(key, {
      kind: 'late_usage',
      contractId: record.contractId,
      priceLineId: late.priceLineId,
      description: lateUsageLabel(late.periodId),
      servicePeriodStart: service.start,
      servicePeriodEnd: service.end,
      usagePeriodId: late.periodId,
      quantity: (previous?.quantity ?? new Big(0)).plus(late.quantity),
      usage: null,
      amountExact: (previous?.amountExact ?? new Big(0)).plus(late.amount),
    });
  }
  return [...byKey.values()];
}

/** Positive true-ups (the pool cost more than its periods were charged), charged on the next invoice. */
export function trueUpChargeLines(record: ContractRecord): DraftLine[] {
  return record.pendingTrueUpCharges.flatMap((trueUp) =>
    trueUp.lines
      .filter((line) => line.amount.gt(0))
      .map((line) => ({
        kind: 'true_up' as const,
        contractId: record.contractId,
        priceLineId: line.priceLineId,
        description: `true-up ${trueUp.poolId} (${line.meterCode})`,
        servicePeriodStart: trueUp.poolStart.slice(0, 10),
        servicePeriodEnd: trueUp.poolEnd.slice(0, 10),
        usagePeriodId: null,
        quantity: null,
        usage: null,
        amountExact: line.amount,
      })),
  );
}
