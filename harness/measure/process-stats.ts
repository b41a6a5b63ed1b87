// Resident memory and CPU time of a child process from /proc (Linux), so the harness measures the
// connector it spawned without asking the connector.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // USER_HZ on every mainstream Linux build
    }
  }
  return ticksPerSecond;
}

export interface ProcessSample {
  rssBytes: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
}

/** Parses /proc/<pid>/stat: fields after the parenthesised command name (which may hold spaces). */
export function parseStat(stat: string): { utimeTicks: number; stimeTicks: number } {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  return { utimeTicks: Number(rest[11]), stimeTicks: Number(rest[12]) };
}

/** Parses VmRSS from /proc/<pid>/status (kB) into bytes. */
export function parseStatusRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** A sample of the process, or undefined when it is gone (killed between samples). */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const { utimeTicks, stimeTicks } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssBytes = parseStatusRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { rssBytes, cpuSeconds: (utimeTicks + stimeTicks) / clockTicks() };
  } catch {
    return undefined;
  }
}
