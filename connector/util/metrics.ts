// Prometheus metrics on a per-instance registry (several connectors can run in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'dtconnector_' });
  const r = [registry];
  return {
    registry,
    received: new Counter({ name: 'dtconnector_alerts_received_total', help: 'Alerts received from Darktrace', labelNames: ['source'], registers: r }),
    filtered: new Counter({ name: 'dtconnector_alerts_filtered_total', help: 'Alerts dropped by the configured filters', labelNames: ['type', 'filter'], registers: r }),
    duplicates: new Counter({ name: 'dtconnector_alerts_deduplicated_total', help: 'Alerts seen again (poll overlap, or already spooled by another source) and skipped', labelNames: ['source'], registers: r }),
    spooled: new Counter({ name: 'dtconnector_records_spooled_total', help: 'Records appended to the durable spool', labelNames: ['type'], registers: r }),
    delivered: new Counter({ name: 'dtconnector_records_delivered_total', help: 'Records accepted by the sink (200)', labelNames: ['sink'], registers: r }),
    skipped: new Counter({ name: 'dtconnector_records_skipped_total', help: 'Records of a type the sink does not take (the activity streams at a Data Collector sink), passed by its cursor unsent', labelNames: ['sink', 'type'], registers: r }),
    retried: new Counter({ name: 'dtconnector_delivery_retries_total', help: 'Transient delivery failures retried', labelNames: ['sink', 'reason'], registers: r }),
    deadLettered: new Counter({ name: 'dtconnector_records_dead_lettered_total', help: 'Records or alerts written to the dead-letter file', labelNames: ['stage'], registers: r }),
    parkedRecords: new Gauge({ name: 'dtconnector_parked_records', help: 'Records set aside after a configuration-like error, per sink and target (stream or table), retried until stuckAfter', labelNames: ['sink', 'target'], registers: r }),
    configErrors: new Counter({ name: 'dtconnector_config_errors_total', help: 'Deliveries refused for a configuration-like reason (unknown stream or DCR, missing role, refused key or secret), per sink and target', labelNames: ['sink', 'target'], registers: r }),
    suspectedDuplicates: new Counter({ name: 'dtconnector_suspected_duplicates_total', help: 'Records re-sent after a crash between a 200 and the spool commit', registers: r }),
    sourceErrors: new Counter({ name: 'dtconnector_source_errors_total', help: 'Darktrace poll errors', labelNames: ['source', 'kind'], registers: r }),
    clockSkew: new Gauge({ name: 'dtconnector_appliance_clock_skew_seconds', help: "The connector's clock minus the Darktrace appliance's (GET /status time), last measured; positive: the connector runs ahead", registers: r }),
    spoolBytes: new Gauge({ name: 'dtconnector_spool_bytes', help: 'Bytes of spool segments on disk', registers: r }),
    spoolPending: new Gauge({ name: 'dtconnector_spool_pending_records', help: 'Records spooled and not yet delivered', registers: r }),
    sinkPending: new Gauge({ name: 'dtconnector_sink_pending_records', help: 'Records spooled that this sink has not settled yet (its own cursor)', labelNames: ['sink'], registers: r }),
    sinkEnabled: new Gauge({ name: 'dtconnector_sink_enabled', help: '1 while the sink delivers, 0 while it is disabled', labelNames: ['sink'], registers: r }),
    sinkLatency: new Histogram({
      name: 'dtconnector_sink_request_duration_seconds',
      help: 'Duration of each sink request',
      labelNames: ['sink', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
