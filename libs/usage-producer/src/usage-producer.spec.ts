import { AvroCodec, CatalogSchemaRegistry, loadSchemas } from '@billing/avro';
import { Big } from '@billing/money';
import type * as wire from '@billing/schemas';
import { usageEventValue } from './usage-producer';

const codec = new AvroCodec(new CatalogSchemaRegistry(loadSchemas()));

describe('usage producer values', () => {
  it('writes a usage as a usage.events.v1 value that decodes to the same usage', async () => {
    const value = usageEventValue(
      { eventId: 'u-1', customerId: 'cust-acme', meterCode: 'tokens', quantity: '1500.25', eventTime: '2026-01-15T10:00:00Z', properties: { model: 'large' } },
      new Date('2026-01-15T10:00:01Z'),
      1,
    );
    const decoded = await codec.decode<wire.UsageEvent>(await codec.encode('usage.events.v1-value', value), 'usage.events.v1-value');
    expect(decoded.value).toEqual({ ...value, occurredAt: '2026-01-15T10:00:00.000Z' });
    expect(decoded.value.payload['billing.usage.UsageRecorded'].quantity).toEqual(new Big('1500.25'));
  });

  it('refuses a quantity that is not a decimal and an invalid time', () => {
    const usage = { eventId: 'u', customerId: 'c', meterCode: 'm', quantity: 'NaN', eventTime: new Date('2026-01-01T00:00:00Z') };
    expect(() => usageEventValue(usage, new Date(), 1)).toThrow(expect.objectContaining({ reasonCode: 'INVALID_DECIMAL' }));
    expect(() => usageEventValue({ ...usage, quantity: '1', eventTime: 'soon' }, new Date(), 1)).toThrow(RangeError);
  });
});
