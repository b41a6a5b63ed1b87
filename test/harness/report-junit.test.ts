// --junit: one testcase per expectation, valid against the JUnit XSD CI systems read (xmllint, real XSD validation).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { junitReport } from '../../harness/reports/junit.ts';
import { sampleReport } from './sample-report.ts';

const xsd = readFileSync(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8');

async function validate(xml: string) {
  return validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: xsd }] });
}

describe('JUnit report', () => {
  it('is valid against the JUnit XSD', async () => {
    const result = await validate(junitReport([sampleReport(), sampleReport({ scenario: 'second', passed: true, expectations: [] })]));
    expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the XSD check is real: a testcase without classname, or a count that is not a number, is rejected', async () => {
    const xml = junitReport([sampleReport()]);
    const noClassname = await validate(xml.replace(/ classname="[^"]*"/, ''));
    expect(noClassname.valid).toBe(false);
    expect(noClassname.errors[0]!.message).toMatch(/classname/);
    const badCount = await validate(xml.replace(/ tests="3"/, ' tests="three"'));
    expect(badCount.valid).toBe(false);
  });

  it('has one testcase per expectation, a failure element with the message for each failed one', () => {
    const xml = junitReport([sampleReport()]);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="sample &lt;&amp;&gt; &quot;quoted&quot;"');
    expect(xml).toContain('tests="3" failures="1" errors="0"');
    const failures = [...xml.matchAll(/<failure type="ExpectationFailed" message="([^"]*)"/g)].map((m) => m[1]);
    expect(failures).toEqual(['p99 latency 460ms is over the bound 100ms']);
  });

  it('a run error becomes an error testcase', async () => {
    const xml = junitReport([sampleReport({ error: 'mock failed to start: EADDRINUSE' })]);
    expect(xml).toContain('<error type="RunError" message="mock failed to start: EADDRINUSE">');
    expect((await validate(xml)).valid).toBe(true);
  });
});
