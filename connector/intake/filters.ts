// Filters like the Darktrace integration's: alert types, minimum score, model-name patterns,
// minimum AI Analyst group score. Returns the reason an alert is filtered out, or undefined.
import type { FiltersConfig } from '../config/types.ts';
import type { MappedAlert } from './types.ts';

/** `*` matches any run of characters; matching is case-insensitive on the whole name. */
function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

export function createFilter(cfg: FiltersConfig): (a: MappedAlert) => string | undefined {
  const include = cfg.modelNames.include.map(globToRegExp);
  const exclude = cfg.modelNames.exclude.map(globToRegExp);
  const types = new Set(cfg.alertTypes);
  // Names are compared in both spellings (`A::B` and `A / B`), so a pattern may use either.
  const spellings = (n: string) => [n, n.split('::').join(' / '), n.split(' / ').join('::')];
  return (a) => {
    if (!types.has(a.type)) return 'alertType';
    if (a.score < cfg.minScore) return 'minScore';
    if (a.type === 'Policy Breach' && a.modelName !== undefined) {
      const names = spellings(a.modelName);
      if (include.length && !include.some((re) => names.some((n) => re.test(n)))) return 'modelNameInclude';
      if (exclude.some((re) => names.some((n) => re.test(n)))) return 'modelNameExclude';
    }
    if (a.type === 'AI Analyst' && (a.groupScore ?? 0) < cfg.minAiAnalystGroupScore) return 'minAiAnalystGroupScore';
    return undefined;
  };
}
