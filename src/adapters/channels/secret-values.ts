import { deliveryUrlProblem } from '../../core/destinations.js';
import { ConfigurationError } from '../../core/errors.js';
import type { SecretSource } from '../../core/ports.js';

/**
 * A URL read from a secret, checked as a plain URL in the policy is (https,
 * or http to a loopback address). The message names the destination and
 * the secret, never the URL.
 */
export async function secretUrl(destination: string, secret: string, secrets: SecretSource): Promise<string> {
  const url = await secretValue(destination, secret, secrets);
  const problem = deliveryUrlProblem(url);
  if (problem) throw new ConfigurationError(`destination "${destination}": the URL in secret ${secret}: ${problem}`);
  return url;
}

/** A secret's value, trimmed; an empty one is a configuration error naming the destination and the secret. */
export async function secretValue(destination: string, secret: string, secrets: SecretSource): Promise<string> {
  const value = (await secrets.get(secret)).trim();
  if (value === '') throw new ConfigurationError(`destination "${destination}": secret ${secret} is empty`);
  return value;
}
