/**
 * AWS list prices in us-east-1 that the cost model multiplies by counted
 * requests. Prices change: each carries its source, and `PRICES_CHECKED`
 * says when they were last compared with it.
 */

export interface Price {
  /** US dollars per `unit`. */
  usd: number;
  unit: string;
  what: string;
  source: string;
}

export const PRICES_CHECKED = '2026-11-27';

export const PRICES = {
  eventBridgeAwsEvent: {
    usd: 0,
    unit: 'event',
    what: 'EventBridge: AWS service events (Security Hub findings) on the default bus, rule matching and delivery included',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  expressRequest: {
    usd: 1.0 / 1e6,
    unit: 'request',
    what: 'Step Functions Express: $1.00 per million workflow requests',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  expressGbSecond: {
    usd: 0.00001667,
    unit: 'GB-second',
    what: 'Step Functions Express duration, first 1,000K GB-hours (billed per 100 ms, memory in 64 MB chunks)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  standardTransition: {
    usd: 0.025 / 1000,
    unit: 'state transition',
    what: 'Step Functions Standard: $0.025 per 1,000 state transitions',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'request',
    what: 'Lambda: $0.20 per million requests',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second',
    what: 'Lambda duration on arm64, first 7.5 billion GB-seconds a month (billed per 1 ms)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  dynamoWriteUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    what: 'DynamoDB on-demand: $0.625 per million write request units (1 KB each)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    what: 'DynamoDB on-demand: $0.125 per million read request units (4 KB strongly consistent)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  sesEmail: {
    usd: 0.1 / 1000,
    unit: 'email',
    what: 'SES outbound: $0.10 per 1,000 emails (each recipient counts as one)',
    source: 'https://aws.amazon.com/ses/pricing/',
  },
  getFindings: {
    usd: 0,
    unit: 'call',
    what: 'Security Hub GetFindings: no charge for the API call',
    source: 'https://aws.amazon.com/security-hub/pricing/',
  },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;
