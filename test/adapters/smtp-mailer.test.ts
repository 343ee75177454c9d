import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/adapters/smtp/smtp-mailer.js';
import { INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import { expectOneThread, findingThread, threadHeadersOf } from '../support/finding-thread.js';
import { startSmtpSink } from '../support/smtp-sink.js';

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

describe('SmtpMailer against a real SMTP server', () => {
  it('sends new, reminder and resolved as one thread with their own Message-IDs, and a retried send with the same Message-ID', async () => {
    // prepare
    const mailer = new SmtpMailer(sink.url);
    const emails = findingThread(INSPECTOR_SAMPLE, 'Security Alerts <alerts@Alerts.Example.org>');

    // act
    const sent = [];
    for (const email of emails) sent.push(await mailer.send(email));
    await mailer.close();

    // assess
    const delivered = sink.received.slice(-4).map((mail) => threadHeadersOf((name) => sink.header(mail, name)));
    expectOneThread(delivered, { domain: 'alerts.example.org' });
    expect(sent.map(({ messageId }) => messageId)).toEqual(delivered.map(({ messageId }) => messageId));
    expect(delivered[0]!.threadTopic).toBe(emails[0]!.subject);
  });
});
