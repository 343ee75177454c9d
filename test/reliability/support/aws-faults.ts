import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { seededRandom } from './faulty-smtp.js';

/**
 * Faults injected into the real AWS SDK clients of the Lambda handlers,
 * through their middleware stacks, on their way to DynamoDB Local and the
 * local SES. Each fault is added where the real one happens:
 * - throttling answers a request without letting it reach the table
 *   (inside the SDK's own retries, which retry it as they retry a real one);
 * - a lost reply lets a write reach the table and then fails the call, as a
 *   timeout or a 500 after the write does;
 * - a crash stops a function after SES accepted its email and before its
 *   next write to the table: the write fails as if the process had died.
 */

export interface AwsFaultPlan {
  /** Share of GetItem/PutItem requests answered with ProvisionedThroughputExceededException. */
  throttleShare: number;
  /** Share of PutItem requests whose reply is lost after the write was applied. */
  lostReplyShare: number;
  seed: number;
}

export interface AwsFaultCounts {
  requests: number;
  attempts: number;
  throttled: number;
  lostReplies: number;
  crashes: number;
}

type Stack = { add: (middleware: unknown, options: Record<string, unknown>) => void };

function sdkError(name: string, status: number, fault: 'client' | 'server'): Error {
  return Object.assign(new Error(`${name} (injected by the test)`), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** The finding id of a PutItem that records a notification (no claim, a rule notified), else undefined. */
function confirmedFinding(args: unknown): string | undefined {
  const text = (args as { input?: { Item?: { record?: { S?: string } } } }).input?.Item?.record?.S;
  if (!text) return undefined;
  const record = JSON.parse(text) as { claim?: unknown; rules?: Record<string, unknown>; snapshot?: { id?: string } };
  return !record.claim && Object.keys(record.rules ?? {}).length > 0 ? record.snapshot?.id : undefined;
}

/** Installs the faults on the clients; returns live counters and a switch to crash after chosen emails. */
export function injectAwsFaults(dynamodb: DynamoDBClient, ses: SESv2Client, plan: AwsFaultPlan) {
  const random = seededRandom(plan.seed);
  const counts: AwsFaultCounts = { requests: 0, attempts: 0, throttled: 0, lostReplies: 0, crashes: 0 };
  let crashArmed = false;
  /** Ids of findings whose record update after an email failed for good (beyond every retry). */
  const confirmsFailed = new Set<string>();
  /** Finding ids of the emails after which the function dies. */
  const crashAfter = new Set<string>();
  const dynamoStack = dynamodb.middlewareStack as unknown as Stack;
  const sesStack = ses.middlewareStack as unknown as Stack;

  dynamoStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      counts.requests++;
      if (context.commandName === 'PutItemCommand' && crashArmed) {
        crashArmed = false;
        counts.crashes++;
        const confirmed = confirmedFinding(args);
        if (confirmed) confirmsFailed.add(confirmed);
        throw sdkError('Runtime.ExitError', 400, 'client');
      }
      try {
        return await next(args);
      } catch (error) {
        // Seen here, outside the SDK's retries: a record update after an email that finally failed (the duplicate window).
        const confirmed = context.commandName === 'PutItemCommand' ? confirmedFinding(args) : undefined;
        if (confirmed && (error as Error).name !== 'ConditionalCheckFailedException') confirmsFailed.add(confirmed);
        throw error;
      }
    },
    { step: 'initialize', name: 'crashAfterSend', priority: 'high' },
  );
  dynamoStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      counts.attempts++;
      const data = context.commandName === 'GetItemCommand' || context.commandName === 'PutItemCommand';
      if (data && random() < plan.throttleShare) {
        counts.throttled++;
        throw sdkError('ProvisionedThroughputExceededException', 400, 'client');
      }
      const output = await next(args);
      if (context.commandName === 'PutItemCommand' && random() < plan.lostReplyShare) {
        counts.lostReplies++;
        throw sdkError('InternalServerError', 500, 'server');
      }
      return output;
    },
    { step: 'deserialize', name: 'injectDynamoDbFaults', priority: 'high' },
  );
  sesStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const output = await next(args);
      const headers = (args as { input?: { Content?: { Simple?: { Headers?: { Name?: string; Value?: string }[] } } } }).input?.Content
        ?.Simple?.Headers;
      const findingId = headers?.find((header) => header.Name === 'X-Sechub-Finding-Id')?.Value;
      if (findingId && crashAfter.delete(findingId)) crashArmed = true;
      return output;
    },
    { step: 'initialize', name: 'crashAfterSesAccepted', priority: 'high' },
  );
  return {
    counts,
    confirmsFailed,
    /** The function dies right after SES accepts the email about this finding. */
    crashAfterEmail(findingId: string) {
      crashAfter.add(findingId);
    },
    setShares(shares: Partial<Pick<AwsFaultPlan, 'throttleShare' | 'lostReplyShare'>>) {
      Object.assign(plan, shares);
    },
  };
}
