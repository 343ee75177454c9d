import { renderSlack, type SlackMessage } from '../../core/channels/slack.js';
import { DeliveryError } from '../../core/errors.js';
import type { Channel, ChannelMessage, SecretSource } from '../../core/ports.js';
import type { ThreadRef } from '../../core/record.js';
import { errorCode, type HttpAnswer } from '../channels/http.js';
import { deliverHttp, type HttpDelivery } from '../channels/http-delivery.js';
import { secretValue } from '../channels/secret-values.js';

/** Slack's Web API. */
export const SLACK_API_URL = 'https://slack.com/api';

export interface SlackBotOptions {
  name: string;
  /** The secret that holds the bot token (xoxb-…), with the chat:write scope. */
  secret: string;
  /** The channel id the bot posts new threads to; the bot must be a member. */
  channel: string;
  secrets: SecretSource;
  http: HttpDelivery;
  /** The Web API's base URL; another only for tests. */
  apiUrl?: string;
}

/** Web API error codes a later attempt may get past; any other code is the request's own fault. */
const TRANSIENT_CODES = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * Posts as a Slack bot (chat.postMessage). The first message about a
 * finding starts a thread, whose `{ channel, ts }` it returns; reminders and
 * the resolved notice are replies in that thread (`thread_ts`), and the
 * resolved notice also edits the first message (chat.update) so that the
 * channel shows at a glance that it is fixed. Slack's `ok: false` answers,
 * 429 with Retry-After, 5xx and dropped connections become DeliveryError,
 * transient or not.
 */
export class SlackBotChannel implements Channel {
  private readonly apiUrl: string;

  constructor(private readonly options: SlackBotOptions) {
    this.apiUrl = options.apiUrl ?? SLACK_API_URL;
  }

  async deliver(message: ChannelMessage): Promise<{ thread?: ThreadRef }> {
    const token = await secretValue(this.options.name, this.options.secret, this.options.secrets);
    const rendered = renderSlack(message);
    const thread = message.thread;
    if (!thread) {
      const answer = await this.call(token, 'chat.postMessage', this.options.channel, {
        channel: this.options.channel,
        ...posted(rendered),
      });
      if (!answer.channel || !answer.ts)
        throw new DeliveryError(this.options.name, 'Slack chat.postMessage: no channel or ts in the answer', false);
      return { thread: { channel: answer.channel, ts: answer.ts } };
    }
    // The edit goes first: repeating it is harmless, so a retry after a failed reply never edits twice or replies twice.
    if (message.notification.kind === 'resolved') await this.markFixed(token, thread, renderSlack({ ...message, thread: undefined }));
    await this.call(token, 'chat.postMessage', thread.channel, { channel: thread.channel, thread_ts: thread.ts, ...posted(rendered) });
    return { thread };
  }

  /** Replaces the thread's first message by the resolved rendering; an edit Slack refuses for good is left undone. */
  private async markFixed(token: string, thread: ThreadRef, rendered: SlackMessage): Promise<void> {
    try {
      await this.call(token, 'chat.update', thread.channel, {
        channel: thread.channel,
        ts: thread.ts,
        text: rendered.text,
        blocks: rendered.blocks,
      });
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.transient) throw error;
    }
  }

  private call(token: string, method: string, channel: string, payload: object): Promise<SlackAnswer> {
    const { name, http } = this.options;
    const body = JSON.stringify(payload);
    return deliverHttp(
      name,
      `slack:${channel}`,
      () => ({
        url: `${this.apiUrl}/${method}`,
        body,
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
      }),
      (answer) => this.accept(method, answer),
      http,
    );
  }

  private accept(method: string, answer: HttpAnswer): SlackAnswer {
    let parsed: SlackAnswer;
    try {
      parsed = JSON.parse(answer.body) as SlackAnswer;
    } catch {
      throw new DeliveryError(this.options.name, `Slack ${method}: the answer is not JSON`, true);
    }
    if (parsed?.ok === true) return parsed;
    const code = errorCode(parsed?.error) ?? 'unknown_error';
    throw new DeliveryError(this.options.name, `Slack ${method}: ${code}`, TRANSIENT_CODES.has(code));
  }
}

interface SlackAnswer {
  ok?: boolean;
  error?: string;
  channel?: string;
  ts?: string;
}

/** A message as posted: never unfurled, so no preview of any link is fetched. */
function posted(rendered: SlackMessage): object {
  return { text: rendered.text, blocks: rendered.blocks, unfurl_links: false, unfurl_media: false };
}
