import { mockRuleFault, commonRule } from './mock-rule.ts';

export const mockStatus = mockRuleFault(
  'mock.status',
  (f, ref) => ({ ...commonRule(f, ref), fault: f.status as 429 | 500 | 503, ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter } : {}) }),
  (f) => `${f.status}${f.retryAfter !== undefined ? ` Retry-After ${f.retryAfter}s` : ''}${f.probability !== undefined ? ` p=${f.probability}` : ''}${f.count ? ` ×${f.count}` : ''}`,
);
