import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { documentOf } from '../../src/adapters/dynamodb/record-item.js';
import { sha256Hex } from '../../src/adapters/system/sha256.js';
import { validatePolicy } from '../../src/core/policy.js';
import { POLICY_DOCUMENT, policyOfDocument } from '../../src/core/policy-fingerprint.js';
import { type FakeSts, startFakeSts } from '../support/fake-sts.js';
import {
  copyInfra,
  offlineProviderOverride,
  resourcesToAdd,
  terraform,
  terraformAsync,
  terraformAvailable,
  terraformEnv,
  terraformPluginDir,
} from '../support/terraform-cli.js';

/**
 * `terraform plan` of the module and of examples/basic with the real AWS
 * provider and no account: placeholder credentials, and STS (the only AWS API
 * a plan of this module calls, for the account id) answered by a stand-in on
 * 127.0.0.1, configured through an override file in a temporary copy. The
 * rendered IAM documents are checked here, as AWS will receive them.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const pluginDir = terraformPluginDir();
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const SENDER = 'sechub-alerts@example.com';
const FUNCTIONS = ['check-record', 'check-age', 'notify', 'daily'];
const ORGANIZATIONS_READ = [
  'organizations:DescribeAccount',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListParents',
  'organizations:ListRoots',
  'organizations:ListTagsForResource',
];

interface PlannedResource {
  address: string;
  type: string;
  name: string;
  index?: string | number;
  change: { actions: string[]; after: Record<string, unknown> };
}

interface PlannedOutput {
  after?: unknown;
  after_unknown?: unknown;
}

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A statement as compared here: actions and resources sorted, the condition kept as written. */
interface Grant {
  actions: string[];
  resources: string[];
  condition?: Statement['Condition'];
}

const sorted = (value: string | string[]) => (Array.isArray(value) ? [...value] : [value]).sort();

/** A policy document's statements as written, with the order of lists of actions left out. */
const statementsIn = (policy: unknown) =>
  (JSON.parse(String(policy)).Statement as Statement[]).map((s) => (Array.isArray(s.Action) ? { ...s, Action: sorted(s.Action) } : s));

/** A policy document's statements by Sid. */
function grants(policy: unknown): Record<string, Grant> {
  const document = JSON.parse(String(policy)) as { Statement: Statement[] };
  return Object.fromEntries(
    document.Statement.map((s) => {
      expect({ sid: s.Sid, effect: s.Effect }).toEqual({ sid: s.Sid, effect: 'Allow' });
      return [s.Sid, { actions: sorted(s.Action), resources: sorted(s.Resource), ...(s.Condition ? { condition: s.Condition } : {}) }];
    }),
  );
}

/** A resource of a plan by address; fails the test when the plan has none. */
function plannedIn(resources: PlannedResource[], address: string): PlannedResource {
  const resource = resources.find((r) => r.address === address);
  expect(resource, `${address} is not in the plan`).toBeDefined();
  return resource as PlannedResource;
}

/**
 * The policy item as the functions read it: the DynamoDB JSON of the plan decoded with the
 * store's own documentOf, then policyOfDocument and validatePolicy, as at a cold start; it
 * must give the policy the YAML file gives the command line, and hash to every function's
 * POLICY_SHA256.
 */
function expectTheFunctionsReadThePolicy(resources: PlannedResource[], policyFile: string): void {
  // prepare
  const item = JSON.parse(String(plannedIn(resources, 'aws_dynamodb_table_item.policy').change.after.item)) as Record<
    string,
    AttributeValue
  >;
  const fromFile = validatePolicy(parseYaml(readFileSync(join(repoRoot, 'infra', policyFile), 'utf8')));
  // act
  const document = documentOf(POLICY_DOCUMENT.kind, item);
  const policy = validatePolicy(policyOfDocument(document.value));
  // assess
  expect(Object.keys(item).sort()).toEqual(['pk', 'value', 'version']);
  expect(document).toEqual({ id: POLICY_DOCUMENT.id, value: expect.any(String), version: 1 });
  expect(policy).toEqual(fromFile);
  const hashes = FUNCTIONS.map((fn) => {
    const variables = (
      plannedIn(resources, `aws_lambda_function.function["${fn}"]`).change.after.environment as { variables: Record<string, string> }[]
    )[0]?.variables;
    expect(variables).not.toHaveProperty('POLICY');
    return variables?.POLICY_SHA256;
  });
  expect(hashes).toEqual(FUNCTIONS.map(() => sha256Hex(document.value)));
}

