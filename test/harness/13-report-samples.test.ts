// Issue 13: a failed expectation's samples (the alerts that never landed, the requests that show why)
// appear in every report: terminal, JSON, JUnit and HTML.
import { describe, expect, it } from 'vitest';
import { terminalReport } from '../../harness/reports/terminal.ts';
import { jsonReport } from '../../harness/reports/json.ts';
import { junitReport } from '../../harness/reports/junit.ts';
import { htmlReport } from '../../harness/reports/html.ts';
import { sampleReport } from './sample-report.ts';

const failed = {
  name: 'landed: Antigena Email',
  passed: false,
  expected: '400 (every generated)',
  measured: '398',
  message: '2 of 400 Antigena Email alerts never landed (first ids: A.1, B 2)',
  samples: [
    { type: 'email', id: 'A.1', generated: 1, landed: 0 },
    { type: 'email', id: 'B 2', generated: 1, landed: 0 },
  ],
};
const report = sampleReport({ expectations: [{ name: 'duplicates', passed: true, expected: '≤ 0', measured: '0' }, failed] });

describe('samples of a failed expectation', () => {
  it('terminal: one line per sample under the failure', () => {
    const text = terminalReport(report, { colour: false });
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('✗ landed: Antigena Email'));
    expect(lines.slice(at + 1, at + 3)).toEqual(['      · type=email id=A.1 generated=1 landed=0', '      · type=email id="B 2" generated=1 landed=0']);
  });

  it('JSON: the samples as objects', () => {
    expect(JSON.parse(jsonReport([report])).expectations[1].samples).toEqual(failed.samples);
  });

  it('JUnit: the samples in the failure text', () => {
    expect(junitReport([report])).toContain('samples:\n  type=email id=A.1 generated=1 landed=0\n  type=email id=&quot;B 2&quot; generated=1 landed=0</failure>');
  });

  it('HTML: a table of the samples in the failed row', () => {
    const html = htmlReport([report]);
    expect(html).toContain('<table class="samples"><thead><tr><th>type</th><th>id</th><th>generated</th><th>landed</th></tr></thead><tbody><tr><td><code>email</code></td><td><code>A.1</code></td>');
  });
});
