// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_DOCUMENT, NODE_DOCUMENT } from '../../src/app/account-directory.js';
import { type Block, ofType, readTerraformModule, statementsOf, stringsIn, type TerraformModule } from '../support/terraform-config.js';

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));

/**
 * The only statements allowed a "*" resource: APIs that offer nothing
 * narrower (log delivery), or resources this module cannot name (the
 * organization's accounts, OUs and root). Each must carry a comment saying why.
 */
const STAR_RESOURCE_ALLOW_LIST: Record<string, string[]> = {
  state_machine: ['CloudWatchLogsDelivery'],
  read_organization: ['ReadOrganization'],
};

/**
 * Statements on resources the deployment does not own, named by the policy
 * file (SNS topics) or the variables (secrets and keys, validated as ARNs):
 * exactly those, and keys only through the service that needs them.
 */
const NAMED_BY_INPUTS: Record<string, Record<string, { resources: string; viaService?: string }>> = {
  deliver: {
    ReadDestinationSecrets: { resources: '${local.secretsmanager_arns}' },
    ReadDestinationParameters: { resources: '${local.ssm_parameter_arns}' },
    DecryptDestinationSecrets: { resources: '${var.secrets_kms_key_arns}', viaService: '${local.secrets_via_services}' },
    PublishToTopics: { resources: '${local.sns_topic_arns}' },
    EncryptForTopics: { resources: '${var.sns_kms_key_arns}', viaService: '${local.sns_via_services}' },
  },
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

/** The documents whose statements a document takes in (source_policy_documents), through the locals that list them. */
function sourcesOf(document: string): string[] {
  const text = String((infra.data[`aws_iam_policy_document.${document}`] as Block).source_policy_documents ?? '');
  const listed = [text, ...[...text.matchAll(/local\.(\w+)/g)].map((m) => String(infra.locals[m[1] as string]))];
  return [...new Set(listed.flatMap((t) => [...t.matchAll(/data\.aws_iam_policy_document\.(\w+)\.json/g)].map((m) => m[1] as string)))];
}

/** Actions per policy document, those it takes in included, apart from writing the function's own logs. */
function actionsOf(document: string): string[] {
  return [document, ...sourcesOf(document)]
    .flatMap((name) => statementsOf(infra.data[`aws_iam_policy_document.${name}`] as Block))
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
        if (NAMED_BY_INPUTS[name]?.[statement.sid]) continue;
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

  it('grants the resources the policy and the variables name exactly, and keys only through the services that use them', () => {
    for (const [name, sids] of Object.entries(NAMED_BY_INPUTS)) {
      const statements = statementsOf(infra.data[`aws_iam_policy_document.${name}`] as Block);
      expect(statements.map((statement) => statement.sid).sort()).toEqual(Object.keys(sids).sort());
      for (const statement of statements) {
        const expected = sids[statement.sid];
        expect({ sid: statement.sid, resources: statement.resources }).toEqual({ sid: statement.sid, resources: expected?.resources });
        const via = (statement.condition ?? []).find((condition: Block) => condition.variable === 'kms:ViaService');
        expect({ sid: statement.sid, via: via?.values }).toEqual({ sid: statement.sid, via: expected?.viaService });
      }
    }
    // The topics come from the policy; the secrets are those the policy names, where var.secrets keeps them.
    expect(infra.locals.secret_locations).toBe(
      '${[for name in local.secret_names : var.secrets[name] if contains(keys(var.secrets), name)]}',
    );
    expect(infra.variables.secrets?.validation).toHaveLength(2);
    for (const keys of ['secrets_kms_key_arns', 'sns_kms_key_arns'])
      expect(infra.variables[keys]?.validation?.[0]?.condition).toContain(':kms:');
  });

  it('gives each role exactly the permissions of the AWS contract', () => {
    const organizations = [
      'organizations:DescribeAccount',
      'organizations:DescribeOrganizationalUnit',
      'organizations:ListParents',
      'organizations:ListRoots',
      'organizations:ListTagsForResource',
    ];
    const delivery = [
      'kms:Decrypt',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'secretsmanager:GetSecretValue',
      'sns:Publish',
      'ssm:GetParameter',
    ];
    const sorted = (actions: string[]) => [...actions].sort();
    // With Organizations, check-record also caches the account directory in the table.
    expect(actionsOf('check_record')).toEqual(sorted(['dynamodb:GetItem', 'dynamodb:PutItem', ...organizations]));
    // The DynamoDB store calls GetItem, PutItem, Scan and DeleteItem only (conditional puts, no UpdateItem).
    expect(actionsOf('check_age')).toEqual(sorted(['dynamodb:GetItem', 'dynamodb:PutItem', ...organizations]));
    // BatchUpdateFindings(V2) is authorised as securityhub:BatchUpdateFindings, granted only with write_back.
    expect(actionsOf('notify')).toEqual(
      sorted(['dynamodb:GetItem', 'dynamodb:PutItem', 'securityhub:BatchUpdateFindings', 'ses:SendEmail', ...organizations, ...delivery]),
    );
    expect(actionsOf('daily')).toEqual(
      sorted([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'securityhub:BatchUpdateFindings',
        'securityhub:GetFindings',
        'ses:SendEmail',
        'sqs:SendMessage',
        ...organizations,
        ...delivery,
      ]),
    );
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

  it('grants Organizations and the destinations only when the policy uses them', () => {
    expect(sourcesOf('check_record')).toEqual(['read_organization']);
    expect(sourcesOf('check_age')).toEqual(['read_organization']);
    expect(sourcesOf('notify')).toEqual(['read_organization', 'deliver']);
    expect(sourcesOf('daily')).toEqual(['read_organization', 'deliver']);
    expect(infra.locals.organization_documents).toBe(
      '${local.organizations_enabled ? [data.aws_iam_policy_document.read_organization.json] : []}',
    );
    expect(infra.locals.delivery_documents).toBe(
      '${length(local.secret_locations) + length(local.sns_topic_arns) > 0 ? [data.aws_iam_policy_document.deliver.json] : []}',
    );
    // The account directory's cache: check-record may write its documents and no others.
    const cache = (infra.data['aws_iam_policy_document.check_record'] as Block).dynamic.statement[0];
    expect(cache.for_each).toBe('${local.organizations_enabled ? [1] : []}');
    expect(cache.content[0].condition).toEqual([
      { test: 'ForAllValues:StringLike', variable: 'dynamodb:LeadingKeys', values: ['doc#org-account#*', 'doc#org-ou#*'] },
    ]);
    expect([ACCOUNT_DOCUMENT, NODE_DOCUMENT].map((kind) => `doc#${kind}#*`)).toEqual(cache.content[0].condition[0].values);
    // Each statement of the deliveries only when there is something to grant.
    for (const statement of (infra.data['aws_iam_policy_document.deliver'] as Block).dynamic.statement as Block[])
      expect(statement.for_each).toMatch(/^\$\{length\(local\.\w+\) > 0( && length\(var\.\w+_kms_key_arns\) > 0)? \? \[1\] : \[\]\}$/);
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
