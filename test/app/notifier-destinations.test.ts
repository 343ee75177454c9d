import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { emptyCounts } from '../../src/app/counts.js';
import { Notifier } from '../../src/app/notifier.js';
import { tick } from '../../src/app/tick.js';
import { validatePolicy } from '../../src/core/policy.js';
import { asff, normalized } from '../builders/asff.js';
import { seededRandom } from '../reliability/support/faulty-smtp.js';
import { RecordingChannel } from '../support/recording-channel.js';
import { RecordingMailer } from '../support/recording-mailer.js';

const DAY = 86_400_000;
const T0 = '2026-01-10T10:00:00.000Z';
const at = (days: number) => new Date(Date.parse(T0) + days * DAY);

const policy = validatePolicy({
  sender: 'alerts@example.com',
  destinations: {
    slack: { type: 'slack', token: { secret: 'SLACK_TOKEN' }, channel: 'C0123456789' },
    siem: { type: 'webhook', url: 'https://siem.example.com/in', signing_secret: { secret: 'SIEM_HMAC' } },
  },
  rules: [{ name: 'all', notify: { to: ['team@example.com', 'slack', 'siem'], every: '1d', resolved: true } }],
});

let store: SqliteFindingStore | undefined;
afterEach(() => store?.close());

function setup(slack = new RecordingChannel('slack'), siem = new RecordingChannel('siem')) {
  store = new SqliteFindingStore(join(mkdtempSync(join(tmpdir(), 'sechub-dest-')), 'state.db'));
  const mailer = new RecordingMailer();
  const notifier = new Notifier({
    store,
    mailer,
    policy,
    runtime: systemRuntime,
    channels: new Map([
      ['slack', slack],
      ['siem', siem],
    ]),
  });
  return { store, mailer, slack, siem, notifier, tick: (days: number) => tick({ store: store!, notifier }, at(days)) };
}

describe('a notification to email and destinations', () => {
  it('is delivered once to email and once to each destination, and counted as one email and two messages', async () => {
    const { notifier, mailer, slack, siem } = setup();
    const counts = emptyCounts();

    await notifier.handleCounted(normalized(asff({ updatedAt: T0 })), at(0), counts);

    expect(mailer.kinds()).toEqual(['new']);
    expect(slack.kinds()).toEqual(['new']);
    expect(siem.kinds()).toEqual(['new']);
    expect(counts).toMatchObject({ notified: 1, emails: 1, messages: 2, failed: 0 });
  });

  it('threads reminders and the resolved notice under the first message of each destination that threads', async () => {
    const { notifier, slack, store } = setup();
    const finding = normalized(asff({ updatedAt: T0 }));
    await notifier.handle(finding, at(0));
    await notifier.handle(finding, at(1));
    await notifier.handle(normalized(asff({ workflow: 'RESOLVED', updatedAt: at(2).toISOString() })), at(2));

    expect(slack.kinds()).toEqual(['new', 'reminder', 'resolved']);
    expect(slack.accepted[0]?.thread).toBeUndefined();
    expect(slack.accepted[1]?.thread).toEqual({ channel: 'C-slack', ts: '1.000100' });
    expect(slack.accepted[2]?.thread).toEqual({ channel: 'C-slack', ts: '1.000100' });
    expect((await store.get(finding.key))?.threads).toBeUndefined();
  });
});

describe('a destination that fails', () => {
  it('does not hold back the others, and gets the notification later without anyone getting it twice', async () => {
    const { notifier, mailer, slack, siem, store } = setup();
    const finding = normalized(asff({ updatedAt: T0 }));
    siem.failNext(1);
    const counts = emptyCounts();

    const first = await notifier.handleCounted(finding, at(0), counts);
    const stored = await store.get(finding.key);
    const retried = await notifier.handleCounted(finding, at(0.1), counts);

    expect(first).toMatchObject({ outcome: 'notified', delivered: ['email', 'slack'], failed: ['siem'] });
    expect(stored?.pending?.remaining).toEqual(['siem']);
    expect(stored?.rules.all).toEqual({ lastNotifiedAt: at(0).toISOString() });
    expect(retried).toMatchObject({ delivered: ['siem'], failed: [] });
    expect([mailer.sent.length, slack.accepted.length, siem.accepted.length]).toEqual([1, 1, 1]);
    expect(siem.accepted[0]?.notification.id).toBe(slack.accepted[0]?.notification.id);
    expect((await store.get(finding.key))?.pending).toBeUndefined();
    expect(counts).toMatchObject({ emails: 1, messages: 2, failed: 1 });
  });

  it('is retried by the tick, for a resolved notice too, after the finding is forgotten', async () => {
    const { notifier, slack, siem, mailer, tick } = setup();
    await notifier.handle(normalized(asff({ updatedAt: T0 })), at(0));
    slack.failNext(1);

    const closed = await notifier.handle(normalized(asff({ workflow: 'RESOLVED', updatedAt: at(1).toISOString() })), at(1));
    const ticked = await tick(1.5);

    expect(closed.failed).toEqual(['slack']);
    expect(ticked).toMatchObject({ resolved: 1, messages: 1, emails: 0 });
    expect(slack.kinds()).toEqual(['new', 'resolved']);
    expect(siem.kinds()).toEqual(['new', 'resolved']);
    expect(mailer.kinds()).toEqual(['new', 'resolved']);
    expect(await tick(2)).toMatchObject({ read: 0 });
  });

  it('records nothing when every target fails, so the next run delivers it all', async () => {
    const { notifier, mailer, slack, siem, store } = setup();
    const finding = normalized(asff({ updatedAt: T0 }));
    mailer.failNext(1);
    slack.failNext(1);
    siem.failNext(1);

    await expect(notifier.handle(finding, at(0))).rejects.toMatchObject({ name: 'MailDeliveryError' });
    expect((await store.get(finding.key))?.rules).toEqual({});
    await notifier.handle(finding, at(0.1));

    expect([mailer.kinds(), slack.kinds(), siem.kinds()]).toEqual([['new'], ['new'], ['new']]);
  });

  it('that refused for good is reported and not retried', async () => {
    const { notifier, siem, store } = setup();
    const finding = normalized(asff({ updatedAt: T0 }));
    siem.failNext(1, true);

    const result = await notifier.handle(finding, at(0));
    await notifier.handle(finding, at(0.1));

    expect(result.error).toMatchObject({ name: 'DeliveryError', transient: false, message: 'siem: 400 invalid payload' });
    expect((await store.get(finding.key))?.pending).toBeUndefined();
    expect(siem.attempts).toBe(1);
  });

  it('failing half the time still gets every notification exactly once, as do the others', async () => {
    const flaky = new RecordingChannel(
      'slack',
      (
        (draw) => () =>
          draw() < 0.5
      )(seededRandom(7)),
    );
    const { notifier, mailer, slack, siem } = setup(flaky);
    const findings = Array.from({ length: 40 }, (_, i) => normalized(asff({ id: `finding-${i}`, updatedAt: T0 })));

    for (let run = 0; run < 12; run++) for (const finding of findings) await notifier.handleCounted(finding, at(0.01 * run), emptyCounts());

    const ids = (channel: RecordingChannel) => channel.accepted.map((message) => message.notification.id).sort();
    expect(flaky.attempts).toBeGreaterThan(60);
    expect(ids(slack)).toEqual(findings.map((finding) => `${finding.key}|new|${T0}`).sort());
    expect(ids(siem)).toEqual(ids(slack));
    expect(mailer.sent).toHaveLength(40);
  });
});
