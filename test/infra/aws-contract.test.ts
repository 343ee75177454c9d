// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentKey } from '../../src/adapters/dynamodb/record-item.js';
import { POLICY_DOCUMENT } from '../../src/core/policy-fingerprint.js';
import { type Block, ofType, readTerraformModule, type TerraformModule } from '../support/terraform-config.js';

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const FUNCTIONS = ['check-record', 'check-age', 'notify', 'daily'];

let infra: TerraformModule;
beforeAll(async () => {
  infra = await readTerraformModule(infraDir);
});

const squash = (text: unknown) => String(text).replace(/\s+/g, ' ');
const functions = () => ofType(infra.resources, 'aws_lambda_function');
const functionSettings = () => infra.locals.functions as Record<string, Block>;

/** "aws_iam_role.function" and whether it is indexed per function, from "${aws_iam_role.function[each.key].arn}". */
function target(expression: string, type: string): { address: string; perFunction: boolean } {
  const match = new RegExp(`^\\$\\{(${type}\\.[\\w-]+)(\\[each\\.key\\])?\\.\\w+\\}$`).exec(expression);
  if (!match) throw new Error(`expected a reference to one ${type}, got ${expression}`);
  return { address: match[1] as string, perFunction: match[2] !== undefined };
}

describe('the AWS contract in infra/', () => {
  it('deploys the four functions from the zips npm run build writes', () => {
    expect(Object.keys(functionSettings()).sort()).toEqual([...FUNCTIONS].sort());
    expect(infra.locals.lambda_dist_dir).toBe('${coalesce(var.lambda_dist_dir, "${path.module}/../dist/lambda")}');
    for (const [name, fn] of functions()) {
      expect({ name, fn }).toMatchObject({
        name,
        fn: {
          handler: 'index.handler',
          runtime: 'nodejs22.x',
          architectures: ['arm64'],
          filename: '${local.lambda_dist_dir}/${each.key}.zip',
          function_name: '${var.name_prefix}-${each.key}',
        },
      });
      // Hashed only when the zip exists, so a missing zip reaches the precondition that says to build it.
      expect(fn.source_code_hash).toBe(
        '${fileexists("${local.lambda_dist_dir}/${each.key}.zip") ? filebase64sha256("${local.lambda_dist_dir}/${each.key}.zip") : null}',
      );
      expect(fn.reserved_concurrent_executions).toBe('${lookup(var.reserved_concurrency, each.key, -1)}');
    }
    expect(functionSettings().daily?.timeout).toBe(900);
  });

  it('gives every function its own role and its own log group', () => {
    const roles = new Map<string, string>();
    for (const [name, fn] of functions()) {
      const role = target(fn.role, 'aws_iam_role');
      const group = target(fn.logging_config?.[0]?.log_group, 'aws_cloudwatch_log_group');
      for (const { address, perFunction } of [role, group]) {
        const resource = infra.resources[address] as Block;
        expect(resource).toBeDefined();
        // Shared only if indexed per function over the same set of functions.
        if (perFunction) expect({ address, for_each: resource.for_each }).toEqual({ address, for_each: fn.for_each });
        else expect({ address, for_each: resource.for_each }).toEqual({ address, for_each: undefined });
      }
      expect(roles.has(role.address)).toBe(false);
      roles.set(role.address, name);
      const logGroup = infra.resources[group.address] as Block;
      expect(logGroup.name).toBe(`/aws/lambda/${fn.function_name}`);
      const policy = infra.resources['aws_iam_role_policy.function'] as Block;
      expect(policy.role).toBe('${aws_iam_role.function[each.key].id}');
    }
  });

  it('sets the environment every handler reads, with the hash of the policy document instead of the policy', () => {
    expect(infra.locals.policy).toBe('${yamldecode(file(var.policy_file))}');
    expect(infra.locals.policy_document_value).toBe('${jsonencode({ policy = local.policy })}');
    expect(infra.locals.policy_document_sha256).toBe('${sha256(local.policy_document_value)}');
    expect(infra.locals.common_environment).toEqual({
      TABLE_NAME: '${aws_dynamodb_table.findings.name}',
      POLICY_SHA256: '${local.policy_document_sha256}',
      LOG_LEVEL: '${var.log_level}',
      POWERTOOLS_SERVICE_NAME: 'sechub-alerts',
    });
    const [, fn] = functions()[0] as [string, Block];
    expect(fn.environment?.[0]?.variables).toBe('${local.function_environment[each.key]}');
    expect(infra.locals.function_environment).toBe(
      '${{ for name, function in local.functions : name => merge(local.common_environment, function.environment) }}',
    );
    expect(infra.locals.secrets_variable).toBe('${jsonencode(var.secrets)}');
    const settings = functionSettings();
    expect(settings.notify?.environment).toContain('SECURITY_HUB_WRITE_BACK = tostring(var.write_back), SECRETS = local.secrets_variable');
    expect(settings.notify?.environment).toContain('CLAIM_SECONDS = var.claim_seconds');
    expect(settings.daily?.environment).toEqual({
      SECURITY_HUB_WRITE_BACK: '${tostring(var.write_back)}',
      SECRETS: '${local.secrets_variable}',
      BASELINE_FIRST_RUN: '${tostring(var.baseline_on_first_run)}',
    });
    expect(settings['check-record']?.environment).toEqual({});
    expect(settings['check-age']?.environment).toEqual({});
  });

  it('writes the policy into the table as the document the functions read, before it updates them', () => {
    // The key of the document config/policy, as the DynamoDB store lays documents out.
    expect(infra.locals.policy_document_key).toBe(documentKey(POLICY_DOCUMENT.kind, POLICY_DOCUMENT.id).pk?.S);
    const item = infra.resources['aws_dynamodb_table_item.policy'] as Block;
    expect(item.table_name).toBe('${aws_dynamodb_table.findings.name}');
    expect(squash(item.item)).toBe(
      '${jsonencode({ pk = { S = local.policy_document_key } version = { N = "1" } value = { S = local.policy_document_value } })}',
    );
    for (const [name, fn] of functions())
      expect({ name, dependsOn: fn.depends_on }).toEqual({
        name,
        dependsOn: expect.arrayContaining(['${aws_dynamodb_table_item.policy}']),
      });
  });

  it('renders the state machine from its ASL file with the three task ARNs', () => {
    const [, machine] = ofType(infra.resources, 'aws_sfn_state_machine')[0] as [string, Block];
    const definition = String(machine.definition);
    expect(definition).toMatch(/^\$\{templatefile\("\$\{path\.module\}\/state-machine\.asl\.json", \{/);
    const passed = [...definition.matchAll(/(\w+_arn)\s*=\s*aws_lambda_function\.function\["([\w-]+)"\]\.arn/g)].map((m) => [m[1], m[2]]);
    expect(passed).toEqual([
      ['check_record_arn', 'check-record'],
      ['check_age_arn', 'check-age'],
      ['notify_arn', 'notify'],
    ]);
    expect(machine.type).toBe('${var.state_machine_type}');
    expect(infra.variables.state_machine_type?.default).toBe('EXPRESS');
  });

  it('uses in the ASL file no template variable that Terraform does not pass', () => {
    const file = join(infraDir, 'state-machine.asl.json');
    expect(existsSync(file), 'infra/state-machine.asl.json is missing').toBe(true);
    const text = readFileSync(file, 'utf8');
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(['check_age_arn', 'check_record_arn', 'notify_arn']);
    // A lone "$" before "{" would be read by templatefile as an interpolation; "$${" escapes it.
    expect(text.replace(/\$\{(\w+)\}/g, '').includes('${')).toBe(false);
    // "%{" would start a template directive.
    expect(text.includes('%{')).toBe(false);
  });

  it('retries both rules’ deliveries and sends what still fails to the dead-letter queue', () => {
    const targets = ofType(infra.resources, 'aws_cloudwatch_event_target');
    expect(targets.map(([name]) => name).sort()).toEqual(['daily', 'findings']);
    for (const [name, eventTarget] of targets) {
      expect({ name, dlq: eventTarget.dead_letter_config?.[0]?.arn }).toEqual({ name, dlq: '${aws_sqs_queue.dead_letter.arn}' });
      expect({ name, retry: Object.keys(eventTarget.retry_policy?.[0] ?? {}).sort() }).toEqual({
        name,
        retry: ['maximum_event_age_in_seconds', 'maximum_retry_attempts'],
      });
    }
    const findings = infra.resources['aws_cloudwatch_event_target.findings'] as Block;
    expect(findings.arn).toBe('${aws_sfn_state_machine.findings.arn}');
    expect(findings.role_arn).toBe('${aws_iam_role.events.arn}');
    const daily = infra.resources['aws_cloudwatch_event_target.daily'] as Block;
    expect(daily.arn).toBe('${aws_lambda_function.function["daily"].arn}');
    expect(infra.resources['aws_lambda_function_event_invoke_config.daily']?.destination_config?.[0]?.on_failure?.[0]?.destination).toBe(
      '${aws_sqs_queue.dead_letter.arn}',
    );
  });

  it('stops a plan whose event pattern is longer than EventBridge accepts, and says what to do', () => {
    // infra/tests/plan.tftest.hcl plans a policy whose pattern is too long for the default.
    const variable = infra.variables.event_pattern_max_length as Block;
    expect(variable.default).toBe(2048);
    expect(variable.validation?.[0]?.condition).toContain('var.event_pattern_max_length <= 4096');
    const [precondition] = infra.resources['aws_cloudwatch_event_rule.findings']?.lifecycle?.[0]?.precondition ?? [];
    expect(precondition?.condition).toBe('${length(jsonencode(local.findings_event_pattern)) <= var.event_pattern_max_length}');
    expect(precondition?.error_message).toMatch(/Name fewer products or severities/);
    expect(precondition?.error_message).toMatch(/Service Quotas .*set event_pattern_max_length/);
  });

  it('alarms on failed executions, dead letters and daily errors', () => {
    const alarms = Object.fromEntries(ofType(infra.resources, 'aws_cloudwatch_metric_alarm'));
    const metrics = (alarm: Block | undefined): string[] =>
      alarm?.metric_name
        ? [alarm.metric_name]
        : (alarm?.metric_query ?? []).flatMap((q: Block) => q.metric?.map((m: Block) => m.metric_name) ?? []);
    expect(metrics(alarms.executions_failed)).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    expect(metrics(alarms.dead_letters)).toEqual(['ApproximateNumberOfMessagesVisible']);
    expect(metrics(alarms.daily_errors)).toEqual(['Errors']);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.threshold).toBe(0);
      expect(alarm.comparison_operator).toBe('GreaterThanThreshold');
      expect(alarm.alarm_actions).toBe('${local.alarm_actions}');
    }
  });

  it('creates the SES identity of the policy’s sender and lets the functions send only as the sender', () => {
    expect(infra.resources['aws_sesv2_email_identity.sender']?.email_identity).toBe('${local.sender}');
    expect(infra.locals.sender).toBe('${local.policy.sender}');
  });
});
