// Story names and parameters, checked against the simulator's own story definitions (a pure data
// module: importing it starts nothing). A misspelt story used to pass validation and the run, and
// generate nothing.
import { STORIES, type StoryDefinition, type StoryStep } from '../../simulator/stories/definitions.ts';
import { parseDuration } from '../../simulator/clock.ts';
import type { AlertType } from './types.ts';
import { closest, isObject, show, type Findings } from './diagnostics.ts';

export const STORY_NAMES: readonly string[] = STORIES.map((s) => s.name);

export function findStoryDefinition(name: string): StoryDefinition | undefined {
  return STORIES.find((s) => s.name === name);
}

/** Parameters whose value is a duration (the story's step unit). */
const DURATION_PARAMS = new Set(['spacing', 'duration']);

export function checkStories(stories: unknown, out: Findings): void {
  if (!Array.isArray(stories)) return;
  stories.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.story !== 'string' || entry.story === '') return;
    const at = ['traffic', 'stories', i];
    const def = findStoryDefinition(entry.story);
    if (!def) {
      const guess = closest(entry.story, STORY_NAMES);
      out.error([...at, 'story'], `unknown story ${show(entry.story)}${guess ? ` (did you mean "${guess}"?)` : ''}; the simulator knows: ${STORY_NAMES.join(', ')}`);
      return;
    }
    if (!isObject(entry.params)) return;
    const known = Object.keys(def.params);
    for (const [key, value] of Object.entries(entry.params)) {
      const param = def.params[key];
      if (!param) {
        const guess = closest(key, known);
        const takes = known.length ? `its parameters: ${known.join(', ')}` : 'it takes none';
        out.error([...at, 'params'], `story "${def.name}" has no parameter ${show(key)}${guess ? ` (did you mean "${guess}"?)` : ''}; ${takes}`, key);
        continue;
      }
      const problem = paramProblem(key, param.default, value);
      if (problem) out.error([...at, 'params', key], problem);
    }
  });
}

function paramProblem(key: string, fallback: string | number, value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return `must be a ${typeof fallback === 'number' ? 'number' : 'string'} (got ${show(value)})`;
  if (DURATION_PARAMS.has(key)) {
    if (typeof value === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(value)) return `needs a unit, e.g. "${value}m" (got ${show(value)})`;
    try {
      parseDuration(value);
    } catch {
      return `must be a duration such as 10m or 1h30m (got ${show(value)})`;
    }
    return undefined;
  }
  if (typeof fallback === 'number' && !Number.isFinite(Number(value))) return `must be a number (got ${show(value)})`;
  return undefined;
}

const STEP_TYPE: Record<string, AlertType> = { breach: 'modelBreach', incident: 'aiAnalyst', email: 'email', system: 'systemAlert' };

/** The alert types a story generates with these parameters. */
export function storyAlertTypes(def: StoryDefinition, params: Record<string, unknown>): AlertType[] {
  const merged: Record<string, string | number> = {};
  for (const [k, p] of Object.entries(def.params)) merged[k] = typeof params[k] === 'string' || typeof params[k] === 'number' ? (params[k] as string | number) : p.default;
  const types = new Set<AlertType>();
  for (const step of def.steps(merged) as StoryStep[]) {
    for (const k of Object.keys(step)) if (STEP_TYPE[k]) types.add(STEP_TYPE[k]);
  }
  return [...types];
}
