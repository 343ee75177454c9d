import type { Destinations } from '../../core/destinations.js';
import { ConfigurationError } from '../../core/errors.js';
import type { SecretSource } from '../../core/ports.js';
import { usedBy } from './secret-users.js';

/**
 * Secrets from environment variables, for the command line: the secret
 * SLACK_WEBHOOK is the variable SLACK_WEBHOOK. A missing or empty variable
 * is a ConfigurationError naming it and the destinations that use it.
 */
export class EnvironmentSecrets implements SecretSource {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    /** The policy's destinations, so that an error can say which one needs the variable. */
    private readonly destinations?: Destinations,
  ) {}

  async get(name: string): Promise<string> {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      throw new ConfigurationError(`environment variable ${name} is not set${usedBy(name, this.destinations)}`);
    }
    return value;
  }
}
