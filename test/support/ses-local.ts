import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { collect, exitReason, stopChild } from './dynamodb-local.js';
import { freePort, waitUntilReady } from './free-port.js';

const BIN = resolve(import.meta.dirname, '../../node_modules/.bin/aws-ses-v2-local');

/** One email as aws-ses-v2-local keeps it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/** A running aws-ses-v2-local on a loopback port. */
export interface SesLocal {
  endpoint: string;
  pid: number;
  /** Every email accepted since the start or the last clear(). */
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts aws-ses-v2-local on 127.0.0.1 and a random free port and waits until it answers. */
export async function startSesLocal(): Promise<SesLocal> {
  const port = await freePort();
  const child = spawn(BIN, ['--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collect(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(
      'aws-ses-v2-local',
      () => request(`${endpoint}/health-check`),
      () => exitReason(child, stderr),
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    pid: child.pid!,
    emails: async () => ((await (await request(`${endpoint}/store`)).json()) as { emails: StoredEmail[] }).emails,
    clear: async () => {
      await request(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop: () => stopChild(child),
  };
}

/** The value of a header of a stored email, by case-insensitive name. */
export function headerOf(email: StoredEmail, name: string): string | undefined {
  return email.headers?.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}
