import { AvroCodec } from '@billing/avro';
import { ProjectionDefinition, schemaNameFor } from '@billing/runtime';
import type * as wire from '@billing/schemas';
import { RATING_SERVICE_NAME, RATING_TOPICS } from './definition';
import { ratingEventFromWire } from './mappers';

export const RATING_CHARGES_TABLE = 'accrued_charges';
export const RATING_TRUE_UPS_TABLE = 'true_ups';

/**
 * Charges per customer, contract, billing period and price line: the real-time accrued amount, the period-final
 * amount once rated, and late usage rated after the close (kept apart: invoicing bills it as an adjustment). Pooled
 * true-ups in their own table. Every row carries the log position it reflects. Exact decimals (numeric), never rounded.
 */
export function ratingChargesProjection(
  codec: AvroCodec,
  service: string = RATING_SERVICE_NAME,
  eventTopic: string = RATING_TOPICS.events,
): ProjectionDefinition {
  const schema = `"${schemaNameFor(service)}"`;
  const charges = `${schema}.${RATING_CHARGES_TABLE}`;
  const trueUps = `${schema}.${RATING_TRUE_UPS_TABLE}`;
  const subject = `${RATING_TOPICS.events}-value`;
  const upsertCharge = `INSERT INTO ${charges} AS t (customer_id, contract_id, period_id, price_line_id, meter_code, currency, period_start, period_end,
      accrued_amount, late_amount, final_units, final_amount, rated_at, source_topic, source_partition, source_offset)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;
  return {
    name: 'accrued-charges',
    service,
    topics: [eventTopic],
    tables: [RATING_CHARGES_TABLE, RATING_TRUE_UPS_TABLE],
    ddl: [
      `CREATE TABLE IF NOT EXISTS ${charges} (
        customer_id text NOT NULL,
        contract_id text NOT NULL,
        period_id text NOT NULL,
        price_line_id text NOT NULL,
        meter_code text NOT NULL,
        currency char(3) NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        accrued_amount numeric NOT NULL DEFAULT 0,
        late_amount numeric NOT NULL DEFAULT 0,
        final_units numeric,
        final_amount numeric,
        rated_at timestamptz,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        PRIMARY KEY (customer_id, contract_id, period_id, price_line_id))`,
      `CREATE TABLE IF NOT EXISTS ${trueUps} (
        customer_id text NOT NULL,
        contract_id text NOT NULL,
        pool_id text NOT NULL,
        price_line_id text NOT NULL,
        currency char(3) NOT NULL,
        pool_start timestamptz NOT NULL,
        pool_end timestamptz NOT NULL,
        pooled_units numeric NOT NULL,
        pooled_amount numeric NOT NULL,
        charged_amount numeric NOT NULL,
        true_up_amount numeric NOT NULL,
        calculated_at timestamptz NOT NULL,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        PRIMARY KEY (customer_id, contract_id, pool_id, price_line_id))`,
    ],
    async apply(manager, record) {
      if (!record.value) return;
      const { value } = await codec.decode<wire.RatingEvent>(record.value, subject);
      const event = ratingEventFromWire(value);
      const source = [record.topic, record.partition, record.offset];
      switch (event.type) {
        case 'UsageRated':
          await manager.query(
            `${upsertCharge} ON CONFLICT (customer_id, contract_id, period_id, price_line_id) DO UPDATE SET
               accrued_amount = EXCLUDED.accrued_amount, rated_at = EXCLUDED.rated_at,
               source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
            [event.customerId, event.contractId, event.periodId, event.priceLineId, event.meterCode, event.currency, event.periodStart, event.periodEnd,
              event.accruedAmount.toFixed(), '0', null, null, event.ratedAt, ...source],
          );
          return;
        case 'LateUsageRated':
          await manager.query(
            `${upsertCharge} ON CONFLICT (customer_id, contract_id, period_id, price_line_id) DO UPDATE SET
               late_amount = t.late_amount + EXCLUDED.late_amount, rated_at = EXCLUDED.rated_at,
               source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
            [event.customerId, event.contractId, event.periodId, event.priceLineId, event.meterCode, event.currency, event.periodStart, event.periodEnd,
              '0', event.amount.toFixed(), null, null, event.ratedAt, ...source],
          );
          return;
        case 'PeriodRated':
          for (const line of event.lines) {
            await manager.query(
              `${upsertCharge} ON CONFLICT (customer_id, contract_id, period_id, price_line_id) DO UPDATE SET
                 final_units = EXCLUDED.final_units, final_amount = EXCLUDED.final_amount, rated_at = EXCLUDED.rated_at,
                 source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
              [event.customerId, event.contractId, event.periodId, line.priceLineId, line.meterCode, event.currency, event.periodStart, event.periodEnd,
                '0', '0', line.units.toFixed(), line.amount.toFixed(), event.ratedAt, ...source],
            );
          }
          return;
        case 'TrueUpCalculated':
          // Late usage after a true-up re-trues the pool: amounts add up, the pooled figures are the latest.
          for (const line of event.lines) {
            await manager.query(
              `INSERT INTO ${trueUps} AS t (customer_id, contract_id, pool_id, price_line_id, currency, pool_start, pool_end, pooled_units, pooled_amount,
                 charged_amount, true_up_amount, calculated_at, source_topic, source_partition, source_offset)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
               ON CONFLICT (customer_id, contract_id, pool_id, price_line_id) DO UPDATE SET
                 pooled_units = EXCLUDED.pooled_units, pooled_amount = EXCLUDED.pooled_amount, charged_amount = EXCLUDED.charged_amount,
                 true_up_amount = t.true_up_amount + EXCLUDED.true_up_amount, calculated_at = EXCLUDED.calculated_at,
                 source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
              [event.customerId, event.contractId, event.poolId, line.priceLineId, event.currency, event.poolStart, event.poolEnd, line.pooledUnits.toFixed(),
                line.pooledAmount.toFixed(), line.chargedAmount.toFixed(), line.amount.toFixed(), event.calculatedAt, ...source],
            );
          }
          return;
        default:
          return;
      }
    },
  };
}
