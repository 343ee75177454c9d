import type { AfterSend } from '../app/notifier.js';

/**
 * The Security Hub side of a local run: a paced reader and, when asked,
 * write-back. Its adapters are loaded only here, so a command that does not
 * talk to Security Hub does not load its client at start-up.
 */
export async function composeSecurityHub(options: { writeBack: boolean }) {
  const [{ createSecurityHubClient }, { SecurityHubReader }, { SecurityHubWriteBack }] = await Promise.all([
    import('../adapters/securityhub/securityhub-client.js'),
    import('../adapters/securityhub/securityhub-reader.js'),
    import('../adapters/securityhub/securityhub-write-back.js'),
  ]);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const hub = createSecurityHubClient({
    onFailedAttempt: (error, operation) => log(`Security Hub: ${operation.replace(/Command$/, '')}: ${(error as Error).name}`),
  });
  const writeBack = options.writeBack ? new SecurityHubWriteBack(hub, log) : undefined;
  const afterSend: AfterSend | undefined = writeBack && {
    run: writeBack.afterSend,
    onError: (error) => log(`write-back failed: ${String(error)}`),
  };
  return {
    source: new SecurityHubReader(hub),
    afterSend,
    async flush() {
      await writeBack?.flush();
    },
    async close() {
      await writeBack?.flush();
      hub.client.destroy();
    },
  };
}

/** Resolves on SIGINT or SIGTERM; `stopping()` tells whether one came. Call `dispose` when done. */
export function stopSignal() {
  let stopped = false;
  let wake: () => void = () => {};
  const signalled = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onSignal = () => {
    stopped = true;
    process.stderr.write('stopping: finishing the current step and saving the cursor\n');
    wake();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    stopping: () => stopped,
    signalled,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
