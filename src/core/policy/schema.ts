import { destinationsSchema } from '../destinations.js';
import { digestSettingsSchema } from '../digest/schedule.js';
import { parseDuration } from '../duration.js';
import { SEVERITIES, type Severity } from '../finding.js';
import * as z from '../zod.js';

/**
 * The policy document's schema (zod/mini): every field with the message a
 * person needs when it is wrong. Cross-field checks (recipients that name
 * destinations, digest rules' recipients, fallbacks) are in policy.ts.
 */

const DURATION_MESSAGE = 'expected a duration like "15d"';

export const durationText = z
  .string({ error: DURATION_MESSAGE })
  .check(z.refine((text) => parseDuration(text) !== undefined, { error: DURATION_MESSAGE }));

const lowerList = (what: string) =>
  z.optional(
    z.pipe(
      z
        .array(z.string({ error: `expected ${what}` }).check(z.minLength(1)), { error: `expected a list of ${what}` })
        .check(z.minLength(1, { error: `expected at least one ${what} (leave the field out to match any)` })),
      z.transform((items: string[]) => items.map((item) => item.toLowerCase())),
    ),
  );

const stringList = (what: string) =>
  z.optional(
    z
      .array(z.string({ error: `expected ${what}` }).check(z.minLength(1, { error: `expected ${what}` })), {
        error: `expected a list of ${what}`,
      })
      .check(z.minLength(1, { error: `expected at least one ${what} (leave the field out to match any)` })),
  );

const severityList = z.optional(
  z
    .array(
      z.pipe(
        z.string(),
        z.transform((s: string, ctx) => {
          const upper = s.toUpperCase();
          if ((SEVERITIES as readonly string[]).includes(upper)) return upper as Severity;
          ctx.issues.push({ code: 'custom', message: `expected one of ${SEVERITIES.join(', ')}`, input: s });
          return z.NEVER;
        }),
      ),
      { error: 'expected a list of severity labels' },
    )
    .check(z.minLength(1, { error: 'expected at least one severity (leave the field out to match any)' })),
);

const ACCOUNT_ID = /^\d{12}$/;
const accountId = z
  .string({ error: 'expected a 12-digit AWS account id' })
  .check(z.regex(ACCOUNT_ID, { error: 'expected a 12-digit AWS account id' }));

