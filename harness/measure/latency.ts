// Generated→landed latency, recorded in HDR histograms (hdr-histogram-js): one for the whole run and
// one per sampling interval (reset after each sample) for the latency-over-time chart.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../reports/model.ts';

function histogram(): hdr.Histogram {
  // 1 ms .. 1 h at 3 significant digits; autoResize keeps longer outliers instead of dropping them.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export class LatencyRecorder {
  private readonly total = histogram();
  private interval = histogram();

  /** Records one alert's latency in ms (clamped to ≥ 1 ms: the histogram's resolution). */
  record(ms: number): void {
    const v = Math.max(1, Math.round(ms));
    this.total.recordValue(v);
    this.interval.recordValue(v);
  }

  get count(): number {
    return this.total.totalCount;
  }

  summary(): LatencySummary {
    return summarise(this.total);
  }

  /** The interval's p50 and max, then a fresh interval histogram; undefined when nothing landed. */
  takeInterval(): { p50: number; max: number } | undefined {
    const h = this.interval;
    this.interval = histogram();
    if (h.totalCount === 0) return undefined;
    return { p50: h.getValueAtPercentile(50), max: h.maxValue };
  }
}

function summarise(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { unit: 'ms', count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    unit: 'ms',
    count: h.totalCount,
    min: h.minNonZeroValue,
    mean: Math.round(h.mean * 10) / 10,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
  };
}
