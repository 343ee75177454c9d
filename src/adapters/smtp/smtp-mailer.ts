import nodemailer, { type Transporter } from 'nodemailer';
import { deliveryHeaders } from '../../core/email/headers.js';
import { MailDeliveryError } from '../../core/errors.js';
import type { Email, Mailer } from '../../core/ports.js';
import { sha256Hex } from '../system/sha256.js';

/**
 * Sends through an SMTP server given as a URL: smtp://user:pass@host:587 or
 * smtps://host:465, with the Message-ID and thread headers of
 * core/email/headers.ts (a resend of a notification repeats its Message-ID).
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    const timeout = options.timeoutMs ?? 30_000;
    this.transport = nodemailer.createTransport(url, {}) as Transporter;
    // On the SMTP transport itself, which keeps its own copy of the options (the mailer's are not read when connecting).
    // They must stay well under the engine's claim lease, so that a stalled server cannot outlive a claim.
    Object.assign((this.transport.transporter as unknown as { options: object }).options, {
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(email: Email): Promise<{ messageId: string }> {
    const delivery = deliveryHeaders(email, sha256Hex);
    try {
      const info = await this.transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: { ...email.headers, ...delivery.headers },
        messageId: delivery.messageId,
      });
      return { messageId: String(info.messageId) };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const permanent = code !== undefined && code >= 500;
      throw new MailDeliveryError(`SMTP send failed: ${(error as Error).message}`, !permanent, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
