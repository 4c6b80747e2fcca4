import { AvroCodec } from '@billing/avro';
import { EventEnvelope, ProjectionDefinition, schemaNameFor } from '@billing/runtime';

/** Account balances for queries: one row per account, with the log position it reflects. */
export function sampleBalancesProjection(codec: AvroCodec, service = 'sample', eventTopic = 'sample.events.v1'): ProjectionDefinition {
  const table = `"${schemaNameFor(service)}".account_balances`;
  return {
    name: 'balances',
    service,
    topics: [eventTopic],
    tables: ['account_balances'],
    ddl: [
      `CREATE TABLE IF NOT EXISTS ${table} (
        account_id text PRIMARY KEY,
        balance numeric(38, 12) NOT NULL,
        events_applied bigint NOT NULL,
        last_event_id text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL)`,
    ],
    async apply(manager, record) {
      if (!record.value) return;
      const { value } = await codec.decode<EventEnvelope<Record<string, { balance: { toString(): string } }>>>(record.value, 'sample.events.v1-value');
      const payload = Object.values(value.payload)[0];
      await manager.query(
        `INSERT INTO ${table} (account_id, balance, events_applied, last_event_id, source_partition, source_offset)
         VALUES ($1, $2, 1, $3, $4, $5)
         ON CONFLICT (account_id) DO UPDATE SET balance = EXCLUDED.balance, events_applied = account_balances.events_applied + 1,
           last_event_id = EXCLUDED.last_event_id, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset`,
        [value.customerId, payload.balance.toString(), value.eventId, record.partition, record.offset],
      );
    },
  };
}
