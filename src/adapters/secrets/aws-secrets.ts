import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Destinations } from '../../core/destinations.js';
import { ConfigurationError, TransientError } from '../../core/errors.js';
import type { SecretSource } from '../../core/ports.js';
import { describeSdkError, isTransientSdkError } from '../aws/sdk-errors.js';
import { usedBy } from './secret-users.js';

/** A few minutes: a rotated secret is picked up soon, and a warm function asks AWS once per period. */
const DEFAULT_MAX_AGE_SECONDS = 300;
const SECRETS_MANAGER_ARN = /^arn:aws(?:-cn|-us-gov)?:secretsmanager:/;

export interface AwsSecretsOptions {
  /**
   * Where each secret the policy names is kept: a Secrets Manager secret
   * ARN, or an SSM parameter name (a SecureString, decrypted) or ARN.
   */
  locations: Readonly<Record<string, string>>;
  /** The policy's destinations, so that an error can say which one needs the secret. */
  destinations?: Destinations;
  /** How long a value is cached, in seconds. */
  maxAgeSeconds?: number;
  /** Clients built with the SDK's retry strategy; Powertools builds its own when left out. */
  secretsManager?: SecretsManagerClient;
  ssm?: SSMClient;
}

/**
 * Secrets in AWS, read through Powertools Parameters: Secrets Manager for
 * secret ARNs, SSM Parameter Store (with decryption) for everything else,
 * each value cached for a few minutes. Values are never logged and never
 * put in an error; a secret that is not mapped, not found or not readable
 * is a ConfigurationError naming it, and throttling or a service error is a
 * TransientError.
 */
export class AwsSecrets implements SecretSource {
  private readonly secretsManager: () => Promise<Reader>;
  private readonly ssm: () => Promise<Reader>;

  constructor(private readonly options: AwsSecretsOptions) {
    const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
    // Each provider, and with it its SDK client, is loaded at its first use: most deployments keep their secrets in one of the two.
    this.secretsManager = once(async () => {
      const { SecretsProvider } = await import('@aws-lambda-powertools/parameters/secrets');
      const provider = new SecretsProvider(options.secretsManager ? { awsSdkV3Client: options.secretsManager } : {});
      return (location) => provider.get(location, { maxAge });
    });
    this.ssm = once(async () => {
      const { SSMProvider } = await import('@aws-lambda-powertools/parameters/ssm');
      const provider = new SSMProvider(options.ssm ? { awsSdkV3Client: options.ssm } : {});
      return (location) => provider.get(location, { maxAge, decrypt: true });
    });
  }

  async get(name: string): Promise<string> {
    const location = this.options.locations[name];
    const users = () => usedBy(name, this.options.destinations);
    if (!location) throw new ConfigurationError(`secret ${name} has no Secrets Manager secret or SSM parameter${users()}`);
    const inSecretsManager = SECRETS_MANAGER_ARN.test(location);
    const read = await (inSecretsManager ? this.secretsManager() : this.ssm());
    let value: string | Uint8Array | undefined;
    try {
      value = await read(location);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      const where = inSecretsManager ? 'Secrets Manager' : 'SSM Parameter Store';
      if (isTransientSdkError(cause))
        throw new TransientError(`secret ${name}: ${where} did not answer for now: ${describeSdkError(cause)}`);
      throw new ConfigurationError(`secret ${name} could not be read from ${where}${users()}: ${describeSdkError(cause)}`);
    }
    const text = typeof value === 'string' ? value : value ? new TextDecoder().decode(value) : '';
    if (text.trim() === '') throw new ConfigurationError(`secret ${name} is empty${users()}`);
    return text;
  }
}

/** Reads one secret or parameter, cached by its provider. */
type Reader = (location: string) => Promise<string | Uint8Array | undefined>;

/** `make` run at the first call and its result kept; a failure is tried again at the next call. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
