import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CHANNEL_RETRY, type DeliveryRetry } from '../../src/adapters/channels/attempts.js';
import { channelsFor } from '../../src/adapters/channels/channels.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { createSnsClient } from '../../src/adapters/sns/sns-client.js';
import { type Destinations, destinationsSchema } from '../../src/core/destinations.js';
import type { Channel } from '../../src/core/ports.js';
import { LOCAL_CREDENTIALS } from './dynamodb-local.js';
import { FakeHttpServer } from './fake-http.js';
import { FakeSlack, SLACK_TOKEN } from './fake-slack.js';
import { FakeTeams } from './fake-teams.js';
import { type Moto, motoAvailable, startMoto } from './moto.js';
import { VirtualTime } from './virtual-time.js';
import { WebhookConsumer } from './webhook-consumer.js';

/** The signing key the harness's webhook shares with its receiver. */
export const SIGNING_KEY = 'whsec-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d';

/**
 * Every kind of destination at once, each with its local receiver: Slack
 * (webhook and bot), Teams, a signed webhook and, when moto is installed, an
 * SNS FIFO topic reached through a proxy that can fail like the others.
 * The secrets are the receivers' URLs, token and key, in an environment.
 */
export class ChannelHarness {
  readonly slack = new FakeSlack();
  readonly teams = new FakeTeams();
  readonly time = new VirtualTime();
  readonly consumer = new WebhookConsumer(SIGNING_KEY, () => Math.floor(this.time.clock.now().getTime() / 1000));
  /** Between the SNS client and moto: forwards every request it does not fail. */
  readonly snsProxy = new FakeHttpServer((request) => this.forward(request));
  moto: Moto | undefined;
  sns: SNSClient | undefined;
  topicArn = '';
  destinations: Destinations = {};
  environment: Record<string, string> = {};

  async start(): Promise<this> {
    await Promise.all([this.slack.start(), this.teams.start(), this.consumer.start()]);
    const destinations: Record<string, unknown> = {
      'secops-slack': { type: 'slack', webhook: { secret: 'SLACK_SECOPS_WEBHOOK' } },
      'secops-bot': { type: 'slack', token: { secret: 'SLACK_BOT_TOKEN' }, channel: 'C0123456789' },
      'platform-teams': { type: 'teams', webhook: { secret: 'TEAMS_PLATFORM_WEBHOOK' } },
      siem: { type: 'webhook', url: { secret: 'SIEM_URL' }, signing_secret: { secret: 'SIEM_HMAC' } },
    };
    if (motoAvailable) {
      this.moto = await startMoto();
      this.sns = createSnsClient(
        { endpoint: await this.snsProxy.start(), region: 'eu-west-1', credentials: LOCAL_CREDENTIALS },
        { maxAttempts: 2, baseMs: 10, capMs: 20 },
      );
      const created = await this.sns.send(new CreateTopicCommand({ Name: 'security-pager.fifo', Attributes: { FifoTopic: 'true' } }));
      this.topicArn = created.TopicArn!;
      destinations.pager = { type: 'sns', topic_arn: this.topicArn };
    }
    this.destinations = destinationsSchema.parse(destinations);
    this.environment = {
      SLACK_SECOPS_WEBHOOK: this.slack.webhookUrl,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      TEAMS_PLATFORM_WEBHOOK: this.teams.webhookUrl,
      SIEM_URL: this.consumer.url,
      SIEM_HMAC: SIGNING_KEY,
    };
    return this;
  }

  /** The channels, as a composition root builds them. */
  channels(retry: DeliveryRetry = CHANNEL_RETRY, timeoutMs = 5_000, environment = this.environment): Map<string, Channel> {
    const sns = this.sns;
    return channelsFor(this.destinations, new EnvironmentSecrets(environment, this.destinations), {
      runtime: this.time,
      retry,
      timeoutMs,
      slackApiUrl: this.slack.apiUrl,
      ...(sns ? { snsClient: () => sns } : {}),
    });
  }

  /** Every fake's server, for faults. */
  get servers(): FakeHttpServer[] {
    return [this.slack.server, this.teams.server, this.consumer.server, ...(this.moto ? [this.snsProxy] : [])];
  }

  /** What moto's topic was sent: message, subject, attributes and group id of each notification. */
  async published(): Promise<{ message: string; subject: string; attributes: Record<string, { Value: string }>; groupId: string }[]> {
    if (!this.moto) return [];
    const data = (await (await fetch(`${this.moto.endpoint}/moto-api/data.json`)).json()) as {
      sns: { Topic: { arn: string; sent_notifications: [string, string, string, Record<string, { Value: string }>, string][] }[] };
    };
    const topic = data.sns.Topic.find((t) => t.arn === this.topicArn);
    return (topic?.sent_notifications ?? []).map(([, message, subject, attributes, groupId]) => ({
      message,
      subject,
      attributes,
      groupId,
    }));
  }

  async stop(): Promise<void> {
    this.sns?.destroy();
    await Promise.all([this.slack.stop(), this.teams.stop(), this.consumer.stop(), this.snsProxy.stop()]);
    await this.moto?.stop();
  }

  private async forward(request: { url: string; headers: Record<string, unknown>; body: string; method: string }) {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const response = await fetch(`${this.moto!.endpoint}${request.url}`, { method: request.method, headers, body: request.body });
    return {
      status: response.status,
      body: await response.text(),
      headers: { 'content-type': response.headers.get('content-type') ?? 'text/xml' },
    };
  }
}
