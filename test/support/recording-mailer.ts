import { MailDeliveryError } from '../../src/core/errors.js';
import type { Email, Mailer } from '../../src/core/ports.js';

/** A mailer that keeps what it is given; `failNext(n)` makes the next n sends fail like an unreachable server. */
export class RecordingMailer implements Mailer {
  readonly sent: Email[] = [];
  private failures = 0;

  failNext(count: number): void {
    this.failures = count;
  }

  async send(email: Email): Promise<{ messageId: string }> {
    if (this.failures > 0) {
      this.failures--;
      throw new MailDeliveryError('connection refused', true);
    }
    this.sent.push(email);
    return { messageId: `<${this.sent.length}@test>` };
  }

  async close(): Promise<void> {}

  kinds(): string[] {
    return this.sent.map((email) => email.headers['X-Sechub-Notification'] ?? '?');
  }
}
