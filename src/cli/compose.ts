import { readPolicyFile } from '../adapters/files/policy-file.js';
import { OutboxMailer } from '../adapters/outbox/outbox-mailer.js';
import { SmtpMailer } from '../adapters/smtp/smtp-mailer.js';
import { SqliteFindingStore } from '../adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { type AfterSend, Notifier } from '../app/notifier.js';
import { DEFAULT_POLICY, type Policy } from '../core/policy.js';
import type { EngineSettings } from './options.js';

/** The policy of a run: the file given (or found), else the built-in one. */
export async function loadPolicy(configPath: string | undefined): Promise<Policy> {
  return configPath ? readPolicyFile(configPath) : DEFAULT_POLICY;
}

/** The local composition root: SQLite store, outbox or SMTP mailer, the policy file or the built-in one. */
export async function composeLocal(settings: EngineSettings, options: { dryRun?: boolean; afterSend?: AfterSend } = {}) {
  const policy = await loadPolicy(settings.configPath);
  const store = new SqliteFindingStore(settings.statePath);
  const mailer = settings.smtpUrl ? new SmtpMailer(settings.smtpUrl) : new OutboxMailer(settings.outboxDir);
  const notifier = new Notifier({
    store,
    mailer,
    policy,
    runtime: systemRuntime,
    dryRun: options.dryRun,
    afterSend: options.afterSend,
  });
  return {
    notifier,
    store,
    mailer,
    policy,
    dryRun: options.dryRun ?? false,
    mailerDescription: settings.smtpUrl ? `SMTP ${redactUrl(settings.smtpUrl)}` : `outbox ${settings.outboxDir}`,
    async close() {
      await mailer.close();
      await store.close();
    },
  };
}

export type Local = Awaited<ReturnType<typeof composeLocal>>;

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
