import { closeSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { type DeliveryHeaders, deliveryHeaders } from '../../core/email/headers.js';
import { MailDeliveryError } from '../../core/errors.js';
import type { Email, Mailer } from '../../core/ports.js';
import { sha256Hex } from '../system/sha256.js';
import { discard, type SpareFile, SpareFiles } from './spare-files.js';

/**
 * Builds the RFC 5322 message (HTML and plain-text parts) for an email, with
 * its Message-ID and thread headers (core/email/headers.ts); nodemailer adds
 * Date and MIME-Version.
 */
export async function composeMessage(email: Email, delivery: DeliveryHeaders = deliveryHeaders(email, sha256Hex)): Promise<Buffer> {
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    alternatives: [{ raw: base64Part('text/plain', email.text) }, { raw: base64Part('text/html', email.html) }],
    headers: { ...email.headers, ...delivery.headers },
    messageId: delivery.messageId,
    // Encoded words in B (base64) form in headers; naming it also skips nodemailer's detection.
    textEncoding: 'base64',
  });
  return composer.compile().build();
}

/**
 * One text part with its headers, its body in base64 lines of 76 characters
 * (RFC 2045), handed to nodemailer ready-made ("raw"); nodemailer still
 * writes and encodes every header of the message. Base64 rather than
 * quoted-printable: nodemailer's quoted-printable encoder walks the HTML
 * character by character and was most of the cost of composing, and even
 * its base64 encoder (a stream cutting lines with a regular expression) cost
 * more than the rest of the message. The files are ~25% larger and no
 * longer readable as they are; any mail tool decodes them.
 */
function base64Part(contentType: string, body: string): string {
  const encoded = Buffer.from(body, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += 76) lines.push(encoded.slice(at, at + 76));
  return `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines.join('\r\n')}`;
}

/**
 * Writes each email as one `.eml` file in a folder, for review or for another
 * tool to deliver. The file name derives from the notification id (as the
 * Message-ID does), so the same notification written twice is one file, and
 * each file appears whole (written aside, then renamed).
 */
export class OutboxMailer implements Mailer {
  private readonly spares: SpareFiles;

  constructor(private readonly dir: string) {
    this.spares = new SpareFiles(dir);
  }

  async send(email: Email): Promise<{ messageId: string }> {
    const delivery = deliveryHeaders(email, sha256Hex);
    const { messageId } = delivery;
    const kind = email.headers['X-Sechub-Notification'] ?? 'email';
    const path = join(this.dir, `${kind}-${delivery.notificationId}.eml`);
    try {
      // Synchronous file calls: each is a small local write, and a round trip
      // through the thread pool per call cost more than the call itself.
      mkdirSync(this.dir, { recursive: true });
      if (existsSync(path)) return { messageId };
      const message = await composeMessage(email, delivery);
      if (!(await this.writeToSpare(path, message))) {
        const temp = `${path}.${process.pid}.tmp`;
        writeFileSync(temp, message);
        renameSync(temp, path);
      }
      return { messageId };
    } catch (error) {
      throw new MailDeliveryError(`cannot write ${path}: ${(error as Error).message}`, false, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.spares.dispose();
  }

  /** Writes the message into a file created ahead of need, then renames it; false when that did not work out. */
  private async writeToSpare(path: string, message: Buffer): Promise<boolean> {
    let spare: SpareFile;
    try {
      spare = await this.spares.take();
    } catch {
      return false;
    }
    try {
      for (let at = 0; at < message.length; ) at += writeSync(spare.fd, message, at);
    } catch {
      discard(spare);
      return false;
    }
    closeSync(spare.fd);
    try {
      renameSync(spare.path, path);
    } catch {
      // E.g. the folder was removed under the run: the caller recreates it and writes the file itself.
      rmSync(spare.path, { force: true });
      return false;
    }
    return true;
  }
}