/** An OU id ("ou-ab12-34cd56ef"), a root id ("r-ab12"), or a name path from the root ("Root/Production"). */
const OU_ID = /^(?:ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;
export const ouReference = z.string({ error: 'expected an OU id like "ou-ab12-34cd56ef" or a path like "Root/Production"' }).check(
  z.refine((text) => OU_ID.test(text) || isOuPath(text), {
    error: 'expected an OU id like "ou-ab12-34cd56ef" or a path from the root like "Root/Production" (no empty parts)',
  }),
);
export const ouPath = z
  .string({ error: 'expected an OU path like "Root/Production"' })
  .check(z.refine(isOuPath, { error: 'expected an OU path from the root like "Root/Production" (no empty parts)' }));

/** A path of OU names from the root: "Root", then names, separated by "/", none empty or padded. */
function isOuPath(text: string): boolean {
  const parts = text.split('/');
  return parts[0]?.toLowerCase() === 'root' && parts.every((part) => part.length > 0 && part.length <= 128 && part.trim() === part);
}

const tagKey = z.string().check(z.minLength(1), z.maxLength(128));
const tagValues = z
  .array(z.string({ error: 'expected a tag value' }), { error: 'expected a list of allowed tag values' })
  .check(z.minLength(1, { error: 'expected at least one allowed value for this tag' }));

/** What a rule matches: every given field must hold. */
export const matchFields = {
  severities: severityList,
  products: lowerList('product name'),
  standards: lowerList('standard name'),
  accounts: z.optional(z.array(accountId, { error: 'expected a list of 12-digit AWS account ids' }).check(z.minLength(1))),
  regions: lowerList('region'),
  ous: z.optional(
    z.array(ouReference, { error: 'expected a list of OU ids or paths' }).check(z.minLength(1, { error: 'expected at least one OU' })),
  ),
  account_tags: z.optional(
    z
      .record(tagKey, tagValues, { error: 'expected tag keys, each with a list of allowed values' })
      .check(z.refine((tags) => Object.keys(tags).length > 0, { error: 'expected at least one tag (leave the field out to match any)' })),
  ),
};

/** A recipient: an email address, the word "owners", or a destination name (checked against the policy later). */
const recipient = z.string({ error: 'expected an email address, "owners" or a destination name' }).check(z.minLength(1));

const recipients = (what: string) =>
  z.array(recipient, { error: `expected a list of ${what}` }).check(
    z.minLength(1, { error: `expected at least one ${what.replace(/s$/, '')}` }),
    // SES sends one email to at most 50 recipients; a list beyond that belongs in a distribution group.
    z.maxLength(50, { error: 'expected at most 50 recipients (use a distribution list for more)' }),
  );

const escalationStep = z.strictObject({
  after: durationText,
  to: recipients('recipients'),
});

const ruleSchema = z.strictObject({
  name: z.string({ error: 'expected a rule name' }).check(z.minLength(1), z.maxLength(100)),
  match: z._default(z.strictObject(matchFields), {}),
  notify: z.strictObject({
    to: recipients('recipients'),
    fallback: z.optional(recipients('fallback recipients')),
    after: z.optional(durationText),
    every: z.optional(
      z
        .string({ error: 'expected a duration like "15d" or "never"' })
        .check(
          z.refine((text) => text === 'never' || parseDuration(text) !== undefined, { error: 'expected a duration like "15d" or "never"' }),
        ),
    ),
    resolved: z.optional(z.boolean({ error: 'expected true or false' })),
    escalate: z.optional(
      z.array(escalationStep, { error: 'expected a list of steps like { after: 30d, to: [...] }' }).check(z.minLength(1)),
    ),
    digest: z.optional(digestSettingsSchema),
  }),
});

const accountEntry = z.strictObject({
  name: z.optional(z.string({ error: 'expected the account name' }).check(z.minLength(1), z.maxLength(200))),
  owners: z.optional(
    z.array(z.email({ error: 'expected an email address' }), { error: 'expected a list of owner email addresses' }).check(z.maxLength(50)),
  ),
  tags: z.optional(z.record(tagKey, z.string({ error: 'expected a tag value' }), { error: 'expected tags as key: value' })),
  ou: z.optional(ouPath),
});

const organizationsSchema = z.strictObject({
  enabled: z.boolean({ error: 'expected true or false' }),
  owner_tag: z._default(
    z.string({ error: 'expected the tag key that names owners' }).check(z.minLength(1), z.maxLength(128)),
    'security-contact',
  ),
  cache: z._default(durationText, '1h'),
});

/** A date ("2027-03-31", the start of that day, UTC) or an ISO-8601 instant. */
const instantText = z.string({ error: 'expected a date like 2027-03-31 or an ISO-8601 time' }).check(
  z.refine((text) => /^\d{4}-\d{2}-\d{2}(?:T.+)?$/.test(text) && !Number.isNaN(Date.parse(text)), {
    error: 'expected a date like 2027-03-31 or an ISO-8601 time',
  }),
);

const snoozeSchema = z.strictObject({
  match: z.strictObject({
    ...matchFields,
    finding_ids: stringList('finding id'),
    controls: stringList('control id'),
    resources: stringList('resource id pattern'),
  }),
  until: z.pipe(z.union([instantText, z.date()], { error: 'expected a date like 2027-03-31 or an ISO-8601 time' }), z.transform(asInstant)),
  reason: z.string({ error: 'expected a reason: why the finding may stay quiet until then' }).check(z.minLength(1), z.maxLength(500)),
});

/** YAML reads an unquoted date as a Date; a string date means the start of that day, UTC. */
function asInstant(value: string | Date): string {
  return (value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)).toISOString();
}

export const policySchema = z.strictObject({
  sender: z.email({ error: 'expected the sender email address' }),
  accounts: z._default(
    z.record(z.string().check(z.regex(ACCOUNT_ID, { error: 'expected 12-digit AWS account ids as keys' })), accountEntry, {
      error: 'expected accounts by their 12-digit AWS account ids',
    }),
    {},
  ),
  organizations: z.optional(organizationsSchema),
  destinations: z._default(destinationsSchema, {}),
  snoozes: z._default(z.array(snoozeSchema, { error: 'expected a list of snoozes' }), []),
  rules: z.array(ruleSchema, { error: 'expected a list of rules' }).check(z.minLength(1, { error: 'expected at least one rule' })),
});

export type PolicyDocument = z.output<typeof policySchema>;
export type RuleDocument = PolicyDocument['rules'][number];
