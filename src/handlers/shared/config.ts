import { ConfigurationError, InvalidPolicyError } from '../../core/errors.js';
import { type Policy, validatePolicy } from '../../core/policy.js';
import * as z from '../../core/zod.js';

/**
 * The environment variables the Lambda functions read, one schema each.
 * Terraform sets them; a function reads the ones it needs once, at cold
 * start, and fails right there naming the variable that is missing or wrong.
 */
const VARIABLES = {
  TABLE_NAME: z.string({ error: 'required, the name of the DynamoDB table' }).check(z.minLength(1, { error: 'must not be empty' })),
  POLICY: z.pipe(
    z.string({ error: 'required, the policy document as JSON' }),
    z.transform((text: string, ctx): Policy => {
      try {
        return validatePolicy(JSON.parse(text));
      } catch (error) {
        const detail = error instanceof InvalidPolicyError ? error.issues.join('; ') : `not JSON: ${(error as Error).message}`;
        ctx.issues.push({ code: 'custom', message: detail, input: text });
        return z.NEVER;
      }
    }),
  ),
  SECURITY_HUB_WRITE_BACK: z.pipe(
    z.enum(['true', 'false'], { error: 'required, "true" or "false"' }),
    z.transform((value: 'true' | 'false') => value === 'true'),
  ),
  CLAIM_SECONDS: z.optional(
    z.pipe(z.string().check(z.regex(/^[1-9]\d{0,5}$/, { error: 'expected a whole number of seconds' })), z.transform(Number)),
  ),
} as const;

export type Variable = keyof typeof VARIABLES;
export type Config<K extends Variable> = { readonly [P in K]: z.output<(typeof VARIABLES)[P]> };

/** Reads and validates the named variables; throws one ConfigurationError listing every problem by variable name. */
export function readConfig<const K extends Variable>(env: Record<string, string | undefined>, names: readonly K[]): Config<K> {
  const values: Partial<Record<K, unknown>> = {};
  const problems: string[] = [];
  for (const name of names) {
    const result = VARIABLES[name].safeParse(env[name]);
    if (result.success) values[name] = result.data;
    else problems.push(`${name}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  if (problems.length > 0) throw new ConfigurationError(`invalid environment: ${problems.join(' | ')}`);
  return Object.freeze(values) as Config<K>;
}
