export { USAGE_BATCH_RECORDS_MAX, USAGE_TOPIC, UsageProducer, usageEventValue, type Usage, type UsageProducerOptions } from './usage-producer';
