// Samples the run every interval: cumulative generated/landed, landed rate, interval latency and the
// connector's RSS/CPU, into the series the HTML charts draw. Also keeps peaks and totals.
import type { SeriesPoint } from '../reports/model.ts';
import type { LatencyRecorder } from './latency.ts';
import { sampleProcess } from './process-stats.ts';

export interface SeriesSource {
  generated(): number;
  landed(): number;
  latency: LatencyRecorder;
  /** The connector child's pid, when there is one (changes across restarts). */
  connectorPid(): number | undefined;
  /** Seconds of the scenario's own clock since its start (the charts' x axis). */
  simulatedSeconds?(): number;
  /** Whether the traffic is over and the run is draining (drawn apart from the run). */
  draining?(): boolean;
}

export class SeriesSampler {
  readonly points: SeriesPoint[] = [];
  private readonly started = performance.now();
  private last = { t: 0, landed: 0 };
  private lastCpu: { pid: number; cpu: number; t: number } | undefined;
  rssMaxBytes: number | undefined;
  /** CPU seconds summed over every connector process seen (restarts included). */
  private cpuByPid = new Map<number, number>();

  constructor(private readonly source: SeriesSource) {}

  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  sample(): SeriesPoint {
    const t = this.elapsedSeconds();
    const landed = this.source.landed();
    const dt = t - this.last.t;
    const point: SeriesPoint = {
      t: Math.round(t * 1000) / 1000,
      generated: this.source.generated(),
      landed,
      landedPerSecond: dt > 0 ? Math.round(((landed - this.last.landed) / dt) * 10) / 10 : 0,
    };
    const sim = this.source.simulatedSeconds?.();
    if (sim !== undefined) point.sim = Math.round(sim * 1000) / 1000;
    if (this.source.draining?.()) point.phase = 'drain';
    const lat = this.source.latency.takeInterval();
    if (lat) {
      point.latencyP50 = lat.p50;
      point.latencyMax = lat.max;
    }
    const pid = this.source.connectorPid();
    if (pid !== undefined) {
      const s = sampleProcess(pid);
      if (s) {
        point.rssBytes = s.rssBytes;
        this.rssMaxBytes = Math.max(this.rssMaxBytes ?? 0, s.rssBytes);
        this.cpuByPid.set(pid, s.cpuSeconds);
        if (this.lastCpu && this.lastCpu.pid === pid && t > this.lastCpu.t) {
          point.cpuPercent = Math.round(((s.cpuSeconds - this.lastCpu.cpu) / (t - this.lastCpu.t)) * 1000) / 10;
        }
        this.lastCpu = { pid, cpu: s.cpuSeconds, t };
      }
    }
    this.last = { t, landed };
    this.points.push(point);
    return point;
  }

  get cpuSeconds(): number | undefined {
    return this.cpuByPid.size ? [...this.cpuByPid.values()].reduce((a, b) => a + b, 0) : undefined;
  }

  get peakPerSecond(): number {
    return Math.max(0, ...this.points.map((p) => p.landedPerSecond));
  }
}
