import { AvroCodec } from '@billing/avro';
import { ProjectionDefinition, schemaNameFor } from '@billing/runtime';
import type * as wire from '@billing/schemas';
import { METERING_SERVICE_NAME, METERING_TOPICS } from './definition';
import { meteringEventFromWire } from './mappers';

export const METERING_AGGREGATES_TABLE = 'usage_period_aggregates';

/**
 * Per customer, contract, meter and billing period: sum, count and max of the usage counted in the period, the late
 * usage that arrived after it closed (kept apart: the closed figures are what was billed), and the log position
 * each row reflects. For dashboards; rebuilt from metering.usage.v1 alone.
 */
export function meteringAggregatesProjection(
  codec: AvroCodec,
  service: string = METERING_SERVICE_NAME,
  eventTopic: string = METERING_TOPICS.events,
): ProjectionDefinition {
  const table = `"${schemaNameFor(service)}".${METERING_AGGREGATES_TABLE}`;
  const subject = `${METERING_TOPICS.events}-value`;
  return {
    name: 'usage-period-aggregates',
    service,
    topics: [eventTopic],
    tables: [METERING_AGGREGATES_TABLE],
    ddl: [
      `CREATE TABLE IF NOT EXISTS ${table} (
        customer_id text NOT NULL,
        contract_id text NOT NULL,
        meter_code text NOT NULL,
        period_id text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        usage_sum numeric NOT NULL DEFAULT 0,
        usage_count bigint NOT NULL DEFAULT 0,
        usage_max numeric,
        late_sum numeric NOT NULL DEFAULT 0,
        late_count bigint NOT NULL DEFAULT 0,
        closed_at timestamptz,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        PRIMARY KEY (customer_id, contract_id, meter_code, period_id))`,
    ],
    async apply(manager, record) {
      if (!record.value) return;
      const { value } = await codec.decode<wire.MeteringEvent>(record.value, subject);
      const event = meteringEventFromWire(value);
      const source = [record.topic, record.partition, record.offset];
      switch (event.type) {
        case 'UsageAccepted':
          await manager.query(
            `INSERT INTO ${table} AS t (customer_id, contract_id, meter_code, period_id, period_start, period_end, usage_sum, usage_count, usage_max,
               source_topic, source_partition, source_offset)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $7, $8, $9, $10)
             ON CONFLICT (customer_id, contract_id, meter_code, period_id) DO UPDATE SET
               usage_sum = t.usage_sum + EXCLUDED.usage_sum, usage_count = t.usage_count + 1, usage_max = GREATEST(t.usage_max, EXCLUDED.usage_max),
               source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
            [event.customerId, event.contractId, event.meterCode, event.periodId, event.periodStart, event.periodEnd, event.quantity.toFixed(), ...source],
          );
          return;
        case 'LateUsageAccepted':
          await manager.query(
            `INSERT INTO ${table} AS t (customer_id, contract_id, meter_code, period_id, period_start, period_end, late_sum, late_count,
               source_topic, source_partition, source_offset)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10)
             ON CONFLICT (customer_id, contract_id, meter_code, period_id) DO UPDATE SET
               late_sum = t.late_sum + EXCLUDED.late_sum, late_count = t.late_count + 1,
               source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
            [event.customerId, event.contractId, event.meterCode, event.periodId, event.periodStart, event.periodEnd, event.quantity.toFixed(), ...source],
          );
          return;
        case 'PeriodClosed':
          // The close carries metering's own figures: they replace the running ones (equal unless rows were lost).
          for (const aggregate of event.aggregates) {
            await manager.query(
              `INSERT INTO ${table} AS t (customer_id, contract_id, meter_code, period_id, period_start, period_end, usage_sum, usage_count, usage_max,
                 closed_at, source_topic, source_partition, source_offset)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
               ON CONFLICT (customer_id, contract_id, meter_code, period_id) DO UPDATE SET
                 usage_sum = EXCLUDED.usage_sum, usage_count = EXCLUDED.usage_count, usage_max = EXCLUDED.usage_max, closed_at = EXCLUDED.closed_at,
                 source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
              [
                event.customerId, event.contractId, aggregate.meterCode, event.periodId, event.periodStart, event.periodEnd,
                aggregate.sum.toFixed(), aggregate.count, aggregate.max?.toFixed() ?? null, event.closedAt, ...source,
              ],
            );
          }
          return;
        default:
          return;
      }
    },
  };
}
