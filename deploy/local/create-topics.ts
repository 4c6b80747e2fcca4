// Creates every topic declared in schemas/topics.json on the broker named by KAFKA_BROKERS (default the local stack).
// Run: npx ts-node -r tsconfig-paths/register --transpile-only deploy/local/create-topics.ts
import { Kafka } from 'kafkajs';
import { ensureTopics, kafkaConfigFromEnv, loadTopicDeclarations } from '@billing/kafka';

async function main(): Promise<void> {
  const declarations = loadTopicDeclarations();
  const kafka = new Kafka(kafkaConfigFromEnv('billing-create-topics'));
  const created = await ensureTopics(kafka, declarations);
  console.log(
    `topics: ${declarations.length} declared, ${created.length} created` + (created.length > 0 ? ` (${created.join(', ')})` : ''),
  );
}

main().catch((error: unknown) => {
  console.error('create-topics failed:', error);
  process.exit(1);
});
