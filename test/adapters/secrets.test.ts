import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSecrets } from '../../src/adapters/secrets/aws-secrets.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { destinationsSchema } from '../../src/core/destinations.js';
import { ConfigurationError, TransientError } from '../../src/core/errors.js';
import { LOCAL_CREDENTIALS } from '../support/dynamodb-local.js';
import { freePort } from '../support/free-port.js';
import { type Moto, motoAvailable, motoMissingMessage, startMoto } from '../support/moto.js';
import { rejectionOf } from '../support/rejection.js';

const DESTINATIONS = destinationsSchema.parse({
  'secops-slack': { type: 'slack', webhook: { secret: 'SLACK_WEBHOOK' } },
  siem: { type: 'webhook', url: { secret: 'SIEM_URL' }, signing_secret: { secret: 'SIEM_HMAC' } },
  'siem-eu': { type: 'webhook', url: 'https://siem-eu.example.com/in', signing_secret: { secret: 'SIEM_HMAC' } },
});

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/VerySecretWebhookPart';
const HMAC = 'whsec-1b2c3d4e5f60718293a4b5c6d7e8f901';

describe('secrets from the environment', () => {
  it('reads the variable the secret is named after', async () => {
    await expect(new EnvironmentSecrets({ SLACK_WEBHOOK: WEBHOOK }).get('SLACK_WEBHOOK')).resolves.toBe(WEBHOOK);
  });

  it.each([
    ['SLACK_WEBHOOK', 'environment variable SLACK_WEBHOOK is not set (used by destination "secops-slack")'],
    ['SIEM_HMAC', 'environment variable SIEM_HMAC is not set (used by destinations "siem", "siem-eu")'],
    ['OTHER', 'environment variable OTHER is not set'],
  ])('says which variable is missing, and for which destination: %s', async (name, message) => {
    const error = await rejectionOf(new EnvironmentSecrets({ SLACK_WEBHOOK: ' ', OTHER: '' }, DESTINATIONS).get(name), ConfigurationError);
    expect(error.message).toBe(message);
  });
});

describe.skipIf(!motoAvailable)(
  motoAvailable ? 'secrets in Secrets Manager and SSM' : `secrets in Secrets Manager and SSM — skipped: ${motoMissingMessage}`,
  () => {
    let moto: Moto;
    let secretsManager: SecretsManagerClient;
    let ssm: SSMClient;
    let webhookArn: string;

    beforeAll(async () => {
      moto = await startMoto();
      const config = { endpoint: moto.endpoint, region: 'eu-west-1', credentials: LOCAL_CREDENTIALS };
      secretsManager = new SecretsManagerClient(config);
      ssm = new SSMClient(config);
      webhookArn = (await secretsManager.send(new CreateSecretCommand({ Name: 'sechub-alerts/slack-webhook', SecretString: WEBHOOK })))
        .ARN!;
      await ssm.send(new PutParameterCommand({ Name: '/sechub-alerts/siem-hmac', Type: 'SecureString', Value: HMAC }));
    });

    afterAll(async () => {
      secretsManager?.destroy();
      ssm?.destroy();
      await moto?.stop();
    });

    const source = (maxAgeSeconds = 300) =>
      new AwsSecrets({
        locations: { SLACK_WEBHOOK: webhookArn, SIEM_HMAC: '/sechub-alerts/siem-hmac', SIEM_URL: '/sechub-alerts/missing' },
        destinations: DESTINATIONS,
        maxAgeSeconds,
        secretsManager,
        ssm,
      });

    it('reads a Secrets Manager secret by ARN and an SSM SecureString by name, decrypted', async () => {
      const secrets = source();
      await expect(secrets.get('SLACK_WEBHOOK')).resolves.toBe(WEBHOOK);
      await expect(secrets.get('SIEM_HMAC')).resolves.toBe(HMAC);
    });

    it('keeps a value for its cache period, so a warm function does not ask again for every message', async () => {
      // prepare
      const secrets = source(300);
      await secrets.get('SLACK_WEBHOOK');

      // act
      await secretsManager.send(new PutSecretValueCommand({ SecretId: webhookArn, SecretString: `${WEBHOOK}-rotated` }));

      // assess
      await expect(secrets.get('SLACK_WEBHOOK')).resolves.toBe(WEBHOOK);
      await expect(source(0).get('SLACK_WEBHOOK')).resolves.toBe(`${WEBHOOK}-rotated`);
      await secretsManager.send(new PutSecretValueCommand({ SecretId: webhookArn, SecretString: WEBHOOK }));
    });

    it('names a secret that has no location, and the destination that needs it', async () => {
      const error = await rejectionOf(source().get('TEAMS_WEBHOOK'), ConfigurationError);
      expect(error.message).toBe('secret TEAMS_WEBHOOK has no Secrets Manager secret or SSM parameter');
    });

    it('names a secret that is not there, and the destination that needs it', async () => {
      const error = await rejectionOf(source().get('SIEM_URL'), ConfigurationError);
      expect(error.message).toMatch(
        /^secret SIEM_URL could not be read from SSM Parameter Store \(used by destination "siem"\): ParameterNotFound/,
      );
    });

    it('calls an unreachable service transient', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const config = { endpoint: closed, region: 'eu-west-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
      const secrets = new AwsSecrets({
        locations: { SIEM_HMAC: '/x' },
        ssm: new SSMClient(config),
        secretsManager: new SecretsManagerClient(config),
      });

      const error = await rejectionOf(secrets.get('SIEM_HMAC'), TransientError);

      expect(error.message).toMatch(/^secret SIEM_HMAC: SSM Parameter Store did not answer for now/);
    });
  },
);
