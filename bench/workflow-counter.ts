import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createFindingTable, startDynamoDbLocal } from '../test/support/dynamodb-local.js';
import { deployPolicy, localLambdaEnv } from '../test/support/lambda-env.js';
import { startSesLocal } from '../test/support/ses-local.js';
import { expressGbSeconds, lambdaGbSeconds } from './cost.js';

/**
 * The findings workflow run locally with everything it does counted:
 * executions and their duration, state transitions, Lambda invocations and
 * their duration, DynamoDB requests and the capacity units DynamoDB Local
 * reports for them (ReturnConsumedCapacity), and the emails SES accepted.
 * The handler modules are the real ones, configured through the
 * environment as Lambda configures them.
 */

export interface WorkflowCounts {
  eventBridgeEvents: number;
  executions: number;
  transitions: number;
  expressGbSeconds: number;
  executionMs: number;
  lambdaRequests: number;
  lambdaMs: number;
  lambdaGbSeconds: number;
  invocations: Record<string, number>;
  getItems: number;
  putItems: number;
  readUnits: number;
  writeUnits: number;
  requests: Record<string, number>;
  sesEmails: number;
  messages: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Handler = (input: unknown) => Promise<unknown>;
const TABLE = 'sechub-alerts-bench';
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

export async function startWorkflowCounter(policyDocument: unknown, memoryMb: number) {
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal(), startSesLocal()]);
  const saved = { ...process.env };
  const counts: WorkflowCounts = {
    eventBridgeEvents: 0,
    executions: 0,
    transitions: 0,
    expressGbSeconds: 0,
    executionMs: 0,
    lambdaRequests: 0,
    lambdaMs: 0,
    lambdaGbSeconds: 0,
    invocations: {},
    getItems: 0,
    putItems: 0,
    readUnits: 0,
    writeUnits: 0,
    requests: {},
    sesEmails: 0,
    messages: 0,
  };
  const restore = () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  };
  try {
    await createFindingTable(dynamo.client, TABLE);
    await deployPolicy(dynamo.client, TABLE, policyDocument);
    Object.assign(
      process.env,
      localLambdaEnv({
        table: TABLE,
        policy: policyDocument,
        dynamoEndpoint: dynamo.endpoint,
        sesEndpoint: ses.endpoint,
        extra: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      }),
    );
    // As at a Lambda cold start: each module reads its configuration and builds its clients at import.
    const [checkRecord, checkAge, notify, clients, workflow, sfn] = await Promise.all([
      import('../src/handlers/check-record.js'),
      import('../src/handlers/check-age.js'),
      import('../src/handlers/notify.js'),
      import('../src/handlers/shared/dynamodb-client.js'),
      import('../test/support/local-workflow.js'),
      import('aws-local-stepfunctions'),
    ]);
    clients.dynamoDbClient.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName).replace(/Command$/, '');
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        counts.requests[name] = (counts.requests[name] ?? 0) + 1;
        const result = await next(args);
        const units = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0;
        if (WRITES.has(name)) {
          counts.putItems++;
          counts.writeUnits += units;
        } else {
          counts.getItems++;
          counts.readUnits += units;
        }
        return result;
      },
      { step: 'initialize', name: 'benchCountCapacity' },
    );
    const timed = (name: string, handler: Handler) => async (input: Json) => {
      const begin = performance.now();
      try {
        return (await handler(input)) as Json;
      } finally {
        const ms = performance.now() - begin;
        counts.lambdaRequests++;
        counts.invocations[name] = (counts.invocations[name] ?? 0) + 1;
        counts.lambdaMs += ms;
        counts.lambdaGbSeconds += lambdaGbSeconds(ms, memoryMb);
      }
    };
    const byVariable: Record<string, (input: Json) => Promise<Json>> = {
      check_record_arn: timed('check-record', checkRecord.handler as Handler),
      check_age_arn: timed('check-age', checkAge.handler as Handler),
      notify_arn: timed('notify', notify.handler as Handler),
    };
    const { definition, arns } = workflow.renderDefinition();
    const byArn = new Map(Object.entries(arns).map(([variable, arn]) => [arn, byVariable[variable]!]));
    const taskResourceLocalHandlers = Object.fromEntries(
      workflow.taskStates(definition).map(({ name, resource }) => [name, byArn.get(resource)!]),
    );
    const machine = new sfn.StateMachine(definition as never);

    return {
      counts,
      /** A client outside the count, for putting the store in its state before the stream. */
      seedClient: dynamo.client as DynamoDBClient,
      tableName: TABLE,
      /** Runs one execution for an event that passed the rule's pattern. */
      async execute(event: unknown): Promise<void> {
        const begin = performance.now();
        const run = machine.run(event as Json, { overrides: { taskResourceLocalHandlers } });
        const transitions = (async () => {
          for await (const entry of run.eventLogs) if (entry.type === 'StateEntered') counts.transitions++;
        })();
        await run.result;
        await transitions;
        const ms = performance.now() - begin;
        counts.executions++;
        counts.executionMs += ms;
        counts.expressGbSeconds += expressGbSeconds(ms);
      },
      /** Counts what SES accepted: SES bills one email per recipient. */
      async collectEmails(): Promise<void> {
        const emails = await ses.emails();
        counts.messages = emails.length;
        counts.sesEmails = emails.reduce(
          (sum, email) => sum + email.destination.to.length + email.destination.cc.length + email.destination.bcc.length,
          0,
        );
      },
      async stop(): Promise<void> {
        restore();
        await Promise.all([dynamo.stop(), ses.stop()]);
      },
    };
  } catch (error) {
    restore();
    await Promise.all([dynamo.stop(), ses.stop()]);
    throw error;
  }
}
