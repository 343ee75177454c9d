// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Block, ofType, readTerraformModule, statementsOf, stringsIn, type TerraformModule } from '../support/terraform-config.js';

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));

/**
 * The only statements allowed a "*" resource: APIs that offer nothing
 * narrower. Each must carry a comment saying why.
 */
const STAR_RESOURCE_ALLOW_LIST: Record<string, string[]> = {
  state_machine: ['CloudWatchLogsDelivery'],
};

let infra: TerraformModule;
beforeAll(async () => {
  infra = await readTerraformModule(infraDir);
});

const documents = () => ofType(infra.data, 'aws_iam_policy_document');

/**
 * A statement's resources, with a "${local.x}" list, or an element "${local.x["key"]}" of a map,
 * looked up one level so the ARN expression behind it is seen.
 */
function resourcesOf(statement: Block): string[] {
  const value = statement.resources;
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.flatMap((item) => {
    const reference = /^\$\{local\.([\w-]+)(?:\["([\w-]+)"\])?\}$/.exec(String(item));
    const local = reference?.[1];
    if (!local || !(local in infra.locals)) return [String(item)];
    const found = infra.locals[local];
    const key = reference?.[2];
    if (key !== undefined && found && typeof found === 'object' && !Array.isArray(found))
      return stringsIn((found as Record<string, unknown>)[key]).map(({ text }) => text);
    return stringsIn(found).map(({ text }) => text);
  });
}

/** Actions per policy document, apart from writing the function's own logs. */
function actionsOf(document: string): string[] {
  const block = infra.data[`aws_iam_policy_document.${document}`] as Block;
  return statementsOf(block)
    .flatMap((statement) => statement.actions as string[])
    .filter((action) => action !== 'logs:CreateLogStream' && action !== 'logs:PutLogEvents')
    .sort();
}

