// Issue 11: the Darktrace ActiveAI workbook's "Held Emails" panel opens filtered on recipients
// containing "test". Background emails sometimes go to the estate's test mailbox too, chosen by a
// hash of the uuid (no random draw), with the first recipient's verdict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/index.ts';
import type { EmailAlert } from '../../simulator/types.ts';
import { testMailbox, TEST_MAILBOX_EVERY } from '../../simulator/generators/test-mailbox.ts';
import { CLOCK_START_MS } from './helpers.ts';

const rates = 'modelBreach=0,aiAnalyst=0,systemAlert=0,email=1200/h,story=0';
let sim: Simulator;
const emails: EmailAlert[] = [];

beforeAll(() => {
  sim = createSimulator({ seed: 1, clockStart: CLOCK_START_MS, speed: 0, backfill: 0, rates });
  sim.events.on('alert:generated', (e: { type: string; alert: unknown }) => {
    if (e.type === 'email') emails.push(e.alert as EmailAlert);
  });
  sim.advance(3_600_000);
});
afterAll(() => sim.close());

describe('the test mailbox', () => {
  it('receives about one background email in TEST_MAILBOX_EVERY, held ones among them', () => {
    const address = testMailbox(sim.world);
    const copied = emails.filter((e) => e.rcpts.some((r) => r.rcpt_to === address));
    expect(emails.length).toBeGreaterThan(1000);
    expect(copied.length).toBeGreaterThan(emails.length / TEST_MAILBOX_EVERY / 2);
    expect(copied.length).toBeLessThan((emails.length / TEST_MAILBOX_EVERY) * 2);
    expect(copied.some((e) => e.rcpts.find((r) => r.rcpt_to === address)!.rcpt_status === 'held')).toBe(true);
  });

  it('gets the first recipient’s actions and tags, its summary naming the test mailbox, never twice', () => {
    const address = testMailbox(sim.world);
    for (const e of emails.filter((x) => x.rcpts.some((r) => r.rcpt_to === address))) {
      const copies = e.rcpts.filter((r) => r.rcpt_to === address);
      expect(copies).toHaveLength(1);
      const [first] = e.rcpts;
      expect(copies[0]!.rcpt_actions_taken).toEqual(first!.rcpt_actions_taken);
      expect(copies[0]!.tags).toEqual(first!.tags);
      const name = sim.world.users.find((u) => u.email === first!.rcpt_to)!.displayName;
      expect(copies[0]!.summary.join(' ')).not.toContain(name);
    }
  });
});
