// Progress during a run: a cli-progress bar on a TTY (simulated time, generated/landed, current rate),
// plain lines every couple of seconds otherwise (CI logs stay readable).
import cliProgress from 'cli-progress';
import type { Progress } from './run-scenario.ts';
import { formatDuration } from '../scenario/units.ts';

export interface ProgressView {
  update(p: Progress): void;
  stop(): void;
}

export function progressView(name: string, stream: NodeJS.WriteStream): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${name} {bar} {phase} {sim}/{dur} simulated | generated {generated} landed {landed} | {rate} rows/s`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { phase: p.phase.padEnd(10), sim: formatDuration(p.simulatedMs), dur: formatDuration(p.durationMs), generated: p.generated, landed: p.landed, rate: p.rate.toFixed(0) };
        // The bar measures alerts landed out of alerts generated; simulated time is in the text.
        const total = Math.max(1, p.generated);
        if (!started) {
          bar.start(total, p.landed, payload);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(p.landed, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let lastPhase = '';
  return {
    update(p) {
      const now = performance.now();
      if (p.phase === lastPhase && now - last < 2000) return;
      last = now;
      lastPhase = p.phase;
      stream.write(`${name}: ${p.phase} ${formatDuration(p.simulatedMs)}/${formatDuration(p.durationMs)} simulated, generated ${p.generated}, landed ${p.landed}, ${p.rate.toFixed(0)} rows/s\n`);
    },
    stop() {},
  };
}
