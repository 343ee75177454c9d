import { type Answer, json, LocalReceiver, type Received } from './fake-http.js';
import { slackPayloadError } from './slack-payload.js';

/** A message as the fake Slack keeps it. */
export interface SlackPost {
  /** The channel id, or `webhook` for an incoming webhook's channel. */
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  /** The whole payload as received. */
  payload: Record<string, unknown>;
  /** How often chat.update changed it. */
  edits: number;
}

export const SLACK_TOKEN = 'xoxb-0000000000-1111111111-FakeSlackToken0000';
const WEBHOOK_PATH = '/services/T00000000/B00000000/FakeWebhookSecret000000';

/**
 * A local Slack: an incoming webhook and the Web API's chat.postMessage and
 * chat.update, checking what Slack checks — the payload's limits
 * (`invalid_blocks`, `msg_too_long`, `no_text`), the bot token
 * (`invalid_auth`), the channel (`channel_not_found`), the message to edit
 * (`message_not_found`) — and answering in Slack's shapes: plain text for
 * the webhook, `{ ok, error }` for the Web API. Faults (429 with
 * Retry-After, 5xx, dropped connections) come from the FakeHttpServer.
 */
export class FakeSlack extends LocalReceiver {
  readonly posts: SlackPost[] = [];
  readonly channels = new Set(['C0123456789', 'C0999999999']);
  private counter = 0;

  get webhookUrl(): string {
    return `${this.base}${WEBHOOK_PATH}`;
  }

  get apiUrl(): string {
    return `${this.base}/api`;
  }

  protected handle(request: Received): Answer {
    const path = request.url.split('?')[0] ?? '';
    if (path === WEBHOOK_PATH) return this.webhook(request);
    if (path.startsWith('/api/')) return this.api(path.slice('/api/'.length), request);
    return { status: 404, body: 'no_service' };
  }

  private webhook(request: Received): Answer {
    const payload = parse(request.body);
    if (!payload) return { status: 400, body: 'invalid_payload' };
    const error = slackPayloadError(payload);
    if (error) return { status: 400, body: error };
    this.posts.push(this.post('webhook', payload));
    return { status: 200, body: 'ok', headers: { 'content-type': 'text/html' } };
  }

  private api(method: string, request: Received): Answer {
    if (request.headers.authorization !== `Bearer ${SLACK_TOKEN}`)
      return json(200, { ok: false, error: request.headers.authorization ? 'invalid_auth' : 'not_authed' });
    const payload = parse(request.body);
    if (!payload) return json(200, { ok: false, error: 'invalid_json' });
    const channel = String(payload.channel ?? '');
    if (!this.channels.has(channel)) return json(200, { ok: false, error: 'channel_not_found' });
    const error = slackPayloadError(payload);
    if (error) return json(200, { ok: false, error });
    if (method === 'chat.postMessage') {
      const post = this.post(channel, payload);
      this.posts.push(post);
      return json(200, { ok: true, channel, ts: post.ts, message: { text: post.text } });
    }
    if (method === 'chat.update') {
      const post = this.posts.find((p) => p.channel === channel && p.ts === payload.ts);
      if (!post) return json(200, { ok: false, error: 'message_not_found' });
      post.text = payload.text as string | undefined;
      post.blocks = payload.blocks as unknown[] | undefined;
      post.edits++;
      return json(200, { ok: true, channel, ts: post.ts });
    }
    return json(200, { ok: false, error: 'unknown_method' });
  }

  private post(channel: string, payload: Record<string, unknown>): SlackPost {
    this.counter++;
    return {
      channel,
      ts: `1768039200.${String(this.counter).padStart(6, '0')}`,
      ...(typeof payload.thread_ts === 'string' ? { threadTs: payload.thread_ts } : {}),
      text: payload.text as string | undefined,
      blocks: payload.blocks as unknown[] | undefined,
      payload,
      edits: 0,
    };
  }
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
