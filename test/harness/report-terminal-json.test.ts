// Terminal summary (colours only on a TTY) and the --json report's contract fields.
import { describe, it, expect } from 'vitest';
import { terminalReport } from '../../harness/reports/terminal.ts';
import { jsonReport } from '../../harness/reports/json.ts';
import { sampleReport } from './sample-report.ts';

describe('terminal report', () => {
  it('shows each expectation with expected and measured, and no escape codes off a TTY', () => {
    const text = terminalReport(sampleReport(), { colour: false });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/FAIL\s+latency p99\s+≤ 100ms\s+460ms/);
    expect(text).toMatch(/ok\s+duplicates\s+≤ 0\s+0/);
    expect(text).toContain('✗ latency p99: p99 latency 460ms is over the bound 100ms');
    expect(text).toContain('FAIL sample <&> "quoted": 1 of 3 expectations failed');
  });

  it('colours the verdicts on a TTY', () => {
    const text = terminalReport(sampleReport(), { colour: true });
    expect(text).toContain('\u001b[31mFAIL\u001b[0m');
    expect(text).toContain('\u001b[32mok\u001b[0m');
  });
});

describe('JSON report', () => {
  it('one scenario: the report object with the design.md fields', () => {
    const body = JSON.parse(jsonReport([sampleReport()]));
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['scenario', 'passed', 'expectations', 'alerts', 'tables', 'latency', 'throughput']));
    expect(body.expectations[2]).toEqual({ name: 'latency p99', passed: false, expected: '≤ 100ms', measured: '460ms', message: 'p99 latency 460ms is over the bound 100ms' });
    expect(body.alerts['Antigena Email']).toEqual({ generated: 400, landed: 390, duplicates: 0, lost: 10 });
  });

  it('several scenarios: passed only if all passed', () => {
    const body = JSON.parse(jsonReport([sampleReport({ passed: true }), sampleReport({ passed: false })]));
    expect(body.passed).toBe(false);
    expect(body.scenarios).toHaveLength(2);
  });
});
