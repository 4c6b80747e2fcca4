// Exit 0 once the broker answers a real metadata request (not just an open port), 1 after the deadline.
// Plain JavaScript so stack.sh can run it without compiling: node deploy/local/kafka-ready.js 127.0.0.1:9092 [deadlineMs]
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.argv[2] || '127.0.0.1:9092').split(',');
const deadlineMs = Number(process.argv[3] || 60000);

async function answers() {
  const kafka = new Kafka({ clientId: 'stack-ready', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

(async () => {
  const giveUpAt = Date.now() + deadlineMs;
  while (Date.now() < giveUpAt) {
    if (await answers()) process.exit(0);
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`kafka at ${brokers.join(',')} did not answer a metadata request within ${deadlineMs} ms`);
  process.exit(1);
})();
