/**
 * The partition a key belongs to, exactly as Kafka's Java client (and kafkajs' DefaultPartitioner) computes it:
 * toPositive(murmur2(utf8(key))) % numPartitions. A service's state for a key lives on that partition, so every
 * producer to a platform topic must use this partitioner (librdkafka's default, consistent_random, does not).
 */
export function partitionForKey(key: string | Buffer, numPartitions: number): number {
  if (!Number.isSafeInteger(numPartitions) || numPartitions <= 0) throw new RangeError(`numPartitions ${numPartitions} is not a positive integer`);
  return (murmur2(Buffer.isBuffer(key) ? key : Buffer.from(key, 'utf8')) & 0x7fffffff) % numPartitions;
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): 32-bit int arithmetic, seed 0x9747b28c. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8) | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length % 4; // Java's switch falls through from 3 to 1
  if (rest >= 3) h ^= (data[tail + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
