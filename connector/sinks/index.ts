// Picks the sink implementation for `sentinel.mode` (a discriminated union: add a case per mode).
import type { SentinelConfig } from '../config/types.ts';
import { createDataCollectorSink } from './data-collector/sink.ts';
import { createLogsIngestionSink } from './logs-ingestion/sink.ts';
import type { Sink, SinkObserver } from './sink.ts';
import type { SigningClock } from '../util/signing-clock.ts';

/** `clock` signs SharedKey dates; the Logs Ingestion sink signs nothing itself (Entra bearer tokens). */
export function createSink(cfg: SentinelConfig, observer?: SinkObserver, clock?: SigningClock): Sink {
  switch (cfg.mode) {
    case 'dataCollector':
      return createDataCollectorSink(cfg, observer, clock);
    case 'logsIngestion':
      return createLogsIngestionSink(cfg, observer);
  }
}
