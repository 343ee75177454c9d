import { spawn, spawnSync } from 'node:child_process';
import { collect, exitReason, stopChild } from './dynamodb-local.js';
import { freePort, waitUntilReady } from './free-port.js';

/** Whether moto's server mode is installed (`pip install "moto[server]"`). */
export const motoAvailable = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
export const motoMissingMessage =
  'moto is not installed: the SNS, Secrets Manager and SSM tests run against its server mode (pip install "moto[server]")';

/** A running moto server on a loopback port: every AWS service it emulates, at one endpoint. */
export interface Moto {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `python3 -m moto.server` on 127.0.0.1 and a free port, and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collect(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(
      'moto',
      async () => {
        const response = await fetch(`${endpoint}/moto-api/`);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      },
      () => exitReason(child, stderr),
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { endpoint, pid: child.pid!, stop: () => stopChild(child) };
}

/** What moto keeps of its models (GET /moto-api/data.json), for checking what a test published. */
export async function motoData(endpoint: string): Promise<Record<string, Record<string, unknown[]>>> {
  return (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as Record<string, Record<string, unknown[]>>;
}
