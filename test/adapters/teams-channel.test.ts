import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelsFor } from '../../src/adapters/channels/channels.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { destinationsSchema } from '../../src/core/destinations.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE } from '../../src/core/email/samples.js';
import { ConfigurationError, DeliveryError } from '../../src/core/errors.js';
import { KINDS, messageOf } from '../builders/channel-messages.js';
import { json } from '../support/fake-http.js';
import { envelopeProblem, FakeTeams } from '../support/fake-teams.js';
import { rejectionOf } from '../support/rejection.js';
import { VirtualTime } from '../support/virtual-time.js';

/** The Teams channel against a local Workflows webhook that validates every card with Microsoft's library. */

const DESTINATIONS = destinationsSchema.parse({ 'platform-teams': { type: 'teams', webhook: { secret: 'TEAMS_WEBHOOK' } } });

let teams: FakeTeams;
let time: VirtualTime;

beforeAll(async () => {
  teams = await new FakeTeams().start();
});
afterAll(() => teams.stop());
afterEach(() => {
  teams.cards.length = 0;
  teams.server.requests.length = 0;
});

function channel(url = teams.webhookUrl) {
  time = new VirtualTime();
  return channelsFor(DESTINATIONS, new EnvironmentSecrets({ TEAMS_WEBHOOK: url }, DESTINATIONS), { runtime: time }).get('platform-teams')!;
}

describe('a Teams Workflows webhook', () => {
  it.each(KINDS)('takes the %s card (202 Accepted), valid to Microsoft’s library', async (kind) => {
    // act
    const result = await channel().deliver(messageOf(CONTROL_SAMPLE, kind));

    // assess
    expect(result).toEqual({});
    expect(teams.cards).toHaveLength(1);
    expect(teams.cards[0]).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
  });

  it('is a receiver that refuses malformed envelopes, as the flow’s trigger does', () => {
    expect(envelopeProblem('{"type":"message","attachments":[]}')).toBe('expected at least one attachment');
    expect(envelopeProblem('{"type":"AdaptiveCard","body":[]}')).toBe('expected type "message"');
    expect(
      envelopeProblem(
        JSON.stringify({
          type: 'message',
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Bogus' }] },
            },
          ],
        }),
      ),
    ).toMatch(/^the card is not valid: UnknownElementType/);
  });

  it('is refused for good when the flow refuses the request', async () => {
    teams.server.failNext(json(400, { error: { code: 'InvalidRequestContent' } }));

    const error = await rejectionOf(channel().deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);
    expect(error).toMatchObject({ transient: false, message: 'platform-teams: HTTP 400: refused' });
  });

  it('is refused for good with a wrong signature, and the message does not carry the URL', async () => {
    const wrong = teams.webhookUrl.replace(/sig=[^&]+/, 'sig=NotTheSignature');

    const error = await rejectionOf(channel(wrong).deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);

    expect(error).toMatchObject({ transient: false, message: 'platform-teams: HTTP 401: refused' });
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('NotTheSignature');
  });

  it('retries throttling after its Retry-After', async () => {
    teams.server.failNext({ status: 429, headers: { 'retry-after': '4' } });

    await channel().deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(teams.cards).toHaveLength(1);
    expect(time.sleeps).toEqual([4_000]);
  });

  it('refuses to post to a URL in the secret that is not https, naming the secret and not the URL', async () => {
    const error = await rejectionOf(
      channel('http://teams.example.com/workflows/abc?sig=PlainHttpSig').deliver(messageOf(GUARDDUTY_SAMPLE)),
      ConfigurationError,
    );
    expect(error.message).toBe(
      'destination "platform-teams": the URL in secret TEAMS_WEBHOOK: expected an https URL (http only to a loopback address: 127.0.0.0/8, ::1 or localhost)',
    );
    expect(teams.server.requests).toHaveLength(0);
  });
});
