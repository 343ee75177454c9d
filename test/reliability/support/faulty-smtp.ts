import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * What the server does to one message instead of accepting it:
 * - `421` refuses at MAIL FROM (service busy: throttling),
 * - `451` and `554` refuse after the message was sent (temporary, permanent),
 * - `drop` closes the connection after the message, with no reply,
 * - `stall` never answers the message, so the client's timeout fires,
 * - `lost-reply` keeps (delivers) the message, then closes the connection
 *   before its 250 reply: the client cannot know it was delivered. This is
 *   the one fault after which a resend is a true duplicate.
 */
export type SmtpFault = '421' | '451' | '554' | 'drop' | 'stall' | 'lost-reply';

export interface Delivered {
  messageId: string;
  findingId: string;
  kind: string;
  to: string[];
  raw: string;
}

export interface FaultPlan {
  /** Share of messages that meet a fault, 0..1. */
  share: number;
  /** The faults to pick from, uniformly. */
  faults: SmtpFault[];
  /** Seed of the pseudo-random choice, so that a failing run can be replayed. */
  seed: number;
}

/** A small seeded generator (mulberry32): the same seed gives the same fault sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A real SMTP server on 127.0.0.1 that fails a share of messages in the ways
 * a mail relay does. It counts every fault it injected and keeps every
 * message it delivered, so a test can compare what was due with what arrived.
 */
export async function startFaultySmtp(plan: FaultPlan) {
  const random = seededRandom(plan.seed);
  const delivered: Delivered[] = [];
  const injected: Record<SmtpFault, number> = { '421': 0, '451': 0, '554': 0, drop: 0, stall: 0, 'lost-reply': 0 };
  const pending = new WeakMap<object, SmtpFault | undefined>();
  let attempts = 0;

  const pick = (): SmtpFault | undefined =>
    random() < plan.share ? plan.faults[Math.floor(random() * plan.faults.length) % plan.faults.length] : undefined;
  const refuse = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const connectionOf = (session: SMTPServerSession) => [...server.connections].find((c) => c.session?.id === session.id);

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, session, callback) {
      attempts++;
      const fault = pick();
      if (fault === '421') {
        injected['421']++;
        callback(refuse(421, 'too many messages, slow down'));
        return;
      }
      pending.set(session.envelope, fault);
      callback();
    },
    onData(stream, session, callback) {
      const fault = pending.get(session.envelope);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', () => {});
      stream.on('end', () => {
        if (fault) injected[fault]++;
        if (fault === '451') return callback(refuse(451, 'local error, try again later'));
        if (fault === '554') return callback(refuse(554, 'transaction failed'));
        if (fault === 'drop') return connectionOf(session)?.close();
        if (fault === 'stall') return;
        delivered.push(parseDelivered(Buffer.concat(chunks).toString('utf8'), session));
        if (fault === 'lost-reply') return connectionOf(session)?.close();
        callback();
      });
    },
  });
  // The server-side view of a client that gave up on a stalled message: nothing to report.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    delivered,
    injected,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseDelivered(raw: string, session: SMTPServerSession): Delivered {
  const head = (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) =>
    head
      .split(/\r?\n/)
      .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim() ?? '';
  return {
    messageId: header('Message-ID'),
    findingId: header('X-Sechub-Finding-Id'),
    kind: header('X-Sechub-Notification'),
    to: session.envelope.rcptTo.map((r) => r.address),
    raw,
  };
}
