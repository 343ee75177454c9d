/**
 * One error hierarchy. An error's `name` is a contract: the state machine
 * retries or catches on it, and the command line maps it to an exit code.
 */
export class SechubAlertsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A policy or configuration that fails validation. `issues` name path and expectation. */
export class InvalidPolicyError extends SechubAlertsError {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

/** One input item that is not a finding we can read; `where` names file, line or index. */
export class InvalidFindingError extends SechubAlertsError {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/** A transient failure worth retrying (throttling, timeouts, 5xx). */
export class TransientError extends SechubAlertsError {}

/** The mailer did not accept an email. Nothing is recorded; a later run sends it again. */
export class MailDeliveryError extends SechubAlertsError {
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The store is unreachable or refused an operation for a reason other than a lost race. */
export class StoreError extends SechubAlertsError {}

/** Settings missing or malformed at start-up; the message names the setting. */
export class ConfigurationError extends SechubAlertsError {}

/**
 * A MailDeliveryError that retrying cannot fix (address rejected, sender not
 * verified, sending paused). Its own name lets the workflow retry
 * MailDeliveryError and still fail at once on this one.
 */
export class MailRejectedError extends MailDeliveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, false, options);
  }
}

/**
 * Security Hub refused a request for a reason that retrying cannot fix
 * (invalid input, access denied). `code` is the API's error code, e.g.
 * "InvalidInputException". Throttling and server errors become
 * TransientError instead, once the retries are spent.
 */
export class SecurityHubError extends SechubAlertsError {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The account directory (AWS Organizations) refused a request for a reason
 * that retrying cannot fix and that is not a matter of permissions. `code`
 * is the API's error code, e.g. "InvalidInputException".
 */
export class DirectoryError extends SechubAlertsError {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A destination other than email (Slack, Teams, a webhook, SNS) did not
 * accept a message. `transient`: a later attempt may succeed (429, 5xx, a
 * dropped connection); otherwise the destination refused it for good (4xx).
 * `retryAfterMs` carries the destination's own hint (Retry-After).
 */
export class DeliveryError extends SechubAlertsError {
  constructor(
    readonly destination: string,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(`${destination}: ${message}`, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  readonly retryAfterMs: number | undefined;
}
