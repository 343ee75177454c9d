import * as z from './zod.js';

/**
 * The policy's `destinations:` map: where notifications go besides email —
 * Slack (an incoming webhook, or a bot posting to a channel), a Teams
 * Workflows webhook, a signed webhook, an SNS topic — by name. Webhook URLs
 * and tokens are never written into the policy: it names a secret, which
 * the environment (locally) or Secrets Manager / SSM (in AWS) holds.
 */

/** How the policy names a secret: an environment variable's name. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Lowercase letters, digits and hyphens: never an email address, never a keyword of the notify lists. */
const DESTINATION_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const RESERVED_NAMES = new Set(['owners', 'email']);
/** A Slack conversation id: public channels start with C, private ones with G, direct messages with D. */
const SLACK_CHANNEL = /^[CGD][A-Z0-9]{8,20}$/;
const TOPIC_ARN = /^arn:aws(?:-cn|-us-gov)?:sns:[a-z]{2}(?:-[a-z]+)+-\d{1,2}:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;
const MAX_DESTINATIONS = 50;

/** A secret by name. */
export interface SecretRef {
  secret: string;
}

export type SlackDestination = { type: 'slack'; webhook: SecretRef } | { type: 'slack'; token: SecretRef; channel: string };
export interface TeamsDestination {
  type: 'teams';
  webhook: SecretRef;
}
export interface WebhookDestination {
  type: 'webhook';
  /** A plain URL, or the secret that holds it. */
  url: string | SecretRef;
  signingSecret: SecretRef;
}
export interface SnsDestination {
  type: 'sns';
  topicArn: string;
}
export type Destination = SlackDestination | TeamsDestination | WebhookDestination | SnsDestination;
/** The validated `destinations:` map, by name. */
export type Destinations = Readonly<Record<string, Destination>>;

/**
 * Why a URL is not one we deliver to, or undefined when it is: https, or
 * http to a loopback address (a local receiver), with no user or password.
 * Used on plain URLs when the policy is validated and on URLs read from
 * secrets when they are resolved; the message never repeats the URL.
 */
export function deliveryUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'expected a URL';
  }
  if (parsed.username || parsed.password) return 'expected a URL without a user or password (keep credentials in a secret)';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) return undefined;
  return 'expected an https URL (http only to a loopback address: 127.0.0.0/8, ::1 or localhost)';
}

function isLoopback(hostname: string): boolean {
  // URL normalises every IPv4 spelling (127.1, 0x7f.1, …) to dotted decimal and brackets IPv6.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

const secretRef = z.strictObject(
  {
    secret: z
      .string({ error: 'expected the name of a secret, like SLACK_WEBHOOK' })
      .check(z.regex(SECRET_NAME, { error: 'expected a secret name of letters, digits and underscores, like SLACK_WEBHOOK' })),
  },
  { error: 'expected { secret: NAME }: the secret that holds the value' },
);

const slack = z
  .strictObject({
    type: z.literal('slack'),
    webhook: z.optional(secretRef),
    token: z.optional(secretRef),
    channel: z.optional(
      z
        .string({ error: 'expected a Slack channel id, like C0123456789' })
        .check(
          z.regex(SLACK_CHANNEL, { error: 'expected a Slack channel id, like C0123456789 (an id survives a rename; a name does not)' }),
        ),
    ),
  })
  .check(
    z.superRefine((slack, ctx) => {
      if (slack.webhook && slack.token)
        ctx.addIssue({
          code: 'custom',
          path: ['token'],
          message: 'give either webhook (an incoming webhook) or token and channel (a bot)',
        });
      else if (!slack.webhook && !slack.token)
        ctx.addIssue({
          code: 'custom',
          path: ['webhook'],
          message: 'expected webhook: { secret: NAME } (an incoming webhook) or token: { secret: NAME } and channel (a bot)',
        });
      else if (slack.token && !slack.channel)
        ctx.addIssue({ code: 'custom', path: ['channel'], message: 'expected the id of the channel the bot posts to, like C0123456789' });
      else if (slack.webhook && slack.channel)
        ctx.addIssue({
          code: 'custom',
          path: ['channel'],
          message: 'an incoming webhook posts to the channel it was made for: leave channel out',
        });
    }),
  );

const teams = z.strictObject({ type: z.literal('teams'), webhook: secretRef });

const plainUrl = z.string().check(
  z.superRefine((url, ctx) => {
    const problem = deliveryUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: url });
  }),
);

