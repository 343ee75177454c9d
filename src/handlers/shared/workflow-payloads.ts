import type { Outcome } from '../../core/decide.js';
import { ConfigurationError } from '../../core/errors.js';
import type { FindingSnapshot } from '../../core/record.js';
import * as z from '../../core/zod.js';

/**
 * The payloads the state machine (infra/state-machine.asl.json) passes
 * between its three tasks. Each result is small; the finding snapshot
 * travels only to a step that still needs it.
 */

/** What the Map's ItemSelector hands check-record for one element of detail.findings. */
export interface MapItem {
  finding: unknown;
  /** The EventBridge event's time: the decision time of every step of the execution. */
  time?: string;
  detailType: string;
  /** Position in detail.findings, for error messages. */
  index?: number;
}

/** The workflow stops here: nothing (more) to do for this finding. */
interface Finished {
  action: 'skip' | 'done';
  key?: string;
  outcome: Outcome;
  reason: string;
  /** notify only: whether this execution sent the email, and the notification's id. */
  emailed?: boolean;
  notification?: string;
}

/** The workflow goes on: check-age writes (`write`) or confirms a due email (`send`) for notify. */
interface Continue {
  action: 'write' | 'send';
  key: string;
  outcome: Outcome;
  reason: string;
  /** Decision time, ISO-8601. */
  now: string;
  finding: FindingSnapshot;
}

export type CheckRecordResult = Finished | Continue;
export type CheckAgeResult = Finished | (Continue & { action: 'send' });
export type NotifyResult = Finished & { action: 'done'; emailed: boolean };

// Each built in a pure function, so that a bundle drops the schema its step does not read (check-record reads only
// the first, check-age and notify only the second) instead of building both at every cold start.
const mapItemSchema = /* @__PURE__ */ (() =>
  z.object({
    finding: z.unknown(),
    time: z.optional(z.string()),
    detailType: z.string(),
    index: z.optional(z.number().check(z.int(), z.nonnegative())),
  }))();

/** Only the fields the engine reads are checked: the snapshot comes from check-record, not from outside. */
const continueSchema = /* @__PURE__ */ (() =>
  z
    .object({
      key: z.string().check(z.minLength(1)),
      now: z.iso.datetime({ offset: true }),
      finding: z.looseObject({
        key: z.string().check(z.minLength(1)),
        open: z.boolean(),
        severity: z.string(),
        updatedAt: z.string(),
        firstObservedAt: z.string(),
        resources: z.array(z.unknown()),
      }),
    })
    .check(z.refine((input) => input.finding.key === input.key, { error: 'finding.key differs from key' })))();

export function parseMapItem(input: unknown): MapItem {
  return parse(mapItemSchema, input, 'check-record', 'finding, time and detailType') as MapItem;
}

export function parseContinue(input: unknown, step: string): { key: string; now: Date; finding: FindingSnapshot } {
  const value = parse(continueSchema, input, step, 'key, now and finding from the step before');
  return { key: value.key, now: new Date(value.now), finding: value.finding as unknown as FindingSnapshot };
}

/** A payload of the wrong shape means the deployed state machine and the functions disagree: fail loudly. */
function parse<T>(schema: z.ZodMiniType<T>, input: unknown, step: string, expected: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
  throw new ConfigurationError(`${step} received a payload it cannot read (${issues}); the state machine must pass ${expected}`);
}
