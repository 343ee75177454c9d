import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL_RETRY } from '../../src/adapters/channels/attempts.js';
import { INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import { messageOf } from '../builders/channel-messages.js';
import { ChannelHarness, SIGNING_KEY } from '../support/channel-harness.js';
import type { Fault } from '../support/fake-http.js';
import { SLACK_TOKEN } from '../support/fake-slack.js';

/**
 * Webhook URLs, tokens and signing keys are credentials: whatever goes
 * wrong, no error (message, stack, cause, any property) and nothing written
 * to the console or the process's output carries one.
 */

describe('secrets in failures', () => {
  let harness: ChannelHarness;
  const errors: unknown[] = [];
  const written: string[] = [];

  beforeAll(async () => {
    harness = await new ChannelHarness().start();
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
          written.push(args.map((arg) => inspect(arg)).join(' '));
        }),
      ),
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }),
    ];
    try {
      const faults: Fault[] = [
        { status: 500 },
        { status: 400, body: 'invalid_payload' },
        { status: 401 },
        'drop',
        'hang',
        { status: 429, headers: { 'retry-after': '3600' } },
      ];
      for (const fault of faults) {
        // SNS holds no secret: its proxy is left working.
        for (const server of harness.servers) if (server !== harness.snsProxy) server.faultFor = () => fault;
        await deliverEverywhere(harness.channels({ ...CHANNEL_RETRY, attempts: 2 }, 200));
      }
      for (const server of harness.servers) server.faultFor = undefined;
      const broken = { ...harness.environment };
      for (const name of ['SLACK_SECOPS_WEBHOOK', 'TEAMS_PLATFORM_WEBHOOK', 'SIEM_URL'])
        broken[name] = (broken[name] ?? '').replace('http://127.0.0.1', 'http://hooks.example.com');
      broken.SLACK_BOT_TOKEN = `${SLACK_TOKEN}-revoked`;
      await deliverEverywhere(harness.channels(CHANNEL_RETRY, 200, broken));
      await deliverEverywhere(harness.channels(CHANNEL_RETRY, 200, {}));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }, 60_000);
  afterAll(() => harness?.stop());

  async function deliverEverywhere(channels: ReturnType<ChannelHarness['channels']>): Promise<void> {
    for (const channel of channels.values()) {
      await channel.deliver(messageOf(INSPECTOR_SAMPLE)).catch((error: unknown) => {
        errors.push(error);
      });
    }
  }

  /** Every credential the harness handed out, and the parts of URLs that are credentials. */
  const secrets = () => [
    SLACK_TOKEN,
    SIGNING_KEY,
    harness.slack.webhookUrl,
    new URL(harness.slack.webhookUrl).pathname,
    harness.teams.webhookUrl,
    new URL(harness.teams.webhookUrl).searchParams.get('sig')!,
    harness.consumer.url,
  ];

  it('made every kind of delivery fail in every way', () => {
    const names = new Set(errors.map((error) => (error as Error).name));
    expect(names).toEqual(new Set(['DeliveryError', 'ConfigurationError']));
    expect(errors.length).toBeGreaterThanOrEqual(7 * 4);
  });

  it('put no secret into any error, its stack, its cause or its properties', () => {
    for (const error of errors) {
      const everything = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), (error as Error).stack ?? ''].join('\n');
      for (const secret of secrets()) expect(everything).not.toContain(secret);
    }
  });

  it('wrote no secret to the console or the process’s output', () => {
    for (const line of written) for (const secret of secrets()) expect(line).not.toContain(secret);
  });
});
