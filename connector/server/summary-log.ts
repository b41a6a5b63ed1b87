// A short info line every so often: what the connector did since the last one (polled, pushed,
// spooled, landed, dead-lettered, retried) and what is pending — so a running connector is not
// silent after "listening". Read from its own Prometheus counters.
import type { Logger } from 'pino';
import type { Metrics } from '../util/metrics.ts';

/** What the summary reads of a prom-client counter, whatever its labels. */
interface Counter {
  get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }>;
}

async function total(counter: Counter, keep: (labels: Record<string, unknown>) => boolean = () => true): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => keep(v.labels)).reduce((n, v) => n + v.value, 0);
}

async function totals(metrics: Metrics) {
  return {
    polled: await total(metrics.received, (l) => l.source !== 'push'),
    pushed: await total(metrics.received, (l) => l.source === 'push'),
    spooled: await total(metrics.spooled),
    landed: await total(metrics.delivered),
    deadLettered: await total(metrics.deadLettered),
    retrying: await total(metrics.retried),
  };
}

/** Logs the summary every `intervalMs` (0: never); returns the stop function. */
export function startSummaryLog(metrics: Metrics, log: Logger, intervalMs: number, pending: () => number): () => void {
  if (intervalMs <= 0) return () => {};
  let last = { polled: 0, pushed: 0, spooled: 0, landed: 0, deadLettered: 0, retrying: 0 };
  const timer = setInterval(() => {
    void totals(metrics).then((now) => {
      const since = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - last[k as keyof typeof last]]));
      last = now;
      log.info({ ...since, pending: pending() }, `summary: polled ${since.polled}, pushed ${since.pushed}, spooled ${since.spooled}, landed ${since.landed}, dead-lettered ${since.deadLettered}, retrying ${since.retrying}, pending ${pending()}`);
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
