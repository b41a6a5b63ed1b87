// The alert types a scenario's own traffic asks for (rates, bursts, the steps of its stories, alerts injected through the simulator):
// `landed: all` expects each of them to have been generated at least once.
import type { AlertType, Scenario } from '../scenario/types.ts';
import { findStoryDefinition, storyAlertTypes } from '../scenario/check-stories.ts';

export function declaredAlertTypes(s: Pick<Scenario, 'rates' | 'bursts' | 'stories'> & Partial<Pick<Scenario, 'injects'>>): AlertType[] {
  const types = new Set<AlertType>();
  for (const [type, rate] of Object.entries(s.rates)) if (rate && rate > 0) types.add(type as AlertType);
  for (const b of s.bursts) if (b.count > 0) types.add(b.type);
  for (const st of s.stories) {
    const def = findStoryDefinition(st.story);
    if (def) for (const t of storyAlertTypes(def, st.params)) types.add(t);
  }
  for (const i of s.injects ?? []) if (i.to === 'simulator' && i.count > 0) types.add(i.type);
  return [...types];
}
