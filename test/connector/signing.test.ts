// DTAPI signing vectors (darktrace-api.md §1.4) and SharedKey vectors (azure-ingestion.md A4).
import { describe, expect, it } from 'vitest';
import { buildPathQuery, dtapiDate, dtapiSignature } from '../../connector/darktrace/dtapi-signature.ts';
import { authorizationHeader, decodeWorkspaceKey, rfc1123Date, sharedKeySignature } from '../../connector/sinks/data-collector/shared-key.ts';

const PUB = '3f6b2c1a9e8d7f6a5b4c3d2e1f0a9b8c';
const PRIV = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4';

describe('DTAPI-Signature test vectors (§1.4)', () => {
  const vectors: Array<[string, string, string]> = [
    ['/modelbreaches?starttime=1705309200000&endtime=1705311000000&minscore=0.5', '20240115T093000', '8492c0697c8bf859abca8b8a6436e97e5b3face0'],
    ['/aianalyst/incidentevents?includeacknowledged=true&starttime=1705309200000&endtime=1705311000000', '20240115T093000', '0d705bd0b195d8c7fcdb09e043f8c02d3bd4915c'],
    ['/status', '20240115T093000', '10147b003db74e45db2171ec66b510e096abd20c'],
    ['/modelbreaches/101/comments?{"message":"Test Comment"}', '20240115T093000', '709689c7d60a46414891b64ae167df8b4092312f'],
    ['/modelbreaches?from=2024-01-15 09:00:00&to=2024-01-15 09:30:00', '20240115T093000', 'bb9a160fb4971287ca733c94223d6b7d6857738a'],
    ['/aianalyst/acknowledge?uuid=04a3f36e-1111-2222-3333-444455556666', '20240115T093000', '751c29074497af4df2a1aa697efe3b8ebc294d24'],
    ['/agemail/api/v1.0/emails/search?{"page":0,"itemsPerPage":20,"timeFrom":1705309200,"timeTo":1705311000,"query":{"criteriaList":[{"apiFilter":"Email.Antigena Email Anomaly","value":"0","operator":">"}],"mode":"and"}}', '20240115T093000', '3aa9dcff1adec2cfbd8572def9c4e6788606a022'],
    ['/status', '2024-01-15 09:30:00', '14d0b073b54b0d0e7b3859e50c4163b945edffb5'],
    ['/status', '2024-01-15T09:30:00.123456+00:00', '6c4304f44f927256a0ac05c23a4874a0beda022f'],
  ];
  for (const [pq, date, sig] of vectors) {
    it(`signs ${pq.slice(0, 60)} @ ${date}`, () => expect(dtapiSignature(pq, PUB, PRIV, date)).toBe(sig));
  }

  it('signs the query unencoded and sends it percent-encoded (space → %20)', () => {
    const pq = buildPathQuery('/modelbreaches', [['from', '2024-01-15 09:00:00'], ['to', '2024-01-15 09:30:00']]);
    expect(pq.signed).toBe('/modelbreaches?from=2024-01-15 09:00:00&to=2024-01-15 09:30:00');
    expect(pq.sent).toBe('/modelbreaches?from=2024-01-15%2009:00:00&to=2024-01-15%2009:30:00');
    expect(dtapiSignature(pq.signed, PUB, PRIV, '20240115T093000')).toBe('bb9a160fb4971287ca733c94223d6b7d6857738a');
  });

  it('DTAPI-Date is the compact UTC form YYYYMMDDTHHMMSS', () => {
    expect(dtapiDate(new Date(Date.UTC(2024, 0, 15, 9, 30, 0, 999)))).toBe('20240115T093000');
  });
});

describe('SharedKey test vectors (A4)', () => {
  const key = decodeWorkspaceKey('SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==');
  const date = 'Mon, 04 Apr 2016 08:00:00 GMT';

  it('doc example string', () => expect(sharedKeySignature(key, 1024, date)).toBe('9WOOz5W3lYV8+wcm1hn0Z+Qbwms0CpeReXxZI4uyNik='));

  it('signs the UTF-8 byte length (22), not the character count (19)', () => {
    const body = '[{"msg":"héllo ✓"}]';
    expect(body.length).toBe(19);
    const len = Buffer.byteLength(body, 'utf8');
    expect(len).toBe(22);
    expect(authorizationHeader('97ce69d9-b4be-4241-8dbd-d265edcf06c4', key, len, date))
      .toBe('SharedKey 97ce69d9-b4be-4241-8dbd-d265edcf06c4:+4GnF2wxIZ2q7x9AEd50+77lrDxe9ig3RXwSdy5E+Jo=');
    expect(sharedKeySignature(key, 19, date)).toBe('XjuLxEi0vRLUFmWmKfcgKncuAl4V60w7Yr4F7TKGIu0=');
  });

  it('x-ms-date is RFC 1123 GMT', () => {
    expect(rfc1123Date(new Date(Date.UTC(2016, 3, 4, 8, 0, 0)))).toBe(date);
  });
});