describe('least privilege in infra/', () => {
  it('writes every IAM policy as an aws_iam_policy_document', () => {
    const policyHolders = [...ofType(infra.resources, 'aws_iam_role_policy'), ...ofType(infra.resources, 'aws_sqs_queue_policy')];
    expect(policyHolders.length).toBeGreaterThanOrEqual(4);
    for (const [name, block] of policyHolders) {
      expect({ name, policy: String(block.policy) }).toEqual({
        name,
        policy: expect.stringMatching(/^\$\{(data\.aws_iam_policy_document\.[\w]+\.json|local\.function_policies\[each\.key\])\}$/),
      });
    }
    for (const [, json] of Object.entries(infra.locals.function_policies as Record<string, string>)) {
      expect(json).toMatch(/^\$\{data\.aws_iam_policy_document\.[\w]+\.json\}$/);
    }
    // No hand-written JSON policies anywhere.
    expect(Object.values(infra.sources).join('\n')).not.toMatch(/"Action"|"Statement"/);
  });

  it('grants no wildcard action, lists actions literally and never uses not_actions or not_resources', () => {
    for (const [name, document] of documents()) {
      for (const statement of statementsOf(document)) {
        expect({ name, literal: Array.isArray(statement.actions) }).toEqual({ name, literal: true });
        for (const action of statement.actions as string[])
          expect({ name, action }).toEqual({ name, action: expect.stringMatching(/^[a-z0-9-]+:[A-Za-z0-9]+$/) });
        expect(statement).not.toHaveProperty('not_actions');
        expect(statement).not.toHaveProperty('not_resources');
      }
    }
  });

  it('uses a "*" resource only in the commented allow-list', () => {
    const starStatements = documents().flatMap(([name, document]) =>
      statementsOf(document)
        .filter((statement) => resourcesOf(statement).includes('*'))
        .map((statement) => `${name}/${statement.sid}`),
    );
    const allowed = Object.entries(STAR_RESOURCE_ALLOW_LIST).flatMap(([name, sids]) => sids.map((sid) => `${name}/${sid}`));
    expect(starStatements.sort()).toEqual(allowed.sort());
    const source = infra.sources['iam.tf'] as string;
    for (const sid of Object.values(STAR_RESOURCE_ALLOW_LIST).flat()) {
      // The comment sits in the lines just above the statement block.
      const before = source
        .slice(0, source.indexOf(`sid = "${sid}"`))
        .split('\n')
        .slice(-5)
        .join('\n');
      expect(before).toMatch(/#.*\*/);
    }
  });

  it('scopes every other resource to an ARN of this deployment, account and Region', () => {
    // ARNs are spelled from the partition, Region and account of the provider, so a plan knows them.
    expect(infra.locals.arn_prefix).toBe('arn:${local.partition}');
    expect(infra.locals.in_account).toBe('${local.region}:${local.account_id}');
    const inThisAccount = /(^|[:>] ")\$\{local\.arn_prefix\}:[a-z]+:\$\{local\.in_account\}:/;
    for (const [name, document] of documents()) {
      if (name.endsWith('_assume')) continue;
      for (const statement of statementsOf(document)) {
        if (STAR_RESOURCE_ALLOW_LIST[name]?.includes(statement.sid)) continue;
        for (const resource of resourcesOf(statement)) {
          expect({ name, sid: statement.sid, resource }).toEqual({
            name,
            sid: statement.sid,
            resource: expect.stringMatching(inThisAccount),
          });
        }
      }
    }
  });

  it('gives each role exactly the permissions of the AWS contract', () => {
    expect(actionsOf('check_record')).toEqual(['dynamodb:GetItem']);
    // The DynamoDB store calls GetItem, PutItem, Scan and DeleteItem only (conditional puts, no UpdateItem).
    expect(actionsOf('check_age')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    // BatchUpdateFindings(V2) is authorised as securityhub:BatchUpdateFindings, granted only with write_back.
    expect(actionsOf('notify')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'securityhub:BatchUpdateFindings', 'ses:SendEmail']);
    expect(actionsOf('daily')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'securityhub:BatchUpdateFindings',
      'securityhub:GetFindings',
      'ses:SendEmail',
      'sqs:SendMessage',
    ]);
    expect(actionsOf('events')).toEqual(['states:StartExecution']);
    const invoke = statementsOf(infra.data['aws_iam_policy_document.state_machine'] as Block).find((s) => s.sid === 'InvokeTasks') as Block;
    expect(invoke.actions).toEqual(['lambda:InvokeFunction']);
    expect(invoke.resources.map((r: string) => /function_arns\["([\w-]+)"\]/.exec(r)?.[1])).toEqual([
      'check-record',
      'check-age',
      'notify',
    ]);
    for (const document of ['notify', 'daily']) {
      const writeBack = (infra.data[`aws_iam_policy_document.${document}`] as Block).dynamic.statement[0];
      expect(writeBack.for_each).toBe('${var.write_back ? [1] : []}');
    }
  });

  it('lets only this deployment’s rules write to the dead-letter queue', () => {
    const [statement] = statementsOf(infra.data['aws_iam_policy_document.dead_letter'] as Block);
    expect(statement?.principals).toEqual([{ type: 'Service', identifiers: ['events.amazonaws.com'] }]);
    expect(statement?.condition?.[0]).toMatchObject({ test: 'ArnEquals', variable: 'aws:SourceArn' });
  });

  it('keeps every log group for a limited time', () => {
    const groups = ofType(infra.resources, 'aws_cloudwatch_log_group');
    expect(groups.length).toBe(2);
    for (const [name, group] of groups)
      expect({ name, retention: group.retention_in_days }).toEqual({ name, retention: '${var.log_retention_days}' });
    expect(infra.variables.log_retention_days?.validation?.[0]?.condition).toMatch(/^\$\{contains\(\[1, 3, 5, 7, 14, 30, 60, 90,/);
  });

  it('encrypts the table and keeps point-in-time recovery and a TTL', () => {
    const tables = ofType(infra.resources, 'aws_dynamodb_table');
    expect(tables.length).toBe(1);
    for (const [, table] of tables) {
      expect(table.server_side_encryption).toEqual([{ enabled: true }]);
      expect(table.point_in_time_recovery).toEqual([{ enabled: true }]);
      expect(table.billing_mode).toBe('PAY_PER_REQUEST');
      expect(table.hash_key).toBe('pk');
      expect(table.attribute).toEqual([{ name: 'pk', type: 'S' }]);
      expect(table.ttl).toEqual([{ attribute_name: 'ttl', enabled: true }]);
      expect(table.deletion_protection_enabled).toBe('${var.table_deletion_protection}');
    }
  });

  it('encrypts every queue', () => {
    const queues = ofType(infra.resources, 'aws_sqs_queue');
    expect(queues.length).toBeGreaterThan(0);
    for (const [name, queue] of queues) {
      expect({ name, encrypted: queue.sqs_managed_sse_enabled === true || typeof queue.kms_master_key_id === 'string' }).toEqual({
        name,
        encrypted: true,
      });
    }
  });

  it('never logs execution data of the state machine, which would copy whole findings into the logs', () => {
    const machines = ofType(infra.resources, 'aws_sfn_state_machine');
    expect(machines.length).toBe(1);
    for (const [, machine] of machines) {
      expect(machine.logging_configuration?.[0]?.include_execution_data).toBe(false);
      expect(machine.logging_configuration?.[0]?.level).toBe('${var.state_machine_log_level}');
    }
    expect(infra.variables.state_machine_log_level?.default).toBe('ERROR');
  });

  it('mentions no account id, Region or partition literally, so the module works anywhere', () => {
    const literals = Object.values(infra.sources)
      .join('\n')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .filter((line) => /\b\d{12}\b|\b(us|eu|ap|sa|ca|me|af)-[a-z]+-\d\b|arn:aws:/.test(line));
    expect(literals).toEqual([]);
  });
});
