import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { deliveryHeaders } from '../../core/email/headers.js';
import type { Email, Mailer } from '../../core/ports.js';
import { sha256Hex } from '../system/sha256.js';
import { translateSesError } from './ses-errors.js';

export interface SesMailerOptions {
  /** Built once per process by the caller, who also destroys it. */
  client: SESv2Client;
  /** An SES configuration set for delivery events, if the account uses one. */
  configurationSetName?: string;
}

/**
 * Sends through Amazon SES (SESv2 SendEmail, Simple content): subject, HTML
 * and text parts, and as custom headers the X-Sechub-* headers and the thread
 * headers (In-Reply-To, References, Thread-Topic, Thread-Index), which SES
 * adds to the message. SES refuses a custom Message-ID on Simple content and
 * assigns its own, so the notification's id travels in
 * X-Sechub-Notification-Id and the thread holds through References. Resolves
 * once SES accepted the email; SES errors become MailDeliveryError
 * (transient) or MailRejectedError.
 */
export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly configurationSetName: string | undefined;

  constructor(options: SesMailerOptions) {
    this.client = options.client;
    this.configurationSetName = options.configurationSetName;
  }

  async send(email: Email): Promise<{ messageId: string }> {
    const { headers } = deliveryHeaders(email, sha256Hex);
    const command = new SendEmailCommand({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: email.to },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
          Headers: Object.entries({ ...email.headers, ...headers }).map(([Name, Value]) => ({ Name, Value })),
        },
      },
      ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
    });
    try {
      const output = await this.client.send(command);
      return { messageId: output.MessageId ?? '' };
    } catch (error) {
      throw translateSesError(error);
    }
  }

  /** The client belongs to the caller (one per Lambda container), so there is nothing to release here. */
  async close(): Promise<void> {}
}
