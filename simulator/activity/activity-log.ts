// The activity the engine generated, in emission order: the records the API serves and the ground
// truth /_lab/generated lists. Response actions are mutable (their history grows), so the log keeps
// each action once and an item per state change.
import type { ActivityItem, ActivityType, AsmFinding, EmailReleaseEvent, ResponseAction } from './types.ts';

export class ActivityLog {
  readonly items: ActivityItem[] = [];
  readonly counts: Record<ActivityType, number> = { responseAction: 0, asmFinding: 0, emailRelease: 0 };
  actions: ResponseAction[] = [];
  readonly actionByCode = new Map<number, ResponseAction>();
  asm: AsmFinding[] = [];
  releases: EmailReleaseEvent[] = [];
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

  /**
   * Retention: forgets actions whose last state change, and findings and release events whose
   * time, is before `cutoff` (epoch ms). The ground-truth items stay (a few numbers each).
   */
  pruneBefore(cutoff: number): number {
    const before = this.actions.length + this.asm.length + this.releases.length;
    this.actions = this.actions.filter((a) => {
      const keep = (a.history.at(-1)?.time ?? a.start) >= cutoff || a.expires >= cutoff;
      if (!keep) this.actionByCode.delete(a.codeid);
      return keep;
    });
    this.asm = this.asm.filter((f) => f.timestamp * 1000 >= cutoff);
    this.releases = this.releases.filter((e) => e.time >= cutoff);
    return before - (this.actions.length + this.asm.length + this.releases.length);
  }
}