/** The role policy statements of each function that grant access by a "*" resource, as "role/Sid". */
function starGrants(resources: PlannedResource[]): string[] {
  return resources
    .filter((r) => r.type === 'aws_iam_role_policy')
    .flatMap((r) =>
      Object.entries(grants(r.change.after.policy))
        .filter(([, grant]) => grant.resources.includes('*'))
        .map(([sid]) => `${r.address}/${sid}`),
    )
    .sort();
}

describe.skipIf(!terraformAvailable() || !pluginDir)('an offline terraform plan with the real AWS provider', () => {
  let work: string;
  let copy: string;
  let example: string;
  let sts: FakeSts;
  const env = () => terraformEnv(work, { AWS_REGION: REGION });

  /** Plans `dir` with `vars`; on success, also the plan as `terraform show -json` gives it. */
  async function plan(label: string, dir: string, vars: Record<string, string>, { shouldFail = false } = {}) {
    const planFile = join(work, `${label.replace(/\W+/g, '-')}.tfplan`);
    const args = ['plan', '-no-color', '-lock=false', `-out=${planFile}`, ...Object.entries(vars).map(([k, v]) => `-var=${k}=${v}`)];
    const run = await terraformAsync(args, dir, env());
    const output = run.stdout + run.stderr;
    if (run.status !== 0) {
      console.log(`terraform plan ${label}: ${shouldFail ? 'failed, as it should' : 'failed'}`);
      return { ok: false, output, resources: [] as PlannedResource[], outputs: {} as Record<string, PlannedOutput> };
    }
    const show = terraform(['show', '-json', planFile], dir, env());
    expect(show.status, show.stderr).toBe(0);
    const planned = JSON.parse(show.stdout) as { resource_changes: PlannedResource[]; output_changes?: Record<string, PlannedOutput> };
    console.log(`terraform plan ${label}: ok (${resourcesToAdd(output)} resources to add)`);
    return { ok: true, output, resources: planned.resource_changes, outputs: planned.output_changes ?? {} };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'sechub-plan-'));
    copy = copyInfra(repoRoot, work);
    example = join(copy, 'examples/basic');
    sts = await startFakeSts(ACCOUNT);
    for (const dir of [copy, example]) {
      writeFileSync(join(dir, 'offline_override.tf'), offlineProviderOverride(sts.url));
      const init = terraform(['init', '-backend=false', `-plugin-dir=${pluginDir}`, '-no-color'], dir, env());
      if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stdout}${init.stderr}`);
    }
  }, 180_000);

  afterAll(async () => {
    await sts?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('of the module, with write_back, an SES domain and reserved concurrency', () => {
    let resources: PlannedResource[];
    let outputs: Record<string, PlannedOutput>;
    beforeAll(async () => {
      const run = await plan('infra', copy, {
        policy_file: 'examples/basic/policy.yaml',
        write_back: 'true',
        ses_domain: 'example.com',
        reserved_concurrency: '{ notify = 5 }',
      });
      expect(run.ok, run.output).toBe(true);
      resources = run.resources;
      outputs = run.outputs;
    }, 300_000);

    const planned = (address: string) => plannedIn(resources, address);
    const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

    it('asks AWS nothing but STS GetCallerIdentity', () => {
      expect(sts.actions.length).toBeGreaterThan(0);
      expect([...new Set(sts.actions)]).toEqual(['GetCallerIdentity']);
    });

    it('renders every function policy with exactly the actions and resources the function needs', () => {
      // prepare
      const table = arn('dynamodb', `table/${planned('aws_dynamodb_table.findings').change.after.name}`);
      const logs = (fn: string) => ({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arn('logs', `log-group:${planned(`aws_cloudwatch_log_group.function["${fn}"]`).change.after.name}:*`)],
      });
      const sendAsSender = {
        actions: ['ses:SendEmail'],
        resources: [arn('ses', `identity/${SENDER}`), arn('ses', 'identity/example.com')].sort(),
        condition: { StringEquals: { 'ses:FromAddress': SENDER } },
      };
      const securityHub = [arn('securityhub', 'hub/default'), arn('securityhub', 'hubv2/*')].sort();
      const writeBack = { actions: ['securityhub:BatchUpdateFindings'], resources: securityHub };
      const queue = arn('sqs', String(planned('aws_sqs_queue.dead_letter').change.after.name));
      const policy = (fn: string) => grants(planned(`aws_iam_role_policy.function["${fn}"]`).change.after.policy);
      // assess
      expect(policy('check-record')).toEqual({
        WriteOwnLogs: logs('check-record'),
        ReadRecords: { actions: ['dynamodb:GetItem'], resources: [table] },
      });
      expect(policy('check-age')).toEqual({
        WriteOwnLogs: logs('check-age'),
        ReadWriteRecords: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [table] },
      });
      expect(policy('notify')).toEqual({
        WriteOwnLogs: logs('notify'),
        ReadWriteRecords: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [table] },
        SendAsSender: sendAsSender,
        WriteBackToSecurityHub: writeBack,
      });
      expect(policy('daily')).toEqual({
        WriteOwnLogs: logs('daily'),
        SweepRecords: { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'], resources: [table] },
        ReadSecurityHub: { actions: ['securityhub:GetFindings'], resources: securityHub },
        WriteBackToSecurityHub: writeBack,
        SendAsSender: sendAsSender,
        DeadLetterFailedRuns: { actions: ['sqs:SendMessage'], resources: [queue] },
      });
    });

    it('lets the state machine invoke its three tasks and EventBridge start only this state machine', () => {
      const fn = (name: string) =>
        arn('lambda', `function:${planned(`aws_lambda_function.function["${name}"]`).change.after.function_name}`);
      const machine = grants(planned('aws_iam_role_policy.state_machine').change.after.policy);
      expect(machine.InvokeTasks).toEqual({
        actions: ['lambda:InvokeFunction'],
        resources: [fn('check-record'), fn('check-age'), fn('notify')].sort(),
      });
      expect(Object.keys(machine).sort()).toEqual(['CloudWatchLogsDelivery', 'InvokeTasks']);
      expect(grants(planned('aws_iam_role_policy.events').change.after.policy)).toEqual({
        StartWorkflow: {
          actions: ['states:StartExecution'],
          resources: [arn('states', `stateMachine:${planned('aws_sfn_state_machine.findings').change.after.name}`)],
        },
      });
    });

    it('uses a "*" resource only for the state machine’s CloudWatch Logs delivery', () => {
      expect(starGrants(resources)).toEqual(['aws_iam_role_policy.state_machine/CloudWatchLogsDelivery']);
    });

    it('writes the policy into the table as a document the functions read, and gives them its hash', () => {
      expect(planned('aws_dynamodb_table_item.policy').change.after).toMatchObject({
        table_name: planned('aws_dynamodb_table.findings').change.after.name,
        hash_key: 'pk',
      });
      expectTheFunctionsReadThePolicy(resources, 'examples/basic/policy.yaml');
    });

    it('grants no Organizations, secrets, SNS or KMS to a policy without the account directory and destinations', () => {
      const actions = resources
        .filter((r) => r.type === 'aws_iam_role_policy')
        .flatMap((r) => Object.values(grants(r.change.after.policy)).flatMap((grant) => grant.actions));
      expect(actions.filter((action) => /^(organizations|secretsmanager|ssm|sns|kms):/.test(action))).toEqual([]);
    });

    it('runs the daily job at 06:00 UTC for a policy without digests', () => {
      expect(planned('aws_cloudwatch_event_rule.daily').change.after.schedule_expression).toBe('cron(0 6 * * ? *)');
      expect(outputs.daily_schedule_expression?.after).toBe('cron(0 6 * * ? *)');
    });

    it('verifies the SES domain with Easy DKIM, whose DNS records are outputs once SES made the tokens', () => {
      const domain = planned('aws_sesv2_email_identity.domain["example.com"]');
      expect(domain.change.after.dkim_signing_attributes).toEqual([expect.objectContaining({ next_signing_key_length: 'RSA_2048_BIT' })]);
      expect(outputs.ses_domain_dkim_tokens?.after_unknown).toBe(true);
      expect(outputs.ses_domain_dns_records?.after_unknown).toBe(true);
    });

    it('reserves concurrency for the function named, and leaves the others unreserved', () => {
      const reserved = Object.fromEntries(
        FUNCTIONS.map((fn) => [fn, planned(`aws_lambda_function.function["${fn}"]`).change.after.reserved_concurrent_executions]),
      );
      expect(reserved).toEqual({ 'check-record': -1, 'check-age': -1, notify: 5, daily: -1 });
    });

    it('lets only the two rules of this deployment drop events into the dead-letter queue', () => {
      const rule = (name: string) => arn('events', `rule/${planned(`aws_cloudwatch_event_rule.${name}`).change.after.name}`);
      const queue = grants(planned('aws_sqs_queue_policy.dead_letter').change.after.policy);
      expect(queue.EventBridgeDeadLetters?.condition).toEqual({ ArnEquals: { 'aws:SourceArn': [rule('findings'), rule('daily')] } });
    });
  });

  describe('of the module with destinations, the account directory from Organizations and a digest rule', () => {
    const policyFile = 'tests/policies/destinations.yaml';
    const secretsManager = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
    const parameter = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`;
    const SECRETS = {
      SLACK_SECOPS_WEBHOOK: secretsManager('sechub/slack-secops-AbC123'),
      SLACK_BOT_TOKEN: secretsManager('sechub/slack-bot-DeF456'),
      TEAMS_PLATFORM_WEBHOOK: parameter('sechub/teams-platform'),
      SIEM_HMAC: parameter('sechub/siem-hmac'),
      AUDIT_URL: parameter('sechub/audit-url'),
    };
    const SECRETS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
    const TOPICS_KEY = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`;
    const hcl = (value: unknown) => JSON.stringify(value).replace(/":/g, '" =');
    let resources: PlannedResource[];
    let outputs: Record<string, PlannedOutput>;
    beforeAll(async () => {
      const run = await plan('infra with destinations', copy, {
        policy_file: policyFile,
        secrets: hcl(SECRETS),
        secrets_kms_key_arns: hcl([SECRETS_KEY]),
        sns_kms_key_arns: hcl([TOPICS_KEY]),
        baseline_on_first_run: 'true',
      });
      expect(run.ok, run.output).toBe(true);
      resources = run.resources;
      outputs = run.outputs;
    }, 300_000);

    const planned = (address: string) => plannedIn(resources, address);
    const policy = (fn: string) => grants(planned(`aws_iam_role_policy.function["${fn}"]`).change.after.policy);
    const table = () => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${planned('aws_dynamodb_table.findings').change.after.name}`;
    const readOrganization = { actions: ORGANIZATIONS_READ, resources: ['*'] };

    it('keeps every section of the policy in the document the functions read', () => {
      expectTheFunctionsReadThePolicy(resources, policyFile);
    });

    it('lets every function read the organization, and check-record cache only the directory’s documents', () => {
      for (const fn of FUNCTIONS) expect({ fn, grant: policy(fn).ReadOrganization }).toEqual({ fn, grant: readOrganization });
      expect(policy('check-record')).toEqual({
        WriteOwnLogs: expect.anything(),
        ReadRecords: { actions: ['dynamodb:GetItem'], resources: [table()] },
        CacheAccountDirectory: {
          actions: ['dynamodb:PutItem'],
          resources: [table()],
          condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['doc#org-account#*', 'doc#org-ou#*'] } },
        },
        ReadOrganization: readOrganization,
      });
      expect(Object.keys(policy('check-age')).sort()).toEqual(['ReadOrganization', 'ReadWriteRecords', 'WriteOwnLogs']);
    });

    it('lets notify and daily read exactly the secrets the destinations name and publish to exactly their topics', () => {
      const delivery = {
        ReadDestinationSecrets: {
          actions: ['secretsmanager:GetSecretValue'],
          resources: [SECRETS.SLACK_BOT_TOKEN, SECRETS.SLACK_SECOPS_WEBHOOK].sort(),
        },
        ReadDestinationParameters: {
          actions: ['ssm:GetParameter'],
          resources: [SECRETS.AUDIT_URL, SECRETS.SIEM_HMAC, SECRETS.TEAMS_PLATFORM_WEBHOOK].sort(),
        },
        DecryptDestinationSecrets: {
          actions: ['kms:Decrypt'],
          resources: [SECRETS_KEY],
          condition: { StringEquals: { 'kms:ViaService': [`secretsmanager.${REGION}.amazonaws.com`, `ssm.${REGION}.amazonaws.com`] } },
        },
        PublishToTopics: {
          actions: ['sns:Publish'],
          resources: [`arn:aws:sns:eu-central-1:${ACCOUNT}:security-archive.fifo`, `arn:aws:sns:${REGION}:${ACCOUNT}:security-pager`],
        },
        EncryptForTopics: {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [TOPICS_KEY],
          condition: { StringEquals: { 'kms:ViaService': ['sns.eu-central-1.amazonaws.com', `sns.${REGION}.amazonaws.com`] } },
        },
      };
      for (const fn of ['notify', 'daily']) expect({ fn, policy: policy(fn) }).toEqual({ fn, policy: expect.objectContaining(delivery) });
      expect(Object.keys(policy('notify')).sort()).toEqual(
        ['ReadOrganization', 'ReadWriteRecords', 'SendAsSender', 'WriteOwnLogs', ...Object.keys(delivery)].sort(),
      );
      for (const fn of ['check-record', 'check-age']) expect(Object.keys(policy(fn))).not.toContain('PublishToTopics');
    });

    it('uses "*" resources only for log delivery and the Organizations reads', () => {
      expect(starGrants(resources)).toEqual(
        [
          'aws_iam_role_policy.state_machine/CloudWatchLogsDelivery',
          ...FUNCTIONS.map((fn) => `aws_iam_role_policy.function["${fn}"]/ReadOrganization`),
        ].sort(),
      );
    });

    it('gives notify and daily the secrets’ locations, daily the baseline, and runs it hourly for the digest', () => {
      const variables = (fn: string) =>
        (planned(`aws_lambda_function.function["${fn}"]`).change.after.environment as { variables: Record<string, string> }[])[0]
          ?.variables;
      expect(JSON.parse(variables('notify')?.SECRETS ?? '')).toEqual(SECRETS);
      expect(JSON.parse(variables('daily')?.SECRETS ?? '')).toEqual(SECRETS);
      expect(variables('daily')?.BASELINE_FIRST_RUN).toBe('true');
      expect(planned('aws_cloudwatch_event_rule.daily').change.after.schedule_expression).toBe('rate(1 hour)');
      expect(outputs.daily_schedule_expression?.after).toBe('rate(1 hour)');
    });

    it('fails, saying what is missing and what to do, for an unmapped secret and a daily schedule with digests', async () => {
      // act
      const { SIEM_HMAC: _left, ...others } = SECRETS;
      const vars = { policy_file: policyFile, secrets: hcl(others), schedule_expression: 'cron(0 6 * * ? *)' };
      const run = await plan('infra with an unmapped secret and a daily schedule', copy, vars, { shouldFail: true });
      // assess
      expect(run.ok).toBe(false);
      const output = run.output.replace(/\s+/g, ' ').replace(/ ?│ ?/g, ' ');
      expect(output).toContain('name secrets that the variable secrets does not map: SIEM_HMAC (audit-log, siem)');
      expect(output).toMatch(/digests need the job to run at least hourly; schedule_expression is cron\(0 6 \* \* \? \*\)/);
      expect(output).toContain('costs about $0.24 a month for 10,000 tracked findings');
    }, 300_000);
  });

  describe('of examples/basic, with an alarm address', () => {
    let resources: PlannedResource[];
    beforeAll(async () => {
      const run = await plan('examples/basic', example, { alarm_email: 'ops@example.com' });
      expect(run.ok, run.output).toBe(true);
      resources = run.resources;
    }, 300_000);

    const planned = (address: string) =>
      plannedIn(resources, address) as PlannedResource & { change: { after_unknown: Record<string, unknown> } };

    it('plans the module with write-back off: no role may update findings', () => {
      const policies = resources.filter((r) => r.type === 'aws_iam_role_policy').map((r) => String(r.change.after.policy));
      expect(policies.length).toBe(6);
      for (const policy of policies) expect(policy).not.toContain('securityhub:BatchUpdateFindings');
    });

    it('encrypts the alarm topic with its own rotating key, which CloudWatch of this account may use', () => {
      // prepare
      const key = planned('aws_kms_key.alarms[0]');
      const topic = planned('aws_sns_topic.alarms[0]');
      const statements = statementsIn(key.change.after.policy);
      // assess
      expect(key.change.after.enable_key_rotation).toBe(true);
      expect(topic.change.after_unknown.kms_master_key_id).toBe(true); // the new key's ARN, known after apply
      expect(topic.change.after.kms_master_key_id).toBeUndefined();
      expect(statements).toEqual([
        {
          Sid: 'AccountAdministersKey',
          Effect: 'Allow',
          Action: 'kms:*',
          Resource: '*',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        },
        {
          Sid: 'CloudWatchAlarmsUseKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ]);
    });

    it('lets only CloudWatch alarms of this account publish to the alarm topic', () => {
      const statements = statementsIn(planned('aws_sns_topic_policy.alarms[0]').change.after.policy);
      expect(statements).toEqual([
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: `arn:aws:sns:${REGION}:${ACCOUNT}:${planned('aws_sns_topic.alarms[0]').change.after.name}`,
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: {
            ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:*` },
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
          },
        },
      ]);
      expect(planned('module.sechub_alerts.aws_cloudwatch_metric_alarm.executions_failed').change.after_unknown.alarm_actions).toBeTruthy();
    });
  });

  describe('of the module without the built zips', () => {
    it('fails with the precondition that says to build them, before anything hashes a missing file', async () => {
      // prepare
      const empty = join(work, 'no-zips');
      mkdirSync(empty);
      // act
      const vars = { policy_file: 'examples/basic/policy.yaml', lambda_dist_dir: empty };
      const run = await plan('infra without zips', copy, vars, { shouldFail: true });
      // assess
      expect(run.ok).toBe(false);
      const output = run.output.replace(/\s+/g, ' ');
      for (const name of FUNCTIONS)
        expect(output).toContain(
          `${empty}/${name}.zip is missing: run \`npm ci && npm run build\` in the repository first, or set lambda_dist_dir.`,
        );
      expect(output).toContain('Resource precondition failed');
      expect(output).not.toMatch(/Invalid function argument|no file exists|Error in function call/);
    }, 300_000);
  });
});
