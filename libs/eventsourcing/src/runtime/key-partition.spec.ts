import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { murmur2, partitionForKey } from './key-partition';

// kafkajs ships the Java client's murmur2 (with its own Long arithmetic); ours must agree with it byte for byte.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const kafkajsMurmur2: (key: Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2');

describe('partitionForKey (Java / kafkajs DefaultPartitioner)', () => {
  it('matches known values of the Java client', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from([97, 98, 99]))).toBe(479470107);
  });

  it('agrees with kafkajs murmur2 and its default partitioner on random keys', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 2000; i++) {
      const key = randomBytes(i % 40);
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      const partitionMetadata = Array.from({ length: 7 }, (_, partitionId) => ({ partitionId, leader: 0 })) as never;
      const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
      expect(partitionForKey(key, 7)).toBe(expected);
    }
    expect(partitionForKey('cust-acme-bank', 4)).toBe(partitionForKey(Buffer.from('cust-acme-bank'), 4));
  });
});
