import type {
  FinalizeRequestHandlerOptions,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import { isThrottlingError } from './sdk-errors.js';
import type { TokenBucket } from './token-bucket.js';

/** What a paced client counts: every HTTP attempt (retries included), by operation, and the throttled ones. */
export interface CallStats {
  calls: number;
  throttled: number;
  byOperation: Record<string, number>;
}

export function emptyCallStats(): CallStats {
  return { calls: 0, throttled: 0, byOperation: {} };
}

export interface PacingOptions {
  /** The bucket an operation (e.g. "GetFindingsCommand") waits on; undefined: not paced. */
  bucketFor: (commandName: string) => TokenBucket | undefined;
  stats: CallStats;
  /** Sees each failed attempt (for a log line); the SDK's retry strategy decides whether to try again. */
  onFailedAttempt?: (error: unknown, operation: string) => void;
}

const PACING: FinalizeRequestHandlerOptions & { name: string } = { step: 'finalizeRequest', name: 'sechubPacing' };

/**
 * Paces and counts a client's requests in its middleware stack: placed after
 * the SDK's retry middleware, it runs once per attempt, so every attempt,
 * retries included, waits for a token of its operation's bucket and is
 * counted. The adapters built on the client just call `send`.
 */
export function addPacing<Input extends object, Output extends MetadataBearer>(
  stack: MiddlewareStack<Input, Output>,
  options: PacingOptions,
): void {
  const middleware: FinalizeRequestMiddleware<Input, Output> = (next, context: HandlerExecutionContext) => async (args) => {
    const operation = context.commandName ?? 'unknown';
    await options.bucketFor(operation)?.acquire();
    options.stats.calls++;
    options.stats.byOperation[operation] = (options.stats.byOperation[operation] ?? 0) + 1;
    try {
      return await next(args);
    } catch (error) {
      if (isThrottlingError(error)) options.stats.throttled++;
      options.onFailedAttempt?.(error, operation);
      throw error;
    }
  };
  stack.addRelativeTo(middleware, { ...PACING, relation: 'after', toMiddleware: 'retryMiddleware' });
}
