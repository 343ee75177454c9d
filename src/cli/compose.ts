import { readPolicyFile } from '../adapters/files/policy-file.js';
import { OutboxMailer } from '../adapters/outbox/outbox-mailer.js';
import { EnvironmentSecrets } from '../adapters/secrets/env-secrets.js';
import { SqliteFindingStore } from '../adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { sha256Hex } from '../adapters/system/sha256.js';
import { type AfterSend, Notifier } from '../app/notifier.js';
import { accountLookupFor } from '../compose/account-lookup.js';
import { channelsOf } from '../compose/channels.js';
import { DEFAULT_POLICY, type Policy } from '../core/policy.js';
import { POLICY_DOCUMENT, policyMismatch } from '../core/policy-fingerprint.js';
import type { StateStore } from '../core/ports.js';
import type { EngineSettings } from './options.js';
import { UsageError } from './usage-error.js';

/** The policy of a run: the file given (or found), else the built-in one. */
export async function loadPolicy(configPath: string | undefined): Promise<Policy> {
  return configPath ? readPolicyFile(configPath) : DEFAULT_POLICY;
}

/** A run's state: where it is, and how to let it go. */
interface OpenedStore {
  store: StateStore;
  /** The table of a deployment (`dynamodb://TABLE`), as opposed to a local file. */
  deployment: boolean;
  close(): Promise<void>;
}

const DYNAMODB_STATE = 'dynamodb://';
/** DynamoDB's rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Opens the state named by --state: `dynamodb://TABLE`, the table of an AWS
 * deployment (region, credentials and AWS_ENDPOINT_URL_DYNAMODB from the
 * standard AWS settings), with the same conditional writes the Lambda
 * functions use, so a command line and the deployment can work on one table
 * at once; anything else, a SQLite file.
 */
export async function openStore(state: string): Promise<OpenedStore> {
  if (!state.startsWith(DYNAMODB_STATE)) {
    const store = new SqliteFindingStore(state);
    return { store, deployment: false, close: () => store.close() };
  }
  const tableName = state.slice(DYNAMODB_STATE.length);
  if (!TABLE_NAME.test(tableName))
    throw new UsageError(`--state: expected dynamodb://TABLE with a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -), got "${state}"`);
  // Loaded only here: a run on a SQLite file does not pay for the DynamoDB client at start-up.
  const [{ createDynamoDbClient }, { DynamoDbFindingStore }] = await Promise.all([
    import('../adapters/dynamodb/dynamodb-client.js'),
    import('../adapters/dynamodb/dynamodb-finding-store.js'),
  ]);
  const client = createDynamoDbClient();
  const store = new DynamoDbFindingStore({ client, tableName });
  return {
    store,
    deployment: true,
    async close() {
      await store.close();
      client.destroy();
    },
  };
}

/** One stderr line when a deployment's table says it runs another policy than this run's. */
async function warnOnPolicyMismatch(store: StateStore, policy: Policy): Promise<void> {
  const stored = await store.getDocument(POLICY_DOCUMENT.kind, POLICY_DOCUMENT.id);
  const warning = policyMismatch(policy, stored?.value, sha256Hex);
  if (warning) process.stderr.write(`${warning}\n`);
}

/** The local composition root: the reader (the policy file or the built-in one, the state, SQLite or a deployment's table, and the account directory) with the outbox or SMTP mailer and the destinations. */
export async function composeLocal(
  settings: EngineSettings,
  options: { dryRun?: boolean; afterSend?: AfterSend; baseline?: boolean } = {},
) {
  const reader = await composeReader(settings);
  const { store, policy, lookupAccount } = reader;
  // nodemailer is loaded only for --smtp: a run into the outbox does not pay for it at start-up.
  const mailer = settings.smtpUrl
    ? new (await import('../adapters/smtp/smtp-mailer.js')).SmtpMailer(settings.smtpUrl)
    : new OutboxMailer(settings.outboxDir);
  // Destinations read their secrets from environment variables named in the policy, at each delivery.
  const channels = await channelsOf(policy, (p) => new EnvironmentSecrets(process.env, p.destinations));
  const notifier = new Notifier({
    store,
    mailer,
    channels,
    policy,
    runtime: systemRuntime,
    lookupAccount,
    dryRun: options.dryRun,
    baseline: options.baseline,
    afterSend: options.afterSend,
  });
  return {
    notifier,
    store,
    mailer,
    lookupAccount,
    policy,
    mailerDescription: `${settings.smtpUrl ? `SMTP ${redactUrl(settings.smtpUrl)}` : `outbox ${settings.outboxDir}`}${channels.size > 0 ? `; destinations ${[...channels.keys()].join(', ')}` : ''}`,
    async close() {
      await Promise.all([...channels.values()].map((channel) => channel.close?.()));
      await mailer.close();
      await reader.close();
    },
  };
}

export type Local = Awaited<ReturnType<typeof composeLocal>>;

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** What the read-only commands (status, explain) need: the store, the policy and the account directory; no mailer. */
export async function composeReader(settings: Pick<EngineSettings, 'configPath' | 'statePath'>) {
  return openReader(await loadPolicy(settings.configPath), settings.statePath);
}

/** A reader for a policy already loaded: the state at `statePath` (warning when a deployment runs another policy) and the policy's account directory over it. */
export async function openReader(policy: Policy, statePath: string) {
  const state = await openStore(statePath);
  try {
    if (state.deployment) await warnOnPolicyMismatch(state.store, policy);
    return {
      store: state.store,
      policy,
      lookupAccount: await accountLookupFor(policy, state.store),
      close: () => state.close(),
    };
  } catch (error) {
    await state.close();
    throw error;
  }
}
