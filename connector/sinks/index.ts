// Picks the sink implementation for `sentinel.mode` (a discriminated union: add a case per mode).
import type { SentinelConfig } from '../config/types.ts';
import { createDataCollectorSink } from './data-collector/sink.ts';
import { createLogsIngestionSink } from './logs-ingestion/sink.ts';
import type { Sink, SinkObserver } from './sink.ts';

export function createSink(cfg: SentinelConfig, observer?: SinkObserver): Sink {
  switch (cfg.mode) {
    case 'dataCollector':
      return createDataCollectorSink(cfg, observer);
    case 'logsIngestion':
      return createLogsIngestionSink(cfg, observer);
  }
}
