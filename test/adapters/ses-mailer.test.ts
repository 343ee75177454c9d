import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesMailer } from '../../src/adapters/ses/ses-mailer.js';
import { MailDeliveryError, MailRejectedError } from '../../src/core/errors.js';
import type { Email } from '../../src/core/ports.js';
import { LOCAL_CREDENTIALS } from '../support/dynamodb-local.js';
import { expectOneThread, findingThread, threadHeadersOf } from '../support/finding-thread.js';
import { freePort } from '../support/free-port.js';
import { headerOf, type SesLocal, startSesLocal } from '../support/ses-local.js';

const email: Email = {
  id: 'k|new|2026-01-10T10:00:00.000Z',
  from: 'alerts@example.com',
  to: ['security-team@example.com', 'oncall@example.com'],
  subject: 'HIGH GuardDuty: SSH brute force (111122223333, us-east-1) — ünïcode',
  html: '<p>&lt;script&gt; stays text</p>',
  text: 'plain text part',
  headers: { 'X-Sechub-Finding-Id': 'arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f', 'X-Sechub-Notification': 'new' },
};

const client = (endpoint: string) => new SESv2Client({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

let ses: SesLocal;
beforeAll(async () => {
  ses = await startSesLocal();
});
afterAll(async () => {
  await ses?.stop();
});

describe('SesMailer against aws-ses-v2-local', () => {
  it('delivers the subject, both parts and the X-Sechub headers to every recipient', async () => {
    const mailer = new SesMailer({ client: client(ses.endpoint) });

    const { messageId } = await mailer.send(email);

    const [stored] = await ses.emails();
    expect(messageId).toBe(stored?.messageId);
    expect(stored).toMatchObject({ from: email.from, subject: email.subject, body: { html: email.html, text: email.text } });
    expect(stored?.destination.to).toEqual(email.to);
    expect(headerOf(stored!, 'X-Sechub-Finding-Id')).toBe(email.headers['X-Sechub-Finding-Id']);
    expect(headerOf(stored!, 'X-Sechub-Notification')).toBe('new');
  });

  it('threads new, reminder and resolved through References, keeping the notification id where SES replaces the Message-ID', async () => {
    // prepare
    await ses.clear();
    const mailer = new SesMailer({ client: client(ses.endpoint) });
    const emails = findingThread();

    // act
    for (const email of emails) await mailer.send(email);

    // assess
    const stored = await ses.emails();
    expectOneThread(
      stored.map((email) => threadHeadersOf((name) => headerOf(email, name))),
      { ownMessageIds: false },
    );
    // SES refuses a custom Message-ID on Simple content; every value is what its MessageHeader accepts.
    expect(stored.flatMap((email) => email.headers ?? []).map(({ name }) => name.toLowerCase())).not.toContain('message-id');
    for (const { value } of stored.flatMap((email) => email.headers ?? [])) expect(value).toMatch(/^[\x20-\x7e]{1,870}$/);
  });

  it('reports an email SES refuses as a MailRejectedError, which the workflow does not retry', async () => {
    const mailer = new SesMailer({ client: client(ses.endpoint) });

    const refused = mailer.send({ ...email, from: '' });

    await expect(refused).rejects.toBeInstanceOf(MailRejectedError);
    await expect(mailer.send({ ...email, from: '' })).rejects.toThrow(/^SES rejected the email: .*Bad Request/);
  });

  it('reports SES out of reach as a transient MailDeliveryError, which the workflow retries', async () => {
    const mailer = new SesMailer({ client: client(`http://127.0.0.1:${await freePort()}`) });

    const error = await mailer.send(email).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as MailDeliveryError).name).toBe('MailDeliveryError');
    expect((error as MailDeliveryError).transient).toBe(true);
  });
});
