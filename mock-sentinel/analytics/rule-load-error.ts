// A rule file the lab refuses: every problem with its file, key path and reason, never a silent skip.
export interface RuleProblem {
  file: string;
  /** Key path in the rule (`incidentConfiguration.groupingConfiguration.matchingMethod`), or `(file)`. */
  key: string;
  reason: string;
}

export class RuleLoadError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.key}: ${p.reason}`).join('\n'));
    this.name = 'RuleLoadError';
  }
}
