// The KQL corpus: each query with the exact answer it must give on the fixture rows (fixture.ts),
// at now() = 2024-01-15T12:00:00Z, restricted to the default workspace. Shared by the engine test,
// the HTTP route test and the web page test. `ordered: false` compares rows as a multiset.
import { INCIDENT_A, INCIDENT_B } from './fixture.ts';

export interface CorpusCase {
  name: string;
  query: string;
  timespan?: string;
  columns: [string, string][];
  rows: unknown[][];
  ordered: boolean;
}

const T = 'darktrace_model_alerts_CL';
const SSL = 'Possible SSL Command and Control';

export const CORPUS: CorpusCase[] = [
  {
    name: 'parse_json(tags_s) with [index] and array_length',
    query: `${T} | where dtProduct_s == "Antigena Email" | project title_s, tags = parse_json(tags_s), firstTag = tostring(parse_json(tags_s)[0]), n = array_length(parse_json(tags_s)) | sort by title_s asc`,
    columns: [['title_s', 'string'], ['tags', 'dynamic'], ['firstTag', 'string'], ['n', 'long']],
    rows: [
      ['Invoice overdue', '["Spam"]', 'Spam', 1],
      ['Weekly newsletter', '[]', '', 0],
    ],
    ordered: true,
  },
  {
    name: 'set_has_element(parse_json(actions_s), "Hold")',
    query: `${T} | where set_has_element(parse_json(actions_s), "Hold") | project title_s, actions = parse_json(actions_s)`,
    columns: [['title_s', 'string'], ['actions', 'dynamic']],
    rows: [['Invoice overdue', '["Hold","Double Lock All Links"]']],
    ordered: true,
  },
  {
    name: 'summarize max(groupScore_d) by externalId_g',
    query: `${T} | summarize max(groupScore_d) by externalId_g`,
    columns: [['externalId_g', 'guid'], ['max_groupScore_d', 'real']],
    rows: [
      [INCIDENT_A, 72],
      [INCIDENT_B, 55],
      [null, null],
    ],
    ordered: false,
  },
  {
    name: 'summarize count() by dtProduct_s names the column count_',
    query: `${T} | summarize count() by dtProduct_s`,
    columns: [['dtProduct_s', 'string'], ['count_', 'long']],
    rows: [['Policy Breach', 2], ['AI Analyst', 3], ['Antigena Email', 2], ['System Alert', 1]],
    ordered: false,
  },
  {
    name: 'bin(TimeGenerated, 1h) in summarize, sorted',
    query: `${T} | summarize count() by bin(TimeGenerated, 1h) | sort by TimeGenerated asc`,
    columns: [['TimeGenerated', 'datetime'], ['count_', 'long']],
    rows: [
      ['2024-01-15T09:00:00.000Z', 3],
      ['2024-01-15T10:00:00.000Z', 3],
      ['2024-01-15T11:00:00.000Z', 2],
    ],
    ordered: true,
  },
  {
    name: 'has is whole-term and case-insensitive; contains is a substring',
    query: `${T} | summarize a = countif(hostname_s has "alpha"), b = countif(hostname_s has "alp"), c = countif(hostname_s contains "ALP"), d = countif(hostname_s has "ws"), e = countif(hostname_s has_cs "ws"), f = countif(hostname_s !has "alpha"), g = countif(hostname_s !contains "corp"), h = countif(hostname_s has "ws-alpha")`,
    columns: [['a', 'long'], ['b', 'long'], ['c', 'long'], ['d', 'long'], ['e', 'long'], ['f', 'long'], ['g', 'long'], ['h', 'long']],
    rows: [[3, 0, 3, 4, 3, 5, 5, 3]],
    ordered: true,
  },
  {
    name: '== is case-sensitive, =~ is not; startswith/endswith ignore case',
    query: `${T} | summarize eq = countif(hostname_s == "ws-bravo"), eqi = countif(hostname_s =~ "ws-bravo"), ne = countif(hostname_s != "WS-BRAVO"), nei = countif(hostname_s !~ "ws-bravo"), sw = countif(hostname_s startswith "WS-"), ew = countif(hostname_s endswith ".LOCAL")`,
    columns: [['eq', 'long'], ['eqi', 'long'], ['ne', 'long'], ['nei', 'long'], ['sw', 'long'], ['ew', 'long']],
    rows: [[0, 1, 7, 7, 4, 3]],
    ordered: true,
  },
  {
    name: 'take without order',
    query: `${T} | where dtProduct_s == "System Alert" | take 5 | project title_s`,
    columns: [['title_s', 'string']],
    rows: [['Probe connectivity lost']],
    ordered: true,
  },
  {
    name: 'limit then count',
    query: `${T} | limit 3 | count`,
    columns: [['Count', 'long']],
    rows: [[3]],
    ordered: true,
  },
  {
    name: 'dynamic property access .prop, ["key"] and [index]',
    query: `${T} | where isnotempty(details_dyn) | project ip = tostring(details_dyn.device.ip), firstTag = tostring(details_dyn.device.tags[0]), ntags = array_length(details_dyn["device"]["tags"]) | sort by ip asc`,
    columns: [['ip', 'string'], ['firstTag', 'string'], ['ntags', 'long']],
    rows: [
      ['10.0.0.5', 'server', 2],
      ['10.0.0.6', '', 0],
    ],
    ordered: true,
  },
  {
    name: 'arg_max expands the listed columns',
    query: `${T} | where isnotempty(externalId_g) | summarize arg_max(groupScore_d, title_s, SourceIP) by externalId_g | sort by groupScore_d desc`,
    columns: [['externalId_g', 'guid'], ['groupScore_d', 'real'], ['title_s', 'string'], ['SourceIP', 'string']],
    rows: [
      [INCIDENT_A, 72, SSL, '10.0.0.5'],
      [INCIDENT_B, 55, 'Unusual Repeated Connections', '10.0.0.9'],
    ],
    ordered: true,
  },
  {
    name: 'arg_max(TimeGenerated, *) keeps the latest row per key',
    query: `${T} | summarize arg_max(TimeGenerated, *) by dtProduct_s | project dtProduct_s, TimeGenerated, title_s`,
    columns: [['dtProduct_s', 'string'], ['TimeGenerated', 'datetime'], ['title_s', 'string']],
    rows: [
      ['Policy Breach', '2024-01-15T09:20:00.000Z', ''],
      ['AI Analyst', '2024-01-15T10:30:00.000Z', 'Unusual Repeated Connections'],
      ['Antigena Email', '2024-01-15T11:15:00.000Z', 'Weekly newsletter'],
      ['System Alert', '2024-01-15T11:50:00.000Z', 'Probe connectivity lost'],
    ],
    ordered: false,
  },
  {
    name: 'arg_min by a key',
    query: `${T} | where isnotnull(score_d) | summarize arg_min(score_d, title_s) by dtProduct_s`,
    columns: [['dtProduct_s', 'string'], ['score_d', 'real'], ['title_s', 'string']],
    rows: [
      ['Policy Breach', 45, ''],
      ['Antigena Email', 30, 'Weekly newsletter'],
    ],
    ordered: false,
  },
  {
    name: 'count, dcount, sum, avg, min, max, percentile',
    query: `${T} | summarize n = count(), dc = dcount(dtProduct_s), sev = sum(Severity), bytes = sum(bytes_l), a = avg(score_d), earliest = min(TimeGenerated), latest = max(TimeGenerated), p = percentile(score_d, 50)`,
    columns: [['n', 'long'], ['dc', 'long'], ['sev', 'long'], ['bytes', 'long'], ['a', 'real'], ['earliest', 'datetime'], ['latest', 'datetime'], ['p', 'real']],
    rows: [[8, 4, 19, 6600, 61.25, '2024-01-15T09:05:00.000Z', '2024-01-15T11:50:00.000Z', 45]],
    ordered: true,
  },
  {
    name: 'make_set and make_list',
    query: `${T} | summarize products = make_set(dtProduct_s), all = make_list(dtProduct_s) by hostname_s | where hostname_s == "ws-alpha.corp.local" | project n = array_length(products), m = array_length(all), hasPB = set_has_element(products, "Policy Breach"), hasEmail = set_has_element(products, "Antigena Email")`,
    columns: [['n', 'long'], ['m', 'long'], ['hasPB', 'bool'], ['hasEmail', 'bool']],
    rows: [[2, 3, true, false]],
    ordered: true,
  },
  {
    name: 'make_set of one value per group',
    query: `${T} | where SourceIP == "10.0.0.9" | summarize products = make_set(dtProduct_s) by SourceIP`,
    columns: [['SourceIP', 'string'], ['products', 'dynamic']],
    rows: [['10.0.0.9', '["AI Analyst"]']],
    ordered: true,
  },
  {
    name: 'top by desc',
    query: `${T} | top 2 by score_d desc | project dtProduct_s, score_d`,
    columns: [['dtProduct_s', 'string'], ['score_d', 'real']],
    rows: [
      ['Antigena Email', 90],
      ['Policy Breach', 80],
    ],
    ordered: true,
  },
  {
    name: 'order by asc then take',
    query: `${T} | order by TimeGenerated asc | take 2 | project TimeGenerated`,
    columns: [['TimeGenerated', 'datetime']],
    rows: [['2024-01-15T09:05:00.000Z'], ['2024-01-15T09:20:00.000Z']],
    ordered: true,
  },
  {
    name: 'sort asc puts nulls first',
    query: `${T} | sort by score_d asc | project score_d | take 5`,
    columns: [['score_d', 'real']],
    rows: [[null], [null], [null], [null], [30]],
    ordered: true,
  },
  {
    name: 'distinct',
    query: `${T} | distinct dtProduct_s | sort by dtProduct_s asc`,
    columns: [['dtProduct_s', 'string']],
    rows: [['AI Analyst'], ['Antigena Email'], ['Policy Breach'], ['System Alert']],
    ordered: true,
  },
  {
    name: 'count operator',
    query: `${T} | where dtProduct_s == "AI Analyst" | count`,
    columns: [['Count', 'long']],
    rows: [[3]],
    ordered: true,
  },
  {
    name: 'extend, project-away, project-rename',
    query: `${T} | where dtProduct_s == "System Alert" | project TimeGenerated, hostname_s, title_s | extend host = toupper(hostname_s) | project-away hostname_s | project-rename Title = title_s`,
    columns: [['TimeGenerated', 'datetime'], ['Title', 'string'], ['host', 'string']],
    rows: [['2024-01-15T11:50:00.000Z', 'Probe connectivity lost', 'DT-23421-01']],
    ordered: true,
  },
  {
    name: 'mv-expand to typeof(string)',
    query: `${T} | where isnotempty(actions_s) | mv-expand action = parse_json(actions_s) to typeof(string) | summarize count() by action`,
    columns: [['action', 'string'], ['count_', 'long']],
    rows: [
      ['Hold', 1],
      ['Double Lock All Links', 2],
    ],
    ordered: false,
  },
  {
    name: 'union of differently shaped tables',
    query: `union (${T} | where dtProduct_s == "System Alert" | project title_s), (${T} | where dtProduct_s == "Antigena Email" | project title_s, score_d)`,
    columns: [['title_s', 'string'], ['score_d', 'real']],
    rows: [
      ['Probe connectivity lost', null],
      ['Invoice overdue', 90],
      ['Weekly newsletter', 30],
    ],
    ordered: false,
  },
  {
    name: 'join kind=inner on a column',
    query: `${T} | where dtProduct_s == "AI Analyst" | project SourceIP, title_s | join kind=inner (${T} | where dtProduct_s == "Policy Breach" | project SourceIP, modelName_s) on SourceIP`,
    columns: [['SourceIP', 'string'], ['title_s', 'string'], ['SourceIP1', 'string'], ['modelName_s', 'string']],
    rows: [
      ['10.0.0.5', SSL, '10.0.0.5', 'Device / Suspicious Domain'],
      ['10.0.0.5', SSL, '10.0.0.5', 'Device / Suspicious Domain'],
    ],
    ordered: false,
  },
  {
    name: 'join kind=leftouter keeps unmatched left rows',
    query: `${T} | where dtProduct_s == "AI Analyst" | project SourceIP, title_s | join kind=leftouter (${T} | where dtProduct_s == "Policy Breach" | project SourceIP, modelName_s) on SourceIP`,
    columns: [['SourceIP', 'string'], ['title_s', 'string'], ['SourceIP1', 'string'], ['modelName_s', 'string']],
    rows: [
      ['10.0.0.5', SSL, '10.0.0.5', 'Device / Suspicious Domain'],
      ['10.0.0.5', SSL, '10.0.0.5', 'Device / Suspicious Domain'],
      ['10.0.0.9', 'Unusual Repeated Connections', '', ''],
    ],
    ordered: false,
  },
  {
    name: 'join kind=leftanti with $left/$right',
    query: `${T} | where dtProduct_s == "AI Analyst" | join kind=leftanti (${T} | where dtProduct_s == "Policy Breach" | project ip = SourceIP) on $left.SourceIP == $right.ip | project SourceIP, title_s`,
    columns: [['SourceIP', 'string'], ['title_s', 'string']],
    rows: [['10.0.0.9', 'Unusual Repeated Connections']],
    ordered: true,
  },
  {
    name: 'let statements: a scalar and a table',
    query: `let threshold = 50;\nlet hot = ${T} | where score_d > threshold | project dtProduct_s;\nhot | summarize count() by dtProduct_s`,
    columns: [['dtProduct_s', 'string'], ['count_', 'long']],
    rows: [
      ['Policy Breach', 1],
      ['Antigena Email', 1],
    ],
    ordered: false,
  },
  {
    name: 'toscalar in a let',
    query: `let top = toscalar(${T} | summarize max(score_d));\n${T} | where score_d == top | project title_s`,
    columns: [['title_s', 'string']],
    rows: [['Invoice overdue']],
    ordered: true,
  },
  {
    name: 'make-series with default and by',
    query: `${T} | make-series n = count() default = 0 on TimeGenerated from datetime(2024-01-15T09:00:00Z) to datetime(2024-01-15T12:00:00Z) step 1h by dtProduct_s | sort by dtProduct_s asc`,
    columns: [['dtProduct_s', 'string'], ['n', 'dynamic'], ['TimeGenerated', 'dynamic']],
    rows: ['AI Analyst', 'Antigena Email', 'Policy Breach', 'System Alert'].map((p, i) => [
      p,
      ['[1,2,0]', '[0,1,1]', '[2,0,0]', '[0,0,1]'][i],
      '["2024-01-15T09:00:00.000Z","2024-01-15T10:00:00.000Z","2024-01-15T11:00:00.000Z"]',
    ]),
    ordered: true,
  },
  {
    name: 'in, !in, not, and/or',
    query: `${T} | where dtProduct_s in ("AI Analyst", "System Alert") and not(hostname_s in ("db-01")) or dtProduct_s !in ("AI Analyst", "System Alert", "Policy Breach", "Antigena Email") | project hostname_s | sort by hostname_s asc`,
    columns: [['hostname_s', 'string']],
    rows: [['dt-23421-01'], ['ws-alpha.corp.local'], ['ws-alpha.corp.local']],
    ordered: true,
  },
  {
    name: 'between and matches regex',
    query: `${T} | summarize b = countif(score_d between (40 .. 85)), nb = countif(score_d !between (40 .. 85)), r = countif(hostname_s matches regex @"^ws-[a-z]+\\.")`,
    columns: [['b', 'long'], ['nb', 'long'], ['r', 'long']],
    rows: [[2, 2, 3]],
    ordered: true,
  },
  {
    name: 'isempty, isnotempty, isnull, isnotnull',
    query: `${T} | summarize e = countif(isempty(modelName_s)), ne = countif(isnotempty(modelName_s)), nl = countif(isnull(score_d)), nn = countif(isnotnull(score_d)), sn = countif(isnull(modelName_s))`,
    columns: [['e', 'long'], ['ne', 'long'], ['nl', 'long'], ['nn', 'long'], ['sn', 'long']],
    rows: [[6, 2, 4, 4, 0]],
    ordered: true,
  },
  {
    name: 'iff and case',
    query: `${T} | where isnotnull(score_d) | project level = case(score_d >= 80, "high", score_d >= 40, "medium", "low"), big = iff(score_d > 50, true, false) | sort by level asc`,
    columns: [['level', 'string'], ['big', 'bool']],
    rows: [['high', true], ['high', true], ['low', false], ['medium', false]],
    ordered: true,
  },
  {
    name: 'conversions: tostring, toint, tolong, todouble, toreal, tobool, todatetime',
    query: `print a = tostring(42), b = toint("17"), c = tolong("9000000000"), d = todouble("2.5"), e = toreal(3), f = tobool("true"), g = todatetime("2024-01-15T09:30:00Z"), h = tostring(1.0), i = tostring(todynamic('{"a":1}')), j = toint(2.9)`,
    columns: [['a', 'string'], ['b', 'int'], ['c', 'long'], ['d', 'real'], ['e', 'real'], ['f', 'bool'], ['g', 'datetime'], ['h', 'string'], ['i', 'string'], ['j', 'int']],
    rows: [['42', 17, 9000000000, 2.5, 3, true, '2024-01-15T09:30:00.000Z', '1', '{"a":1}', 2]],
    ordered: true,
  },
  {
    name: 'strings: strcat, split, extract, substring, tolower, toupper',
    query: `print a = strcat("a", 1, "-", true), b = split("a,b,c", ","), c = extract("id=([0-9]+)", 1, "x id=42 y"), d = substring("darktrace", 4, 5), e = tolower("AbC"), f = toupper("AbC"), g = extract("zz([0-9]+)", 1, "none")`,
    columns: [['a', 'string'], ['b', 'dynamic'], ['c', 'string'], ['d', 'string'], ['e', 'string'], ['f', 'string'], ['g', 'string']],
    rows: [['a1-true', '["a","b","c"]', '42', 'trace', 'abc', 'ABC', '']],
    ordered: true,
  },
  {
    name: 'datetimes: ago, now, datetime(), bin, startofday, format_datetime; coalesce',
    query: `print a = ago(1h), b = now(), c = datetime(2024-01-15 09:30:00), d = bin(datetime(2024-01-15T09:47:00Z), 15m), e = startofday(datetime(2024-01-15T09:30:00Z)), f = format_datetime(datetime(2024-01-15T09:05:03Z), "yyyy-MM-dd HH:mm:ss"), g = coalesce("", "x"), h = coalesce(long(null), 5)`,
    columns: [['a', 'datetime'], ['b', 'datetime'], ['c', 'datetime'], ['d', 'datetime'], ['e', 'datetime'], ['f', 'string'], ['g', 'string'], ['h', 'long']],
    rows: [['2024-01-15T11:00:00.000Z', '2024-01-15T12:00:00.000Z', '2024-01-15T09:30:00.000Z', '2024-01-15T09:45:00.000Z', '2024-01-15T00:00:00.000Z', '2024-01-15 09:05:03', 'x', 5]],
    ordered: true,
  },
  {
    name: 'where TimeGenerated > ago(1h)',
    query: `${T} | where TimeGenerated > ago(1h) | project title_s`,
    columns: [['title_s', 'string']],
    rows: [['Weekly newsletter'], ['Probe connectivity lost']],
    ordered: false,
  },
  {
    name: 'timespan PT1H filters TimeGenerated to the last hour',
    query: `${T} | count`,
    timespan: 'PT1H',
    columns: [['Count', 'long']],
    rows: [[2]],
    ordered: true,
  },
  {
    name: 'timespan start/end interval',
    query: `${T} | count`,
    timespan: '2024-01-15T09:00:00Z/2024-01-15T10:00:00Z',
    columns: [['Count', 'long']],
    rows: [[3]],
    ordered: true,
  },
  {
    name: 'timespan start/duration applies to every table of a join',
    query: `${T} | project SourceIP | join kind=inner (${T} | project SourceIP) on SourceIP | count`,
    timespan: '2024-01-15T10:00:00Z/PT1H',
    columns: [['Count', 'long']],
    rows: [[3]],
    ordered: true,
  },
  {
    name: 'datetime arithmetic gives a timespan',
    query: `${T} | where dtProduct_s == "System Alert" | project age = now() - TimeGenerated, later = TimeGenerated + 1d`,
    columns: [['age', 'timespan'], ['later', 'datetime']],
    rows: [['00:10:00', '2024-01-16T11:50:00.000Z']],
    ordered: true,
  },
];
