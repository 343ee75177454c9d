import type { SNSClient } from '@aws-sdk/client-sns';
import type { Destination, Destinations } from '../../core/destinations.js';
import type { Channel, Runtime, SecretSource } from '../../core/ports.js';
import { SlackBotChannel } from '../slack/slack-bot-channel.js';
import { slackWebhookChannel } from '../slack/slack-webhook-channel.js';
import { SnsChannel } from '../sns/sns-channel.js';
import { createSnsClient } from '../sns/sns-client.js';
import { systemRuntime } from '../system/runtime.js';
import { teamsChannel } from '../teams/teams-channel.js';
import { WebhookChannel } from '../webhook/webhook-channel.js';
import { CHANNEL_RETRY, type DeliveryRetry } from './attempts.js';
import type { HttpDelivery } from './http-delivery.js';
import { Pacer } from './pacer.js';

export interface ChannelsOptions {
  /** Clock (signatures, Retry-After dates, pacing), sleep and randomness (backoff); the real ones by default. */
  runtime?: Runtime;
  /** Retries inside one delivery (SNS: its attempts and backoff); CHANNEL_RETRY by default (SNS: the client's own). */
  retry?: DeliveryRetry;
  /** How long one attempt may take, to an HTTP destination or to SNS; 10 seconds by default. */
  timeoutMs?: number;
  /**
   * The SNS client for a topic's Region. By default each SNS destination
   * gets a client of its own (createSnsClient), destroyed by its close().
   */
  snsClient?: (region: string) => SNSClient;
  /** Slack's Web API base URL; another only for tests. */
  slackApiUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Builds a Channel for every destination of the policy, by name. Channels
 * read their secrets at each delivery (a missing one fails that delivery
 * with a ConfigurationError naming it), and share one pacer, so that two
 * destinations posting to the same URL or Slack channel share its pace.
 * Call each channel's close() when done.
 */
export function channelsFor(destinations: Destinations, secrets: SecretSource, options: ChannelsOptions = {}): Map<string, Channel> {
  const runtime = options.runtime ?? systemRuntime;
  const http: HttpDelivery = {
    runtime,
    pacer: new Pacer(runtime),
    retry: options.retry ?? CHANNEL_RETRY,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  return new Map(Object.entries(destinations).map(([name, destination]) => [name, channelFor(name, destination, secrets, http, options)]));
}

function channelFor(name: string, destination: Destination, secrets: SecretSource, http: HttpDelivery, options: ChannelsOptions): Channel {
  switch (destination.type) {
    case 'slack':
      return 'token' in destination
        ? new SlackBotChannel({
            name,
            secret: destination.token.secret,
            channel: destination.channel,
            secrets,
            http,
            ...(options.slackApiUrl ? { apiUrl: options.slackApiUrl } : {}),
          })
        : slackWebhookChannel({ name, secret: destination.webhook.secret, secrets, http });
    case 'teams':
      return teamsChannel({ name, secret: destination.webhook.secret, secrets, http });
    case 'webhook':
      return new WebhookChannel({ name, url: destination.url, signingSecret: destination.signingSecret.secret, secrets, http });
    case 'sns': {
      const region = destination.topicArn.split(':')[3] ?? '';
      return options.snsClient
        ? new SnsChannel({ name, topicArn: destination.topicArn, client: options.snsClient(region) })
        : new SnsChannel({ name, topicArn: destination.topicArn, client: snsClientWithin(region, options), ownsClient: true });
    }
  }
}

/**
 * An SNS client held to the delivery's limits when the caller sets them (the
 * notify task: one attempt of at most 4 s), so that SNS is no exception to the
 * time a delivery may take; otherwise createSnsClient's own.
 */
function snsClientWithin(region: string, { retry, timeoutMs }: ChannelsOptions): SNSClient {
  return createSnsClient({ region }, retry && { maxAttempts: retry.attempts, baseMs: retry.baseMs, capMs: retry.capMs }, timeoutMs);
}
