import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks. */
if (!(Promise as { withResolvers?: unknown }).withResolvers) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolvePromise!: (value: T | PromiseLike<T>) => void;
      let rejectPromise!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolvePromise = res;
        rejectPromise = rej;
      });
      return { promise, resolve: resolvePromise, reject: rejectPromise };
    },
  });
}

const { StateMachine } = await import('aws-local-stepfunctions');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type TaskHandler = (input: Json) => Promise<Json>;

/** The template variables of infra/state-machine.asl.json, as Terraform's templatefile fills them. */
export const TASK_VARIABLES = ['check_record_arn', 'check_age_arn', 'notify_arn'] as const;
export type TaskVariable = (typeof TASK_VARIABLES)[number];

const ASL_PATH = resolve(import.meta.dirname, '../../infra/state-machine.asl.json');

/** Renders the definition like templatefile does, with a Lambda ARN per task variable. */
export function renderDefinition(): { definition: Record<string, unknown>; arns: Record<TaskVariable, string> } {
  const template = readFileSync(ASL_PATH, 'utf8');
  const arns = Object.fromEntries(
    TASK_VARIABLES.map((name) => [
      name,
      `arn:aws:lambda:us-east-1:123456789012:function:sechub-alerts-${name.replace(/_arn$/, '').replaceAll('_', '-')}`,
    ]),
  ) as Record<TaskVariable, string>;
  const rendered = template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (!(name in arns)) throw new Error(`state machine template: unknown variable \${${name}}`);
    return arns[name as TaskVariable];
  });
  return { definition: JSON.parse(rendered), arns };
}

/** Every Task state, at any depth, with its Resource. */
export function taskStates(definition: Record<string, unknown>): { name: string; resource: string }[] {
  const found: { name: string; resource: string }[] = [];
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') found.push({ name, resource: String(state.Resource) });
      const nested = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, Record<string, unknown>> } | undefined;
      if (nested?.States) visit(nested.States);
      for (const branch of (state.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? [])
        visit(branch.States);
    }
  };
  visit(definition.States as Record<string, Record<string, unknown>>);
  return found;
}

/**
 * The workflow as Step Functions would run it, with each Task bound to a
 * local function by the Lambda ARN in its Resource. Retry waits are cut
 * to `retryWaitMs` so that tests with retries stay quick.
 */
export function localWorkflow(handlers: Record<TaskVariable, TaskHandler>, options: { retryWaitMs?: number } = {}) {
  const { definition, arns } = renderDefinition();
  const byArn = new Map(TASK_VARIABLES.map((name) => [arns[name], handlers[name]]));
  const tasks = taskStates(definition);
  const taskResourceLocalHandlers = Object.fromEntries(
    tasks.map(({ name, resource }) => {
      const handler = byArn.get(resource);
      if (!handler) throw new Error(`task ${name}: no local handler for ${resource}`);
      return [name, handler];
    }),
  );
  const retryIntervalOverrides = Object.fromEntries(tasks.map(({ name }) => [name, options.retryWaitMs ?? 10]));
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  return {
    tasks,
    /** Runs one execution; resolves with its output, rejects with the execution's error. */
    execute(input: unknown): Promise<Json> {
      return machine.run(input as Json, { overrides: { taskResourceLocalHandlers, retryIntervalOverrides } }).result as Promise<Json>;
    },
  };
}
