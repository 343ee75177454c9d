import {
  GetFindingsCommand,
  type GetFindingsCommandInput,
  GetFindingsV2Command,
  type GetFindingsV2CommandInput,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { SecurityHubError } from '../../core/errors.js';
import type { FindingSource } from '../../core/ports.js';
import { type FindingPage, type FindingQuery, limitViolations } from '../../core/sweep-query.js';
import { isThrottlingError, isTransientSdkError } from '../aws/sdk-errors.js';
import { type LimiterClock, type RateLimit, realClock, SECURITY_HUB_RATES, TokenBucket } from './rate-limiter.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './retry.js';
import { translateError } from './translate-error.js';

export interface PacingOptions {
  /** Defaults to the documented GetFindings quota. */
  rate?: RateLimit;
  retry?: RetryPolicy;
  clock?: LimiterClock;
  random?: () => number;
  /** Sees each retried error (for a log line). */
  onRetry?: (error: unknown, retry: number) => void;
}

/**
 * Reads findings with GetFindings (ASFF) and GetFindingsV2 (OCSF): paced by
 * one token bucket shared by both operations, retried on throttling and
 * server errors with exponential backoff and full jitter, and refused before
 * sending when a query would break a documented limit.
 */
export class SecurityHubReader implements FindingSource {
  /** HTTP requests sent, retries included. */
  calls = 0;
  /** Requests answered with throttling. */
  throttled = 0;
  private readonly bucket: TokenBucket;
  private readonly clock: LimiterClock;

  constructor(
    private readonly client: SecurityHubClient,
    private readonly options: PacingOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.bucket = new TokenBucket(options.rate ?? SECURITY_HUB_RATES.getFindings, this.clock);
  }

  async page(query: FindingQuery, nextToken?: string): Promise<FindingPage> {
    const operation = query.api === 'asff' ? 'GetFindings' : 'GetFindingsV2';
    const problems = limitViolations(query);
    if (problems.length > 0)
      throw new SecurityHubError(`refusing to send ${operation} beyond its documented limits: ${problems.join('; ')}`, 'LimitExceeded');
    try {
      return await withRetries(
        async () => {
          await this.bucket.acquire();
          this.calls++;
          try {
            return await this.send(query, nextToken);
          } catch (error) {
            if (isThrottlingError(error)) this.throttled++;
            throw error;
          }
        },
        {
          policy: this.options.retry ?? DEFAULT_RETRY,
          retryable: isTransientSdkError,
          clock: this.clock,
          random: this.options.random,
          onRetry: this.options.onRetry,
        },
      );
    } catch (error) {
      throw translateError(error, operation);
    }
  }

  private async send(query: FindingQuery, nextToken: string | undefined): Promise<FindingPage> {
    if (query.api === 'asff') {
      const input = { ...query.request, NextToken: nextToken } as GetFindingsCommandInput;
      const output = await this.client.send(new GetFindingsCommand(input));
      return { findings: output.Findings ?? [], nextToken: output.NextToken || undefined };
    }
    const input = { ...query.request, NextToken: nextToken } as GetFindingsV2CommandInput;
    const output = await this.client.send(new GetFindingsV2Command(input));
    return { findings: output.Findings ?? [], nextToken: output.NextToken || undefined };
  }
}
