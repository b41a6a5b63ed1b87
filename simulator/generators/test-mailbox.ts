// Real estates keep shared test mailboxes on their distribution lists, and Darktrace/Email scores the
// copy delivered there like any other recipient's. The Darktrace ActiveAI workbook's "Held Emails"
// panel opens filtered on the text "test", so without one it is empty. One background email in
// TEST_MAILBOX_EVERY also goes to `it.test@<domain>`, chosen by a hash of the email's uuid and given
// the first recipient's verdict, so no random draw is added and a seed's other alerts stay as they
// were (decision 0020). Story emails (one recipient each, by design) are left alone.
import { hashString } from '../random.ts';
import type { EmailAlert } from '../types.ts';
import type { World } from '../world/types.ts';

export const TEST_MAILBOX_EVERY = 20;

export function testMailbox(world: World): string {
  return `it.test@${world.domain}`;
}

export function withTestMailbox(world: World, email: EmailAlert): EmailAlert {
  const first = email.rcpts[0];
  const address = testMailbox(world);
  if (!first || hashString(`test-mailbox:${email.uuid}`) % TEST_MAILBOX_EVERY !== 0) return email;
  if (email.rcpts.some((r) => r.rcpt_to === address)) return email;
  // The verdict's text names its recipient: the copy names the test mailbox instead.
  const name = world.users.find((u) => u.email === first.rcpt_to)?.displayName;
  const summary = first.summary.map((line) => (name ? line.split(name).join('IT Test') : line));
  const copy = { ...first, rcpt_to: address, tags: [...first.tags], rcpt_actions_taken: [...first.rcpt_actions_taken], summary };
  return { ...email, rcpts: [...email.rcpts, copy] };
}
