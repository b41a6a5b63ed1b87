// The activity the engine generated, in emission order: the records the API serves and the ground
// truth /_lab/generated lists. Response actions are mutable (their history grows), so the log keeps
// each action once and an item per state change.
import type { ActivityItem, ActivityType, AsmFinding, EmailReleaseEvent, ResponseAction } from './types.ts';

export class ActivityLog {
  readonly items: ActivityItem[] = [];
  readonly counts: Record<ActivityType, number> = { responseAction: 0, asmFinding: 0, emailRelease: 0 };
  readonly actions: ResponseAction[] = [];
  readonly actionByCode = new Map<number, ResponseAction>();
  readonly asm: AsmFinding[] = [];
  readonly releases: EmailReleaseEvent[] = [];
  private seq = 0;

  private note(type: ActivityType, id: string, time: number): void {
    this.items.push({ seq: ++this.seq, type, id, time });
    this.counts[type]++;
  }

  /** A new action with its first history entry, or a state change of a known one. */
  actionChanged(action: ResponseAction): void {
    if (!this.actionByCode.has(action.codeid)) {
      this.actions.push(action);
      this.actionByCode.set(action.codeid, action);
    }
    const last = action.history.at(-1)!;
    this.note('responseAction', `${action.codeid}:${last.state}`, last.time);
  }

  addAsm(finding: AsmFinding): void {
    this.asm.push(finding);
    this.note('asmFinding', finding.id, finding.timestamp * 1000);
  }

  addRelease(event: EmailReleaseEvent): void {
    this.releases.push(event);
    this.note('emailRelease', event.id, event.time);
  }
}
