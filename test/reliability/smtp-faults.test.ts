import { afterAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/adapters/smtp/smtp-mailer.js';
import { renderEmail } from '../../src/core/email/render.js';
import { sampleNotification } from '../../src/core/email/samples.js';
import { normalized } from '../builders/asff.js';
import { dueFinding } from '../builders/inputs.js';
import { startFaultySmtp } from './support/faulty-smtp.js';
import { REMINDER_TIME, smtpFaultScenario } from './support/smtp-scenario.js';

/**
 * SMTP failing for a share of sends, in every way a relay fails, while
 * three workers process the same input at once, run after run. Afterwards
 * every due notification has arrived, a second copy only where the relay
 * delivered a message but lost its reply, and the state file is consistent.
 * The soak suite runs the same with more findings and a larger share.
 */

describe('a stalled SMTP server', () => {
  it('fails the send within the mailer timeout, well inside the claim lease, so the claim is released and the send retried', async () => {
    // prepare
    const smtp = await startFaultySmtp({ share: 1, faults: ['stall'], seed: 1 });
    const mailer = new SmtpMailer(smtp.url, { timeoutMs: 300 });
    const email = renderEmail({
      finding: normalized(dueFinding(0)),
      notification: sampleNotification(normalized(dueFinding(0)), 'new'),
      sender: 'a@example.com',
    });

    // act: without its timeout the client would wait for nodemailer's default of 10 minutes, and this test would time out
    const outcome = await mailer.send(email).then(
      () => 'sent',
      (error: Error) => error.name,
    );
    await mailer.close();
    await smtp.close();

    // assess
    expect(outcome).toBe('MailDeliveryError');
  });
});

describe('SMTP failing for a share of sends', () => {
  let result: Awaited<ReturnType<typeof smtpFaultScenario>>;
  afterAll(() => {
    console.info(
      `figures: ${JSON.stringify({ ...result.figures, attempts: result.attempts, injected: result.injected, processRuns: result.processed.runs, tickRuns: result.ticked.runs })}`,
    );
  });

  it('delivers every due notification (new, then reminders by tick), a copy only after a lost reply, nothing lost', async () => {
    // act
    result = await smtpFaultScenario({ due: 60, share: 0.3, workers: 3, seed: 20_260_110, maxRuns: 30 });

    // assess
    const { figures, injected, state } = result;
    expect(Object.values(injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    expect(figures).toMatchObject({ due: 120, sent: 120, lost: 0, unexpected: 0, duplicatesShareMessageId: true });
    expect(figures.duplicated).toBeLessThanOrEqual(injected['lost-reply']);
    expect(result.processed.runs).toBeLessThan(30);
    expect(result.ticked.runs).toBeLessThan(30);
    expect(state.integrity).toBe('ok');
    expect(state.inconsistent).toBe(0);
    expect(state.claimed).toBe(0);
    expect(state.records.filter((record) => record.open)).toHaveLength(60);
    for (const record of state.records) expect(record.rules['critical-and-high']).toEqual({ lastNotifiedAt: REMINDER_TIME.toISOString() });
  });
});
