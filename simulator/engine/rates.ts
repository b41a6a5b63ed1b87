// Background noise rates per alert type (and for whole stories), in events per hour.
// SPEC syntax: comma-separated `type=N/unit` (unit s, m, h or d; `/h` when omitted), e.g.
// `modelBreach=600/h,email=2/m,aiAnalyst=0`. Types: modelBreach (alias breach), aiAnalyst (aia),
// systemAlert (system), email, story.

export interface Rates {
  modelBreach: number;
  aiAnalyst: number;
  systemAlert: number;
  email: number;
  story: number;
}

export const DEFAULT_RATES: Rates = { modelBreach: 120, aiAnalyst: 4, systemAlert: 1, email: 60, story: 0.25 };

const ALIASES: Record<string, keyof Rates> = {
  modelbreach: 'modelBreach', breach: 'modelBreach', modelbreaches: 'modelBreach',
  aianalyst: 'aiAnalyst', aia: 'aiAnalyst', incident: 'aiAnalyst',
  systemalert: 'systemAlert', system: 'systemAlert',
  email: 'email', emails: 'email',
  story: 'story', stories: 'story',
};

const PER_HOUR: Record<string, number> = { s: 3600, m: 60, h: 1, d: 1 / 24 };

export function parseRates(spec: string, base: Rates = DEFAULT_RATES): Rates {
  const rates = { ...base };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z]+)\s*=\s*(\d+(?:\.\d+)?)(?:\s*\/\s*(s|m|h|d))?$/.exec(part);
    if (!match) throw new Error(`invalid rate '${part}' (expected type=N/unit, e.g. modelBreach=600/h)`);
    const key = ALIASES[match[1]!.toLowerCase()];
    if (!key) throw new Error(`unknown alert type '${match[1]}' in rate '${part}' (modelBreach, aiAnalyst, systemAlert, email, story)`);
    rates[key] = Number(match[2]) * PER_HOUR[match[3] ?? 'h']!;
  }
  return rates;
}
