// --json: the run report as JSON. One scenario → its report object; several → { passed, scenarios: [...] }.
import { writeFileSync } from 'node:fs';
import type { RunReport } from './model.ts';

export function jsonReport(reports: RunReport[]): string {
  const body = reports.length === 1 ? reports[0] : { passed: reports.every((r) => r.passed), scenarios: reports };
  return JSON.stringify(body, null, 2) + '\n';
}

export function writeJsonReport(file: string, reports: RunReport[]): void {
  writeFileSync(file, jsonReport(reports));
}
