import { readPolicyFile } from '../adapters/files/policy-file.js';
import { OutboxMailer } from '../adapters/outbox/outbox-mailer.js';
import { SmtpMailer } from '../adapters/smtp/smtp-mailer.js';
import { SqliteFindingStore } from '../adapters/sqlite/sqlite-finding-store.js';
import { type EngineOptions, NotificationEngine } from '../core/engine.js';
import { DEFAULT_POLICY, type Policy } from '../core/policy.js';
import { systemClock } from '../core/ports.js';
import type { EngineSettings } from './options.js';

/** The local composition root: SQLite store, outbox or SMTP mailer, the policy file or the built-in one. */
export async function composeLocal(settings: EngineSettings, options: { dryRun?: boolean; afterSend?: EngineOptions['afterSend'] } = {}) {
  const policy: Policy = settings.configPath ? await readPolicyFile(settings.configPath) : DEFAULT_POLICY;
  const store = new SqliteFindingStore(settings.statePath);
  const mailer = settings.smtpUrl ? new SmtpMailer(settings.smtpUrl) : new OutboxMailer(settings.outboxDir);
  const engine = new NotificationEngine({
    store,
    mailer,
    policy,
    clock: systemClock,
    dryRun: options.dryRun,
    afterSend: options.afterSend,
  });
  return {
    engine,
    store,
    policy,
    mailerDescription: settings.smtpUrl ? `SMTP ${redactUrl(settings.smtpUrl)}` : `outbox ${settings.outboxDir}`,
    async close() {
      await mailer.close();
      await store.close();
    },
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
