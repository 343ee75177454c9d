import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Block, readTerraformModule, type TerraformModule } from '../support/terraform-config.js';

/**
 * The workflow's retries must fit its TimeoutSeconds. An EXPRESS execution
 * cannot run longer than 300 s, so when the retries of a failing finding add
 * up to more, the execution times out instead of reaching FindingFailed, and
 * the other findings' results are lost with it.
 *
 * For one finding, the tasks run one after another, so the worst case is
 *
 *   Σ over CheckRecord, CheckAge, Notify of
 *     timeout × (1 + Σ MaxAttempts of its retriers)        every attempt runs to the Lambda timeout
 *     + Σ over its retriers, attempts i = 0 … MaxAttempts−1,
 *         min(IntervalSeconds × BackoffRate^i, MaxDelaySeconds)   the longest wait (FULL jitter waits less)
 *
 * and must be at most TimeoutSeconds. Each Lambda attempt is capped by its
 * function timeout, so the SDK's and the engine's own retries inside it are
 * bounded by that too (docs/reliability.md, "Retry budget").
 *
 * The Map runs up to MaxConcurrency findings at once, each iteration its tasks
 * one after another. Security Hub sends one finding per event, so every
 * iteration starts at once; an event of N findings would run in
 * waves = ceil(N / MaxConcurrency), and one iteration's share of the execution
 * is TimeoutSeconds / waves. For N ≤ MaxConcurrency that is all of it, so the
 * worst case above must fit the share, and no single Lambda attempt may be as
 * long as the share.
 */

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const TASKS = { CheckRecord: 'check-record', CheckAge: 'check-age', Notify: 'notify' } as const;
/** "Each event sends a single finding" (Security Hub's EventBridge event formats, ASFF and OCSF). */
const FINDINGS_PER_EVENT = 1;

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
}

interface TaskState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
}

interface Definition {
  TimeoutSeconds?: number;
  States: Record<string, { Type: string; MaxConcurrency?: number; ItemProcessor?: { States: Record<string, TaskState> } }>;
}

/** The longest the retrier can wait in all, with the defaults of the Amazon States Language. */
function longestWaits(retrier: Retrier): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let i = 0; i < (retrier.MaxAttempts ?? 3); i++) total += Math.min(interval * rate ** i, cap);
  return total;
}

interface TaskBudget {
  task: string;
  timeout: number;
  attempts: number;
  waits: number;
  worst: number;
}

/** The worst case of each task of the definition, with the function timeouts Terraform sets. */
function retryBudget(definition: Definition, timeouts: Record<string, number>): TaskBudget[] {
  const map = Object.values(definition.States).find((state) => state.Type === 'Map');
  const states = map?.ItemProcessor?.States ?? {};
  return Object.entries(TASKS).map(([task, fn]) => {
    const state = states[task];
    if (!state) throw new Error(`the state machine has no ${task} task`);
    const lambda = timeouts[fn];
    if (lambda === undefined) throw new Error(`infra/main.tf sets no timeout for ${fn}`);
    const timeout = Math.min(lambda, state.TimeoutSeconds ?? Number.POSITIVE_INFINITY);
    const retriers = state.Retry ?? [];
    const attempts = 1 + retriers.reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0);
    const waits = retriers.reduce((sum, retrier) => sum + longestWaits(retrier), 0);
    return { task, timeout, attempts, waits, worst: timeout * attempts + waits };
  });
}

let definition: Definition;
let infra: TerraformModule;
let timeouts: Record<string, number>;
beforeAll(async () => {
  definition = JSON.parse(readFileSync(`${infraDir}state-machine.asl.json`, 'utf8')) as Definition;
  infra = await readTerraformModule(infraDir);
  timeouts = Object.fromEntries(
    Object.entries(infra.locals.functions as Record<string, Block>).map(([name, settings]) => [name, Number(settings.timeout)]),
  );
});

describe('the retry budget of the findings workflow', () => {
  it('fits the worst case of every task’s retries into the execution’s TimeoutSeconds', () => {
    // act
    const budget = retryBudget(definition, timeouts);
    const worst = budget.reduce((sum, task) => sum + task.worst, 0);
    // assess
    console.log(
      `retry budget: ${budget.map((t) => `${t.task} ${t.timeout} s × ${t.attempts} + ${t.waits} s = ${t.worst} s`).join('; ')}; worst case ${worst} s of ${definition.TimeoutSeconds} s`,
    );
    expect(definition.TimeoutSeconds).toBe(300); // EXPRESS executions end at 300 s whatever is set
    expect(worst).toBeLessThanOrEqual(definition.TimeoutSeconds as number);
  });

  it('keeps each Lambda timeout below a Map iteration’s share of the execution', () => {
    const map = Object.values(definition.States).find((state) => state.Type === 'Map');
    const maxConcurrency = map?.MaxConcurrency ?? 0;
    expect(maxConcurrency).toBeGreaterThanOrEqual(FINDINGS_PER_EVENT);
    const waves = Math.ceil(FINDINGS_PER_EVENT / maxConcurrency);
    const share = (definition.TimeoutSeconds as number) / waves;
    const budget = retryBudget(definition, timeouts);
    for (const { task, timeout } of budget) expect({ task, timeout: timeout < share }).toEqual({ task, timeout: true });
    expect(budget.reduce((sum, task) => sum + task.worst, 0)).toBeLessThanOrEqual(share);
  });

  it('still retries transient errors at least twice in every task, and gives notify at least 20 s', () => {
    const states = Object.values(definition.States).find((state) => state.Type === 'Map')?.ItemProcessor?.States ?? {};
    for (const task of Object.keys(TASKS)) {
      const transient = states[task]?.Retry?.find((retrier) => retrier.ErrorEquals.includes('TransientError'));
      expect({ task, attempts: (transient?.MaxAttempts ?? 0) >= 2 }).toEqual({ task, attempts: true });
      expect(transient?.ErrorEquals).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']));
    }
    const mail = states.Notify?.Retry?.find((retrier) => retrier.ErrorEquals.includes('MailDeliveryError'));
    expect(mail?.MaxAttempts).toBeGreaterThanOrEqual(2);
    expect(timeouts.notify).toBeGreaterThanOrEqual(20);
  });

  it('keeps the shortest claim_seconds Terraform accepts longer than notify’s timeout', () => {
    const condition = String((infra.variables.claim_seconds as Block).validation?.[0]?.condition);
    const shortest = Number(/var\.claim_seconds >= (\d+)/.exec(condition)?.[1]);
    expect(shortest).toBeGreaterThan(timeouts.notify as number);
  });

  it('counts a known definition as the formula says', () => {
    // 10 s × (1 + 2 + 1) + (1 + 2) + 4 = 47 s, with a cap and the ASL defaults (MaxAttempts 3, rate 2) in play.
    const [checkRecord] = retryBudget(
      {
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              States: {
                CheckRecord: {
                  Type: 'Task',
                  Retry: [
                    { ErrorEquals: ['A'], IntervalSeconds: 1, MaxAttempts: 2 },
                    { ErrorEquals: ['B'], IntervalSeconds: 4, MaxAttempts: 1, MaxDelaySeconds: 30 },
                  ],
                },
                CheckAge: { Type: 'Task' },
                Notify: { Type: 'Task', TimeoutSeconds: 5 },
              },
            },
          },
        },
      },
      { 'check-record': 10, 'check-age': 1, notify: 60 },
    );
    expect(checkRecord).toEqual({ task: 'CheckRecord', timeout: 10, attempts: 4, waits: 7, worst: 47 });
  });
});