const webhook = z.strictObject({
  type: z.literal('webhook'),
  url: z.union([plainUrl, secretRef], { error: 'expected an https URL or { secret: NAME }' }),
  signing_secret: secretRef,
});

const sns = z.strictObject({
  type: z.literal('sns'),
  topic_arn: z
    .string({ error: 'expected an SNS topic ARN' })
    .check(z.regex(TOPIC_ARN, { error: 'expected an SNS topic ARN, like arn:aws:sns:eu-west-1:111122223333:security-pager' })),
});

const destination = z.discriminatedUnion('type', [slack, teams, webhook, sns], {
  error: 'expected a destination with type slack, teams, webhook or sns',
});

type DestinationDocument = z.output<typeof destination>;

const destinationName = z.string().check(
  z.superRefine((name, ctx) => {
    if (RESERVED_NAMES.has(name))
      ctx.addIssue({ code: 'custom', message: `"${name}" is a keyword of the notify lists: choose another name`, input: name });
    else if (!DESTINATION_NAME.test(name))
      ctx.addIssue({
        code: 'custom',
        message: 'expected a destination name of lowercase letters, digits and hyphens (at most 64)',
        input: name,
      });
  }),
);

/**
 * The schema of the `destinations:` map. Issues carry the path below the
 * map (`secops-slack.webhook.secret`), so a policy that nests it under
 * `destinations` names the exact field.
 */
export const destinationsSchema = z.pipe(
  z
    .record(destinationName, destination, {
      // A bad name is reported at the name, in the name's own words.
      error: (issue) =>
        issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? 'invalid name') : 'expected a map of destinations by name',
    })
    .check(z.refine((map) => Object.keys(map).length <= MAX_DESTINATIONS, { error: `expected at most ${MAX_DESTINATIONS} destinations` })),
  z.transform((map): Destinations => Object.fromEntries(Object.entries(map).map(([name, document]) => [name, fromDocument(document)]))),
);

function fromDocument(document: DestinationDocument): Destination {
  switch (document.type) {
    case 'slack':
      return document.token
        ? { type: 'slack', token: document.token, channel: document.channel ?? '' }
        : { type: 'slack', webhook: document.webhook ?? { secret: '' } };
    case 'teams':
      return { type: 'teams', webhook: document.webhook };
    case 'webhook':
      return { type: 'webhook', url: document.url, signingSecret: document.signing_secret };
    case 'sns':
      return { type: 'sns', topicArn: document.topic_arn };
  }
}

/** Every secret the destinations name, sorted, each once: what a deployment must provide. */
export function secretNamesOf(destinations: Destinations): string[] {
  const names = new Set<string>();
  for (const destination of Object.values(destinations)) for (const ref of secretRefsOf(destination)) names.add(ref.secret);
  return [...names].sort();
}

/** The secrets a destination reads. */
export function secretRefsOf(destination: Destination): SecretRef[] {
  switch (destination.type) {
    case 'slack':
      return ['token' in destination ? destination.token : destination.webhook];
    case 'teams':
      return [destination.webhook];
    case 'webhook':
      return [...(typeof destination.url === 'string' ? [] : [destination.url]), destination.signingSecret];
    case 'sns':
      return [];
  }
}

/** Every SNS topic the destinations publish to, sorted, each once: what the functions' role must allow. */
export function topicArnsOf(destinations: Destinations): string[] {
  const arns = new Set<string>();
  for (const destination of Object.values(destinations)) if (destination.type === 'sns') arns.add(destination.topicArn);
  return [...arns].sort();
}
