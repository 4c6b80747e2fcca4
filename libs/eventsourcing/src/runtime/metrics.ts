import { Counter, Histogram, Meter, ObservableGauge, UpDownCounter } from '@opentelemetry/api';

/** The runtime's metrics; labels always carry the service, and the topic/partition/reason where they apply. */
export class RuntimeMetrics {
  readonly recordsIn: Counter;
  readonly recordsSkipped: Counter;
  readonly eventsOut: Counter;
  readonly deadLetters: Counter;
  readonly inputRetries: Counter;
  readonly limitRejections: Counter;
  readonly batchDuration: Histogram;
  readonly transactions: Counter;
  readonly rebuildRecords: Counter;
  readonly partitionsReady: UpDownCounter;
  readonly snapshotFailures: Counter;
  readonly snapshotDuration: Histogram;
  readonly snapshotBytes: Histogram;
  readonly lag: ObservableGauge;
  private readonly lagByPartition = new Map<string, { topic: string; partition: number; lag: number }>();

  constructor(meter: Meter, private readonly service: string) {
    this.recordsIn = meter.createCounter('runtime_records_in', { description: 'Input records processed (decided and appended)' });
    this.recordsSkipped = meter.createCounter('runtime_records_skipped', { description: 'Input records redelivered after a restart and skipped: their effect is already in the log' });
    this.eventsOut = meter.createCounter('runtime_events_out', { description: 'Events appended to the service event topic' });
    this.deadLetters = meter.createCounter('runtime_dead_letters', { description: 'Input records written to the dead-letter topic, by reason code' });
    this.limitRejections = meter.createCounter('runtime_limit_rejections', { description: 'Inputs rejected because a customer reached a configured limit (LIMIT_EXCEEDED), by limit' });
    this.inputRetries = meter.createCounter('runtime_input_retries', { description: 'Retries of an input whose mapping failed for a reason that is not the input\'s fault (registry outage), by error class' });
    this.batchDuration = meter.createHistogram('runtime_batch_duration_ms', { description: 'Decide + transactional append duration per batch', unit: 'ms' });
    this.transactions = meter.createCounter('runtime_transactions', { description: 'Kafka transactions by outcome' });
    this.rebuildRecords = meter.createCounter('runtime_rebuild_records', { description: 'Own-log records replayed while rebuilding state' });
    this.partitionsReady = meter.createUpDownCounter('runtime_partitions_ready', { description: 'Partitions whose state is rebuilt and live' });
    this.snapshotFailures = meter.createCounter('runtime_snapshot_failures', { description: 'Snapshots that could not be saved (logged; retried at the next threshold)' });
    this.snapshotDuration = meter.createHistogram('runtime_snapshot_duration_ms', { description: 'Duration of a snapshot save', unit: 'ms' });
    this.snapshotBytes = meter.createHistogram('runtime_snapshot_bytes', { description: 'Bytes of a saved snapshot', unit: 'By' });
    this.lag = meter.createObservableGauge('runtime_consumer_lag', { description: 'High watermark minus next offset to process, per input partition' });
    this.lag.addCallback((result) => {
      for (const entry of this.lagByPartition.values()) result.observe(entry.lag, { service: this.service, topic: entry.topic, partition: entry.partition });
    });
  }

  setLag(topic: string, partition: number, lag: number): void {
    this.lagByPartition.set(`${topic}:${partition}`, { topic, partition, lag });
  }

  labels(extra: Record<string, string | number> = {}): Record<string, string | number> {
    return { service: this.service, ...extra };
  }
}
