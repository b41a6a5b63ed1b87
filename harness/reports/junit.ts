// --junit: JUnit XML as Ant's formatter writes it and Jenkins, GitLab and GitHub reporters read it:
// <testsuites> → one <testsuite> per scenario → one <testcase> per expectation, <failure> when it failed.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunReport } from './model.ts';
import { escapeXml as x } from './xml.ts';
import { sampleLine } from './samples.ts';

export function junitReport(reports: RunReport[]): string {
  const tests = reports.reduce((n, r) => n + r.expectations.length + (r.error ? 1 : 0), 0);
  const failures = reports.reduce((n, r) => n + r.expectations.filter((e) => !e.passed).length, 0);
  const errors = reports.filter((r) => r.error).length;
  const time = reports.reduce((n, r) => n + r.wallSeconds, 0);
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<testsuites name="dtlab" tests="${tests}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`);
  reports.forEach((r, id) => {
    const f = r.expectations.filter((e) => !e.passed).length;
    const caseTime = r.expectations.length ? r.wallSeconds / r.expectations.length : 0;
    out.push(
      `  <testsuite name="${x(r.scenario)}" id="${id}" package="dtlab.scenarios" tests="${r.expectations.length + (r.error ? 1 : 0)}" ` +
        `failures="${f}" errors="${r.error ? 1 : 0}" skipped="0" time="${r.wallSeconds.toFixed(3)}" ` +
        `timestamp="${x(r.startedAt.replace(/\.\d+Z$/, ''))}" hostname="${x(hostname())}" file="${x(r.file)}">`,
    );
    out.push('    <properties>');
    out.push(`      <property name="seed" value="${r.seed}"/>`);
    out.push(`      <property name="simulated.start" value="${x(r.simulated.start)}"/>`);
    out.push(`      <property name="simulated.durationSeconds" value="${r.simulated.durationSeconds}"/>`);
    out.push(`      <property name="latency.p99.ms" value="${r.latency.p99}"/>`);
    out.push(`      <property name="throughput.landedPerSecond" value="${r.throughput.landedPerSecond.toFixed(1)}"/>`);
    out.push('    </properties>');
    if (r.error) {
      out.push(`    <testcase name="run" classname="${x(classname(r))}" time="0">`);
      out.push(`      <error type="RunError" message="${x(r.error)}">${x(r.error)}</error>`);
      out.push('    </testcase>');
    }
    for (const e of r.expectations) {
      out.push(`    <testcase name="${x(e.name)}" classname="${x(classname(r))}" time="${caseTime.toFixed(3)}">`);
      if (!e.passed) {
        const message = e.message ?? `expected ${e.expected}, measured ${e.measured}`;
        const samples = e.samples?.length ? `\nsamples:\n${e.samples.map((sm) => `  ${sampleLine(sm)}`).join('\n')}` : '';
        out.push(`      <failure type="ExpectationFailed" message="${x(message)}">${x(`expected: ${e.expected}\nmeasured: ${e.measured}\n${message}${samples}`)}</failure>`);
      }
      out.push(`      <system-out>${x(`expected: ${e.expected}; measured: ${e.measured}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push(`    <system-out>${x(summaryText(r))}</system-out>`);
    out.push('    <system-err></system-err>');
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function classname(r: RunReport): string {
  return `dtlab.${r.scenario.replace(/[^A-Za-z0-9_]+/g, '_')}`;
}

function summaryText(r: RunReport): string {
  const lines = Object.entries(r.alerts).map(
    ([k, a]) => `${k}: generated ${a.generated}, landed ${a.landed}, duplicates ${a.duplicates}, lost ${a.lost}`,
  );
  return [`scenario ${r.scenario} (${r.file}) ${r.passed ? 'passed' : 'failed'}`, ...lines].join('\n');
}

export function writeJunitReport(file: string, reports: RunReport[]): void {
  writeFileSync(file, junitReport(reports));
}
