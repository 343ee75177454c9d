// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Block, readTerraformModule, statementsOf, type TerraformModule } from '../support/terraform-config.js';

/**
 * CloudWatch alarms can publish to an encrypted SNS topic only if the topic's
 * KMS key lets cloudwatch.amazonaws.com use it. The AWS-managed key
 * alias/aws/sns has a fixed key policy that cannot, so alarms notifying such a
 * topic fail silently. The example must use a key of its own. (The rendered
 * policies are checked in terraform-plan.test.ts.)
 */

const exampleDir = fileURLToPath(new URL('../../infra/examples/basic/', import.meta.url));

let example: TerraformModule;
beforeAll(async () => {
  example = await readTerraformModule(exampleDir);
});

const statement = (document: string, sid: string) =>
  statementsOf(example.data[`aws_iam_policy_document.${document}`] as Block).find((s) => s.sid === sid) as Block;

describe('the alarm topic of examples/basic', () => {
  it('is encrypted with a customer-managed key that rotates, not with alias/aws/sns', () => {
    const topic = example.resources['aws_sns_topic.alarms'] as Block;
    expect(topic.kms_master_key_id).not.toMatch(/alias\/aws\/sns/);
    expect(topic.kms_master_key_id).toBe('${aws_kms_key.alarms[0].arn}');
    const key = example.resources['aws_kms_key.alarms'] as Block;
    expect(key.enable_key_rotation).toBe(true);
    expect(key.policy).toBe('${data.aws_iam_policy_document.alarm_key.json}');
    expect(key.count).toBe(topic.count);
  });

  it('has a key policy that keeps the account in charge and lets CloudWatch of this account use the key', () => {
    const admin = statement('alarm_key', 'AccountAdministersKey');
    expect(admin.actions).toEqual(['kms:*']);
    expect(admin.principals).toEqual([
      { type: 'AWS', identifiers: ['arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root'] },
    ]);
    const cloudwatch = statement('alarm_key', 'CloudWatchAlarmsUseKey');
    expect(cloudwatch.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(cloudwatch.principals).toEqual([{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }]);
    expect(cloudwatch.condition).toEqual([{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['${local.account_id}'] }]);
  });

  it('lets only CloudWatch alarms of this account publish to the topic', () => {
    const policy = example.resources['aws_sns_topic_policy.alarms'] as Block;
    expect(policy.arn).toBe('${aws_sns_topic.alarms[0].arn}');
    expect(policy.policy).toBe('${data.aws_iam_policy_document.alarm_topic.json}');
    const publish = statement('alarm_topic', 'CloudWatchAlarmsPublish');
    expect(publish.actions).toEqual(['sns:Publish']);
    expect(publish.principals).toEqual([{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }]);
    expect(publish.condition).toEqual([
      { test: 'ArnLike', variable: 'aws:SourceArn', values: ['${local.account_alarms}'] },
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['${local.account_id}'] },
    ]);
  });
});
