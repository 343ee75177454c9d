import { ConfigurationError } from '../../core/errors.js';
import * as z from '../../core/zod.js';

/**
 * The environment variables the Lambda functions read, one schema each.
 * Terraform sets them; a function reads the ones it needs once, at cold
 * start, and fails right there naming the variable that is missing or wrong.
 * No secret is ever among them: SECRETS maps secret names to where they are
 * kept, and the policy itself is in the table (POLICY_SHA256 pins which).
 */
const VARIABLES = {
  TABLE_NAME: z.string({ error: 'required, the name of the DynamoDB table' }).check(z.minLength(1, { error: 'must not be empty' })),
  POLICY_SHA256: z
    .string({ error: 'required, the SHA-256 (hex) of the policy document Terraform keeps in the table' })
    .check(z.regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lower-case hex digits' })),
  SECRETS: z._default(
    z.pipe(
      z.string(),
      z.transform((text: string, ctx): Record<string, string> => {
        try {
          const parsed: unknown = JSON.parse(text);
          if (
            typeof parsed === 'object' &&
            parsed !== null &&
            !Array.isArray(parsed) &&
            Object.values(parsed).every((v) => typeof v === 'string')
          )
            return parsed as Record<string, string>;
        } catch {
          // reported below
        }
        ctx.issues.push({
          code: 'custom',
          message: 'expected a JSON object of secret names to Secrets Manager ARNs or SSM parameter names',
          input: text,
        });
        return z.NEVER;
      }),
    ),
    {},
  ),
  BASELINE_FIRST_RUN: z._default(
    z.pipe(
      z.enum(['true', 'false'], { error: '"true" or "false"' }),
      z.transform((value: 'true' | 'false') => value === 'true'),
    ),
    false,
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
