import { PRICES, type PriceName } from './prices.js';

/**
 * The cost model: counted AWS usage times list prices. `Usage` is what one
 * stream of findings cost, counted in a local run of the real workflow
 * (this design) or derived event by event (the original design); both are
 * priced the same way and scaled to one million findings.
 */

export interface Usage {
  /** Findings in the stream (each event carries one). */
  findings: number;
  /** Security Hub events on the default bus: free, whatever the rules do with them. */
  eventBridgeEvents: number;
  expressRequests: number;
  /** Billed Express duration: each execution rounded up to 100 ms, memory in 64 MB chunks. */
  expressGbSeconds: number;
  standardTransitions: number;
  lambdaRequests: number;
  /** Billed Lambda duration: each invocation rounded up to 1 ms, times the configured memory. */
  lambdaGbSeconds: number;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  /** Emails as SES bills them: one per recipient. */
  sesEmails: number;
  getFindingsCalls: number;
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usd: number;
}

export function emptyUsage(findings: number): Usage {
  return {
    findings,
    eventBridgeEvents: 0,
    expressRequests: 0,
    expressGbSeconds: 0,
    standardTransitions: 0,
    lambdaRequests: 0,
    lambdaGbSeconds: 0,
    dynamoReadUnits: 0,
    dynamoWriteUnits: 0,
    sesEmails: 0,
    getFindingsCalls: 0,
  };
}

const PRICED: [keyof Omit<Usage, 'findings'>, PriceName, string][] = [
  ['eventBridgeEvents', 'eventBridgeAwsEvent', 'EventBridge events (AWS service events)'],
  ['expressRequests', 'expressRequest', 'Step Functions Express requests'],
  ['expressGbSeconds', 'expressGbSecond', 'Step Functions Express duration'],
  ['standardTransitions', 'standardTransition', 'Step Functions Standard state transitions'],
  ['lambdaRequests', 'lambdaRequest', 'Lambda requests'],
  ['lambdaGbSeconds', 'lambdaArmGbSecond', 'Lambda duration (arm64)'],
  ['dynamoReadUnits', 'dynamoReadUnit', 'DynamoDB read request units'],
  ['dynamoWriteUnits', 'dynamoWriteUnit', 'DynamoDB write request units'],
  ['sesEmails', 'sesEmail', 'SES emails'],
  ['getFindingsCalls', 'getFindings', 'Security Hub GetFindings calls'],
];

/** The bill for `usage`, scaled to one million findings, line by line. */
export function costPerMillion(usage: Usage): { lines: CostLine[]; totalUsd: number } {
  const scale = 1e6 / usage.findings;
  const lines = PRICED.map(([field, price, item]) => ({
    item,
    quantity: usage[field] * scale,
    unit: PRICES[price].unit,
    usd: usage[field] * scale * PRICES[price].usd,
  }));
  return { lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}

/** Billed GB-seconds of one Express execution of `ms` using at most 64 MB. */
export function expressGbSeconds(ms: number): number {
  return (Math.ceil(Math.max(ms, 1) / 100) / 10) * (64 / 1024);
}

/** Billed GB-seconds of one Lambda invocation of `ms` at `memoryMb`. */
export function lambdaGbSeconds(ms: number, memoryMb: number): number {
  return (Math.ceil(Math.max(ms, 1)) / 1000) * (memoryMb / 1024);
}

/** What the original design did with one event, as the project's brief describes it. */
export interface SeedEvent {
  /** The event's product is one the policy names: its EventBridge rule started a workflow. */
  productInScope: boolean;
  /** A finding seen for the first time. */
  isNew: boolean;
  /** The policy selects the finding (severity, product, standard). */
  matches: boolean;
  /** Days since the finding was first observed, at the event. */
  ageDays: number;
  recipients: number;
}

/** Assumptions of the original-design model that a local run cannot count. */
export const SEED_DESIGN = {
  transitionsPerExecution: 5,
  /** A record check and a send or record write for a new finding; a GetFindings call besides for a repeat. */
  invocationsNew: 2,
  invocationsRepeat: 3,
  /** Extra Lambda time for the GetFindings round trip of a repeat (the API's typical latency). */
  getFindingsMs: 100,
  /** It emailed every recipient about every event of a finding open longer than this. */
  emailAfterDays: 15,
} as const;

/**
 * The original design over the same events: a STANDARD execution with five
 * transitions for every event of an in-scope product, two or three Lambda
 * invocations (measured time per invocation of this design, plus the
 * GetFindings round trip), a GetFindings call per repeat, one record read per
 * execution and a write per email, and an email to every recipient about
 * every event of a matching finding older than 15 days.
 */
export function seedDesignUsage(
  events: SeedEvent[],
  measured: { lambdaMs: number; memoryMb: number; readUnitsPerGet: number; writeUnitsPerPut: number },
): Usage {
  const usage = emptyUsage(events.length);
  for (const event of events) {
    usage.eventBridgeEvents++;
    if (!event.productInScope) continue;
    usage.standardTransitions += SEED_DESIGN.transitionsPerExecution;
    const invocations = event.isNew ? SEED_DESIGN.invocationsNew : SEED_DESIGN.invocationsRepeat;
    usage.lambdaRequests += invocations;
    usage.lambdaGbSeconds += invocations * lambdaGbSeconds(measured.lambdaMs, measured.memoryMb);
    if (!event.isNew) {
      usage.getFindingsCalls++;
      usage.lambdaGbSeconds += lambdaGbSeconds(SEED_DESIGN.getFindingsMs, measured.memoryMb);
    }
    usage.dynamoReadUnits += measured.readUnitsPerGet;
    const emails = event.matches && (event.isNew || event.ageDays > SEED_DESIGN.emailAfterDays);
    if (emails) {
      usage.sesEmails += event.recipients;
      usage.dynamoWriteUnits += measured.writeUnitsPerPut;
    }
  }
  return usage;
}
