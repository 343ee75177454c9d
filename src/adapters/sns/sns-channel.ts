import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { renderSns } from '../../core/channels/sns.js';
import { DeliveryError } from '../../core/errors.js';
import type { Channel, ChannelMessage } from '../../core/ports.js';
import type { ThreadRef } from '../../core/record.js';
import { describeSdkError, isTransientSdkError } from '../aws/sdk-errors.js';
import { sha256Hex } from '../system/sha256.js';

export interface SnsOptions {
  name: string;
  topicArn: string;
  /** A client in the topic's Region, built with the SDK's retry strategy (createSnsClient). */
  client: SNSClient;
  /** Whether close() destroys the client (true when the factory built it for this channel). */
  ownsClient?: boolean;
}

/** SNS takes message group and deduplication ids of at most 128 characters from this set. */
const FIFO_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Publishes to an SNS topic: the notification document as the Message, an
 * ASCII subject, and severity, kind, product and account as String message
 * attributes for subscription filter policies. A FIFO topic (ARN ending in
 * `.fifo`) gets the finding as its message group, so one finding's
 * notifications arrive in order, and a deduplication id derived from the
 * notification id, so that SNS drops a repeat within its five-minute window.
 */
export class SnsChannel implements Channel {
  constructor(private readonly options: SnsOptions) {}

  async deliver(message: ChannelMessage): Promise<{ thread?: ThreadRef }> {
    const { name, topicArn, client } = this.options;
    const rendered = renderSns(message);
    const attributes: Record<string, MessageAttributeValue> = Object.fromEntries(
      Object.entries(rendered.attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
    );
    const command = new PublishCommand({
      TopicArn: topicArn,
      Subject: rendered.subject,
      Message: rendered.message,
      MessageAttributes: attributes,
      ...(topicArn.endsWith('.fifo') ? fifoIds(message) : {}),
    });
    try {
      await client.send(command);
    } catch (error) {
      const transient = isTransientSdkError(error);
      throw new DeliveryError(
        name,
        `SNS ${transient ? 'did not accept the message for now' : 'refused the message'}: ${describeSdkError(error)}`,
        transient,
        {
          cause: error,
        },
      );
    }
    return {};
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) this.options.client.destroy();
  }
}

/** The FIFO ids of a message: the finding key as the group (hashed when SNS would refuse it), a hash of the notification id as the deduplication id. */
export function fifoIds(message: ChannelMessage): { MessageGroupId: string; MessageDeduplicationId: string } {
  const key = message.finding.key;
  return {
    MessageGroupId: FIFO_ID.test(key) ? key : `sha256-${sha256Hex(key)}`,
    MessageDeduplicationId: sha256Hex(message.notification.id),
  };
}
