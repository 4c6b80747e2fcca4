import { AvroCodec } from '@billing/avro';
import type * as wire from '@billing/schemas';
import { EventEnvelope, ProjectionDefinition, schemaNameFor } from '@billing/runtime';
import type { EntityManager } from 'typeorm';
import { contractEventFromWire } from './mappers';
import { CONTRACTS_SERVICE_NAME, CONTRACTS_SUBJECTS, CONTRACTS_TOPICS } from './definition';

/**
 * Contract terms versions for finance, in PostgreSQL (the service's schema):
 * - contract_terms_versions: one row per terms version (created, amended, renewed), valid time
 *   [effective_from, effective_to) and transaction time recorded_at, with the whole terms as jsonb;
 * - contract_terminations: one row per terminated contract.
 * Every row carries the log position it reflects. Dropping both tables and replaying contracts.events.v1 rebuilds
 * them row for row (rows are keyed by contract and version, so a replay writes the same rows).
 *
 * "Which terms applied on date D" is termsOnDateSql(schema): the latest-recorded version whose valid time holds D,
 * one per contract, unless the contract was terminated on or before D. Optionally as known at an instant.
 */
export const CONTRACT_TERMS_PROJECTION = 'contract-terms';

export function contractTermsProjection(codec: AvroCodec, service = CONTRACTS_SERVICE_NAME, eventTopic = CONTRACTS_TOPICS.events): ProjectionDefinition {
  const schema = `"${schemaNameFor(service)}"`;
  return {
    name: CONTRACT_TERMS_PROJECTION,
    service,
    topics: [eventTopic],
    tables: ['contract_terms_versions', 'contract_terminations'],
    ddl: [
      `CREATE TABLE IF NOT EXISTS ${schema}.contract_terms_versions (
        contract_id text NOT NULL,
        version integer NOT NULL,
        customer_id text NOT NULL,
        cause text NOT NULL CHECK (cause IN ('created', 'amended', 'renewed')),
        effective_from date NOT NULL,
        effective_to date NOT NULL,
        recorded_at timestamptz NOT NULL,
        currency char(3) NOT NULL,
        deal_id text NOT NULL,
        crm_source text NOT NULL,
        deal_event_id text NOT NULL,
        event_id text NOT NULL,
        terms jsonb NOT NULL,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        PRIMARY KEY (contract_id, version),
        CHECK (effective_from < effective_to))`,
      `CREATE INDEX IF NOT EXISTS contract_terms_versions_customer ON ${schema}.contract_terms_versions (customer_id, effective_from)`,
      `CREATE TABLE IF NOT EXISTS ${schema}.contract_terminations (
        contract_id text PRIMARY KEY,
        customer_id text NOT NULL,
        effective_date date NOT NULL,
        recorded_at timestamptz NOT NULL,
        reason text NOT NULL,
        deal_event_id text NOT NULL,
        event_id text NOT NULL,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL)`,
    ],
    async apply(manager: EntityManager, record) {
      if (!record.value) return;
      const { value: envelope } = await codec.decode<EventEnvelope<wire.ContractEventPayload>>(record.value, CONTRACTS_SUBJECTS.events);
      const event = contractEventFromWire(envelope);
      const position = [record.topic, record.partition, record.offset];
      if (event.type === 'ContractTerminated') {
        await manager.query(
          `INSERT INTO ${schema}.contract_terminations
             (contract_id, customer_id, effective_date, recorded_at, reason, deal_event_id, event_id, source_topic, source_partition, source_offset)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (contract_id) DO NOTHING`,
          [event.contractId, event.customerId, event.effectiveDate, event.occurredAt, event.reason, event.dealEventId, envelope.eventId, ...position],
        );
        return;
      }
      const cause = event.type === 'ContractCreated' ? 'created' : event.type === 'ContractAmended' ? 'amended' : 'renewed';
      await manager.query(
        `INSERT INTO ${schema}.contract_terms_versions
           (contract_id, version, customer_id, cause, effective_from, effective_to, recorded_at, currency, deal_id, crm_source,
            deal_event_id, event_id, terms, source_topic, source_partition, source_offset)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (contract_id, version) DO NOTHING`,
        [
          event.contractId, event.version, event.customerId, cause, event.effectiveDate, event.endDate, event.occurredAt, event.terms.currency,
          event.dealId, event.crmSource, event.dealEventId, envelope.eventId,
          // Big serialises as its exact decimal string: no amount passes through a JS number.
          JSON.stringify(event.terms),
          ...position,
        ],
      );
    },
  };
}

/**
 * SQL: the terms in force on date $1 (YYYY-MM-DD), one row per contract, as known at $2 (timestamptz; NULL =
 * everything recorded), for customer $3 (NULL = every customer). Among versions whose [effective_from, effective_to) holds the date, the latest recorded
 * (highest version) wins; a termination known at $2 ends the contract from its effective date.
 */
export function termsOnDateSql(service = CONTRACTS_SERVICE_NAME): string {
  const schema = `"${schemaNameFor(service)}"`;
  return `SELECT DISTINCT ON (v.contract_id)
      v.contract_id, v.customer_id, v.version, v.cause, v.effective_from::text AS effective_from, v.effective_to::text AS effective_to,
      v.recorded_at, v.currency, v.terms, v.source_partition, v.source_offset::text AS source_offset
    FROM ${schema}.contract_terms_versions v
    LEFT JOIN ${schema}.contract_terminations t
      ON t.contract_id = v.contract_id AND ($2::timestamptz IS NULL OR t.recorded_at <= $2::timestamptz)
    WHERE v.effective_from <= $1::date AND $1::date < v.effective_to
      AND ($2::timestamptz IS NULL OR v.recorded_at <= $2::timestamptz)
      AND (t.effective_date IS NULL OR $1::date < t.effective_date)
      AND ($3::text IS NULL OR v.customer_id = $3::text)
    ORDER BY v.contract_id, v.version DESC`;
}

export interface TermsOnDateRow {
  contract_id: string;
  customer_id: string;
  version: number;
  cause: 'created' | 'amended' | 'renewed';
  effective_from: string;
  effective_to: string;
  recorded_at: Date;
  currency: string;
  /** the domain ContractTerms as JSON (amounts as decimal strings) */
  terms: Record<string, unknown>;
  source_partition: number;
  source_offset: string;
}

/** Runs termsOnDateSql: "which terms applied on `date`" (optionally as the platform knew it at `knownAt`). */
export async function termsOnDate(
  manager: Pick<EntityManager, 'query'>,
  date: string,
  options: { service?: string; knownAt?: string; customerId?: string } = {},
): Promise<TermsOnDateRow[]> {
  return manager.query(termsOnDateSql(options.service), [date, options.knownAt ?? null, options.customerId ?? null]);
}
