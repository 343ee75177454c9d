/**
 * Ports: the interfaces the use cases (src/app) need from the outside world.
 * Adapters in src/adapters implement them; neither the core nor the use
 * cases import an adapter.
 */
import type { AccountInfo, OrganizationAccount, OrganizationNode } from './account.js';
import type { Notification } from './notification.js';
import type { FindingSnapshot, ThreadRef, TrackedRecord } from './record.js';
import type { FindingPage, FindingQuery } from './security-hub/queries.js';

/** Where notification state lives (SQLite locally, DynamoDB in AWS). */
export interface FindingStore {
  get(key: string): Promise<TrackedRecord | undefined>;
  /**
   * Writes `record` only if the stored version is `expectedVersion`
   * (undefined: only if no record exists). `record.version` must be
   * `expectedVersion + 1` (1 for a new record). Returns false when another
   * writer won the race; throws StoreError for anything else.
   */
  put(record: TrackedRecord, expectedVersion: number | undefined): Promise<boolean>;
  /**
   * Every record of a still-open tracked finding, and every record with a
   * delivery still pending (a tombstone whose resolved notice some target did
   * not accept yet); other tombstones are left out.
   */
  listOpen(): AsyncIterable<TrackedRecord>;
  /** Every record, tombstones included (status reports, digests' Fixed section). */
  listAll(): AsyncIterable<TrackedRecord>;
  /** Removes records whose `expiresAt` is before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
  close(): Promise<void>;
}

/**
 * Named positions kept beside the records (the poll cursor, the sweep's
 * progress), so that a run that stops continues where it stopped. Optional:
 * a store offers it by implementing these two methods.
 */
export interface CursorStore {
  getCursor(name: string): Promise<string | undefined>;
  /** Overwrites the value; the write is durable when the promise resolves. */
  setCursor(name: string, value: string): Promise<void>;
}

/** A small versioned document kept beside the records: a digest's state, a cached directory entry. */
export interface StoredDocument {
  id: string;
  /** The document, as the use case serialised it (JSON). */
  value: string;
  /** Optimistic-concurrency version, as for records: 1 for a new document, one more for each write. */
  version: number;
  /** After this instant the store may drop the document (ISO-8601); none: kept until overwritten. */
  expiresAt?: string;
}

/**
 * Documents by kind and id, with the same conditional writes as records, so
 * that what a use case keeps of its own (digest periods, the account
 * directory's cache) gets the same guarantees under concurrency.
 */
export interface DocumentStore {
  getDocument(kind: string, id: string): Promise<StoredDocument | undefined>;
  /**
   * Writes `document` only if the stored version is `expectedVersion`
   * (undefined: only if none exists); false when another writer won.
   */
  putDocument(kind: string, document: StoredDocument, expectedVersion: number | undefined): Promise<boolean>;
  /** Every document of a kind. */
  listDocuments(kind: string): AsyncIterable<StoredDocument>;
}

/** Everything a store adapter offers: records, cursors and documents. */
export type StateStore = FindingStore & CursorStore & DocumentStore;

/** A rendered email, ready for any mailer. */
export interface Email {
  /** Deterministic id of the notification; mailers that can use it for idempotent delivery do. */
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Extra headers: X-Sechub-Notification always; X-Sechub-Finding-Id for a finding's email, X-Sechub-Digest-* for a digest. */
  headers: Record<string, string>;
  /** The conversation the email belongs to: every email about one finding is one, and so is every digest of one schedule to one recipient. */
  thread?: EmailThread;
}

/**
 * Where an email threads: mailers turn it into In-Reply-To, References,
 * Thread-Topic and Thread-Index (src/core/email/headers.ts), so that mail
 * clients show every email about a finding as one conversation.
 */
export interface EmailThread {
  /** What the conversation is about (a finding's key, or a digest series): the same for all its emails. */
  key: string;
  /** When the conversation began (ISO-8601: the finding's first observation; a digest's period start). */
  since: string;
  /** When this email was decided (ISO-8601). */
  at: string;
  /** false for an email that opens the conversation (a new finding), true for a reminder or a resolved notice. */
  followUp: boolean;
}

/** Sends email. Resolves once the email is accepted; throws MailDeliveryError otherwise. */
export interface Mailer {
  send(email: Email): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** What a channel sends: the notification and the finding it is about, and where to thread it. */
export interface ChannelMessage {
  notification: Notification;
  finding: FindingSnapshot;
  /** The channel's first message about this finding, when it threads later ones under it. */
  thread?: ThreadRef;
}

/**
 * A destination other than email: a Slack channel, a Teams channel, a
 * webhook, an SNS topic. Resolves once the destination accepted the message
 * (with what is needed to thread later ones, if the channel threads);
 * throws DeliveryError otherwise, saying whether a retry may succeed.
 */
export interface Channel {
  deliver(message: ChannelMessage): Promise<{ thread?: ThreadRef }>;
  close?(): Promise<void>;
}

/** Secrets by name (webhook URLs, tokens, signing keys): the environment locally, Secrets Manager or SSM in AWS. */
export interface SecretSource {
  /** The secret's value; throws ConfigurationError naming the secret when it is not there. */
  get(name: string): Promise<string>;
}

/** The live account directory (AWS Organizations), cached; undefined for an account it does not know. */
export interface AccountDirectory {
  lookup(accountId: string, now: Date): Promise<AccountInfo | undefined>;
}

/**
 * AWS Organizations as the account directory reads it: one account or one
 * root or OU at a time (for lazy lookups), or the whole tree at once (for a
 * refresh of every account). The adapter paces, retries and counts the calls;
 * AccessDenied and an account outside any organization become
 * ConfigurationError.
 */
export interface OrganizationReader {
  /** The account's name, parent and tags; undefined when the organization has no such account. */
  account(accountId: string): Promise<OrganizationAccount | undefined>;
  /** A root's or an OU's name, parent and tags. */
  node(id: string): Promise<OrganizationNode>;
  /** Every root, OU and account, walking the tree from the roots. */
  tree(): Promise<{ nodes: OrganizationNode[]; accounts: OrganizationAccount[] }>;
  /** Organizations requests made so far, retries included. */
  readonly calls: number;
}

/**
 * Finding source: runs one page of a query against Security Hub (the adapter paces,
 * retries and counts the calls). Throws TransientError when throttling or
 * server errors outlast the retries, SecurityHubError when refused.
 */
export interface FindingSource {
  page(query: FindingQuery, nextToken?: string): Promise<FindingPage>;
  /** HTTP requests made so far, retries included. */
  readonly calls: number;
}

/** The time. Injected so that tests and `--now` control it. */
export interface Clock {
  now(): Date;
}

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** A number in [0, 1), uniformly distributed. */
export type Random = () => number;

/**
 * A text's digest as lower-case hex, at least 32 digits: SHA-256 from the
 * adapters, since the core cannot reach node:crypto (Message-IDs, the
 * policy's fingerprint).
 */
export type HexDigest = (text: string) => string;

/**
 * Time and chance, as use cases get them: the core never reads a clock, sets
 * a timer or draws a random number itself, so tests can hold all three still.
 */
export interface Runtime {
  clock: Clock;
  sleep: Sleep;
  random: Random;
}
