import { createServer, type Server, type Socket } from 'node:net';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsFor } from '../../src/adapters/channels/channels.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { fifoIds } from '../../src/adapters/sns/sns-channel.js';
import { createSnsClient } from '../../src/adapters/sns/sns-client.js';
import { renderWebhookDocument } from '../../src/core/channels/webhook.js';
import { destinationsSchema } from '../../src/core/destinations.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { Channel } from '../../src/core/ports.js';
import { NOTIFY_DELIVERY } from '../../src/handlers/shared/secrets.js';
import { messageOf } from '../builders/channel-messages.js';
import { LOCAL_CREDENTIALS } from '../support/dynamodb-local.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { type Moto, motoAvailable, motoData, motoMissingMessage, startMoto } from '../support/moto.js';
import { rejectionOf } from '../support/rejection.js';

/**
 * The SNS channel against moto's server mode: standard and FIFO topics,
 * message attributes as a subscription filter policy sees them, and the
 * FIFO ids. moto is started here and stopped by its PID.
 */

type SentNotification = [
  messageId: string,
  message: string,
  subject: string,
  attributes: Record<string, { Type: string; Value: string }>,
  groupId: string | null,
];

describe.skipIf(!motoAvailable)(motoAvailable ? 'an SNS topic' : `an SNS topic — skipped: ${motoMissingMessage}`, () => {
  let moto: Moto;
  let client: SNSClient;
  let channels: Map<string, Channel>;
  let topics: { standard: string; fifo: string };
  /** The publishes the client sent, as the SDK sent them. */
  const inputs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    client = createSnsClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: LOCAL_CREDENTIALS });
    client.middlewareStack.add(
      (next) => async (args) => {
        inputs.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'recordInputs' },
    );
    const standard = await client.send(new CreateTopicCommand({ Name: 'security-pager' }));
    const fifo = await client.send(new CreateTopicCommand({ Name: 'security-pager.fifo', Attributes: { FifoTopic: 'true' } }));
    topics = { standard: standard.TopicArn!, fifo: fifo.TopicArn! };
    const destinations = destinationsSchema.parse({
      pager: { type: 'sns', topic_arn: topics.standard },
      'pager-fifo': { type: 'sns', topic_arn: topics.fifo },
      gone: { type: 'sns', topic_arn: 'arn:aws:sns:eu-west-1:123456789012:deleted-topic' },
    });
    channels = channelsFor(destinations, new EnvironmentSecrets({}), { snsClient: () => client });
  });

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  const sent = async (topicArn: string): Promise<SentNotification[]> => {
    const topic = (await motoData(moto.endpoint)).sns!.Topic!.find((t) => (t as { arn: string }).arn === topicArn) as {
      sent_notifications: SentNotification[];
    };
    return topic.sent_notifications;
  };

  it('publishes the webhook document with an ASCII subject and String attributes', async () => {
    // prepare
    const message = messageOf(GUARDDUTY_SAMPLE, 'new', { accountName: 'payments-production' });

    // act
    await channels.get('pager')!.deliver(message);

    // assess
    const [[, body, subject, attributes, groupId]] = (await sent(topics.standard)) as [SentNotification];
    expect(JSON.parse(body)).toEqual(renderWebhookDocument(message));
    expect(subject).toBe('HIGH GuardDuty: The EC2 instance i-0abc123def4567890 queried a DGA domain name. (payments-produc...');
    expect(attributes).toEqual({
      severity: { Type: 'String', Value: 'HIGH' },
      kind: { Type: 'String', Value: 'new' },
      product: { Type: 'String', Value: 'guardduty' },
      account: { Type: 'String', Value: '111122223333' },
    });
    expect(groupId).toBeNull();
  });

  it('lets a subscription filter policy pick new CRITICAL and HIGH findings by their attributes', async () => {
    // prepare
    const pages: string[] = [];
    const pagerDuty = new FakeHttpServer((request) => {
      pages.push((JSON.parse(request.body) as { Message: string }).Message);
      return { status: 200 };
    });
    const endpoint = await pagerDuty.start();
    await client.send(
      new SubscribeCommand({
        TopicArn: topics.standard,
        Protocol: 'http',
        Endpoint: `${endpoint}/integration/sns`,
        Attributes: { FilterPolicy: JSON.stringify({ severity: ['CRITICAL', 'HIGH'], kind: ['new'] }) },
      }),
    );

    try {
      // act
      for (const message of [
        messageOf(INSPECTOR_SAMPLE, 'new'),
        messageOf(CONTROL_SAMPLE, 'new'),
        messageOf(GUARDDUTY_SAMPLE, 'reminder'),
        messageOf(GUARDDUTY_SAMPLE, 'resolved'),
      ])
        await channels.get('pager')!.deliver(message);

      // assess
      expect(pages.map((page) => (JSON.parse(page) as { finding: { productName: string } }).finding.productName)).toEqual(['Inspector']);
    } finally {
      await pagerDuty.stop();
    }
  });

  it('gives a FIFO topic the finding as message group and a deduplication id that is the same for the same notification', async () => {
    // prepare
    const message = messageOf(INSPECTOR_SAMPLE, 'reminder');
    inputs.length = 0;

    // act
    await channels.get('pager-fifo')!.deliver(message);
    await channels.get('pager-fifo')!.deliver(structuredClone(message));
    await channels.get('pager-fifo')!.deliver(messageOf(INSPECTOR_SAMPLE, 'reminder', { days: 27 }));

    // assess
    const ids = inputs.map((input) => [input.MessageGroupId, input.MessageDeduplicationId]);
    expect(ids[0]).toEqual([INSPECTOR_SAMPLE.key, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]![0]).toBe(ids[0]![0]);
    expect(ids[2]![1]).not.toBe(ids[0]![1]);
    expect((await sent(topics.fifo)).map((notification) => notification[4])).toEqual([
      INSPECTOR_SAMPLE.key,
      INSPECTOR_SAMPLE.key,
      INSPECTOR_SAMPLE.key,
    ]);
  });

  it('derives the FIFO ids the same way in every run, and hashes a finding key SNS would refuse as a group', () => {
    const message = messageOf(GUARDDUTY_SAMPLE, 'new');
    expect(fifoIds(message)).toEqual(fifoIds(structuredClone(message)));
    // The hex SHA-256 of the notification id, pinned so that a change to it shows.
    expect(fifoIds({ ...message, notification: { ...message.notification, id: 'n-1' } }).MessageDeduplicationId).toBe(
      '51aeea8ffa05d2620d35c87463465885e77df13171d5708746df1a9f36d47f35',
    );
    const long = { ...message, finding: { ...message.finding, key: `${'k'.repeat(200)} é` } };
    expect(fifoIds(long).MessageGroupId).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it('refuses for good to publish to a topic that does not exist', async () => {
    const error = await rejectionOf(channels.get('gone')!.deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);
    expect(error).toMatchObject({ transient: false, destination: 'gone' });
    expect(error.message).toMatch(/^gone: SNS refused the message: NotFound/);
  });
});

describe('an SNS destination that does not answer', () => {
  let server: Server;
  const connections: Socket[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((socket) => {
      connections.push(socket); // accepts the request and never answers it
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
  });

  afterAll(async () => {
    for (const name of ['AWS_ENDPOINT_URL_SNS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds the notify task’s delivery to its one attempt and time limit, leaving the rest to a later run', async () => {
    // prepare
    const destinations = destinationsSchema.parse({
      pager: { type: 'sns', topic_arn: 'arn:aws:sns:eu-west-1:123456789012:security-pager' },
    });
    const channels = channelsFor(destinations, new EnvironmentSecrets({}), { ...NOTIFY_DELIVERY, timeoutMs: 300 });

    // act
    const error = await rejectionOf(channels.get('pager')!.deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);
    await channels.get('pager')!.close?.();

    // assess
    expect(error).toMatchObject({ transient: true, destination: 'pager' });
    expect(connections).toHaveLength(1);
  });
});
