import { context, Context, metrics, propagation, Meter, trace, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * OpenTelemetry bootstrap shared by every service: metrics for Prometheus (served by the service's own HTTP
 * server at /metrics), traces exported where OTEL_TRACES_EXPORTER says (none by default), and the W3C trace
 * context propagator so traces follow records across Kafka headers.
 */
export interface Telemetry {
  readonly serviceName: string;
  readonly meter: Meter;
  readonly tracer: Tracer;
  /** Writes the Prometheus exposition of every metric; mount at GET /metrics. */
  metricsHandler(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

export function startTelemetry(serviceName: string): Telemetry {
  if (started) return started;
  // No trace exporter unless asked for: a local run must not spam connection errors to a collector that is not there.
  process.env.OTEL_TRACES_EXPORTER ??= 'none';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const prometheus = new PrometheusExporter({ preventServerStart: true, prefix: 'billing' });
  const sdk = new NodeSDK({
    serviceName,
    metricReader: prometheus,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [],
  });
  sdk.start();
  started = {
    serviceName,
    meter: metrics.getMeter(serviceName),
    tracer: trace.getTracer(serviceName),
    metricsHandler: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      started = undefined;
      await sdk.shutdown();
    },
  };
  return started;
}

/** Meter and tracer without starting the SDK (no-op until someone starts it); used by libraries and tests. */
export function telemetryApi(name: string): { meter: Meter; tracer: Tracer } {
  return { meter: metrics.getMeter(name), tracer: trace.getTracer(name) };
}

const w3c = new W3CTraceContextPropagator();
type Headers = Record<string, Buffer | string | undefined | (Buffer | string)[]>;

const headerGetter = {
  keys: (carrier: Headers) => Object.keys(carrier),
  get: (carrier: Headers, key: string) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** Reads the W3C trace context (traceparent/tracestate) from Kafka headers. */
export function extractTraceContext(headers: Headers | undefined, parent: Context = context.active()): Context {
  return headers ? w3c.extract(parent, headers, headerGetter) : parent;
}

/** Writes the W3C trace context of `ctx` into Kafka headers. */
export function injectTraceContext(ctx: Context, headers: Record<string, string | Buffer>): Record<string, string | Buffer> {
  w3c.inject(ctx, headers, { set: (carrier, key, value) => { carrier[key] = value; } });
  return headers;
}

export { context, propagation, trace };
