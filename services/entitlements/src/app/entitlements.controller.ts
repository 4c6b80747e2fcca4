import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { SERVICE_RUNTIME, ServiceRuntime } from '@billing/runtime';
import { balancesOf, FeatureBalance } from '../domain/balances';
import { EntitlementCommand } from '../domain/commands';
import { EntitlementEvent } from '../domain/events';
import { EntitlementsState } from '../domain/state';

export const CUSTOMER_ID_LENGTH_MAX = 200;

/** The JSON of GET /customers/:id/entitlements: amounts as exact decimal strings (Big's JSON), never numbers. */
export interface CustomerEntitlementsView {
  readonly customerId: string;
  /** the worker (Kafka partition) whose state answered */
  readonly partition: number;
  readonly features: readonly FeatureBalance[];
}

/**
 * Read-only view of the live balances, straight from the runtime's in-memory state (the fold of the log as of the
 * last committed transaction). Product code should prefer the compacted entitlements.balances.v1 topic as its cache;
 * this endpoint is for people and scripts.
 */
@Controller('customers')
export class EntitlementsController {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime<EntitlementCommand, EntitlementEvent, EntitlementsState>) {}

  @Get(':id/entitlements')
  entitlements(@Param('id') customerId: string): CustomerEntitlementsView {
    if (customerId.length === 0 || customerId.length > CUSTOMER_ID_LENGTH_MAX) throw new NotFoundException({ customerId, status: 'unknown customer' });
    for (const partition of this.runtime.assignedPartitions()) {
      const state = this.runtime.worker(partition)?.stateOf(customerId);
      if (state !== undefined) return { customerId, partition, features: balancesOf(state) };
    }
    throw new NotFoundException({ customerId, status: 'unknown customer' });
  }
}
