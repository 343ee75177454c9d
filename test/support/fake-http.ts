import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake destination received it. */
export interface Received {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a fake destination answers. */
export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * A failure put in front of the destination's own handling:
 * an answer (429 with Retry-After, a 5xx) given instead of processing;
 * `drop`, the connection closed before anything is processed; `drop-after`,
 * the request processed and then the connection closed with no answer —
 * the case in which a sender cannot know the message arrived; `hang`, no
 * answer at all until the server stops.
 */
export type Fault = Answer | 'drop' | 'drop-after' | 'hang';

/**
 * A local HTTP server on 127.0.0.1 that plays a destination: it records
 * every request, applies queued or computed faults, and otherwise hands
 * the request to `handle` (which may itself forward it, as a faulty proxy).
 */
export class FakeHttpServer {
  readonly requests: Received[] = [];
  private readonly queued: Fault[] = [];
  private server: Server | undefined;
  /** Consulted for each request the queue does not fault, with its 0-based index. */
  faultFor: ((request: Received, index: number) => Fault | undefined) | undefined;

  constructor(private readonly handle: (request: Received) => Answer | Promise<Answer>) {}

  /** Starts listening on a free loopback port; resolves to the base URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const received: Received = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const index = this.requests.push(received) - 1;
        const fault = this.queued.shift() ?? this.faultFor?.(received, index);
        if (fault === 'drop') {
          request.socket.destroy();
          return;
        }
        if (fault === 'hang') return;
        if (fault && fault !== 'drop-after') {
          response.writeHead(fault.status, fault.headers).end(fault.body ?? '');
          return;
        }
        const answer = await this.handle(received);
        if (fault === 'drop-after') {
          request.socket.destroy();
          return;
        }
        response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests meet these faults, in order. */
  failNext(...faults: Fault[]): void {
    this.queued.push(...faults);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A JSON answer. */
export function json(status: number, value: unknown): Answer {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

/** A fake destination: a FakeHttpServer whose requests its `handle` answers, at a base URL known once started. */
export abstract class LocalReceiver {
  readonly server = new FakeHttpServer((request) => this.handle(request));
  protected base = '';

  /** Starts listening; `path` is added to the base URL. */
  async start(path = ''): Promise<this> {
    this.base = `${await this.server.start()}${path}`;
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  protected abstract handle(request: Received): Answer | Promise<Answer>;
}
