import {
  GetFindingsCommand,
  type GetFindingsCommandInput,
  GetFindingsV2Command,
  type GetFindingsV2CommandInput,
} from '@aws-sdk/client-securityhub';
import { SecurityHubError } from '../../core/errors.js';
import type { FindingSource } from '../../core/ports.js';
import { type FindingPage, type FindingQuery, limitViolations } from '../../core/security-hub/queries.js';
import { FINDINGS_OPERATIONS } from '../../core/security-hub/vocabulary.js';
import type { PacedSecurityHub } from './securityhub-client.js';
import { translateError } from './translate-error.js';

/**
 * Reads findings with GetFindings (ASFF) and GetFindingsV2 (OCSF). The
 * client paces, retries and counts (securityhub-client.ts); this refuses a
 * query that would break a documented limit before sending it, and turns
 * what the SDK throws into the domain's errors.
 */
export class SecurityHubReader implements FindingSource {
  constructor(private readonly hub: PacedSecurityHub) {}

  /** GetFindings and GetFindingsV2 requests sent so far, retries included. */
  get calls(): number {
    const { byOperation } = this.hub.stats;
    return (byOperation.GetFindingsCommand ?? 0) + (byOperation.GetFindingsV2Command ?? 0);
  }

  /** Requests of any operation answered with throttling. */
  get throttled(): number {
    return this.hub.stats.throttled;
  }

  async page(query: FindingQuery, nextToken?: string): Promise<FindingPage> {
    const operation = FINDINGS_OPERATIONS[query.api];
    const problems = limitViolations(query);
    if (problems.length > 0)
      throw new SecurityHubError(`refusing to send ${operation} beyond its documented limits: ${problems.join('; ')}`, 'LimitExceeded');
    try {
      return await this.send(query, nextToken);
    } catch (error) {
      throw translateError(error, operation);
    }
  }

  private async send(query: FindingQuery, nextToken: string | undefined): Promise<FindingPage> {
    const { client } = this.hub;
    if (query.api === 'asff') {
      const input = { ...query.request, NextToken: nextToken } as GetFindingsCommandInput;
      const output = await client.send(new GetFindingsCommand(input));
      return { findings: output.Findings ?? [], nextToken: output.NextToken || undefined };
    }
    const input = { ...query.request, NextToken: nextToken } as GetFindingsV2CommandInput;
    const output = await client.send(new GetFindingsV2Command(input));
    return { findings: output.Findings ?? [], nextToken: output.NextToken || undefined };
  }
}
