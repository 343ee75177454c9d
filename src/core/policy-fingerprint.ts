import type { Policy } from './policy.js';
import type { HexDigest } from './ports.js';

/**
 * A policy's fingerprint, so that a command line pointed at a deployment's
 * table can tell whether it runs the deployment's policy. The deployment
 * keeps `{"sha256":"<hex>"}` as the document POLICY_DOCUMENT; the fingerprint
 * is the digest of the validated policy as canonical JSON, so the same rules
 * give the same fingerprint whether they were written as YAML for the
 * command line or as JSON in a Lambda's environment, in any key order, with
 * "15d" or "360h".
 */

/** Where the deployment keeps its policy's fingerprint (DocumentStore kind and id). */
export const POLICY_DOCUMENT = { kind: 'config', id: 'policy' } as const;

/**
 * JSON with object keys in code-unit order, no white space and undefined
 * members left out (RFC 8785 for the values a policy holds: strings,
 * finite numbers, booleans, null, arrays and plain objects).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The policy's fingerprint: the hex digest (SHA-256) of its canonical JSON. */
export function policyFingerprint(policy: Policy, digest: HexDigest): string {
  return digest(canonicalJson(policy));
}

/** The document's value for a fingerprint. */
export function policyDocumentValue(fingerprint: string): string {
  return JSON.stringify({ sha256: fingerprint });
}

/** The fingerprint a stored document holds, or undefined when it holds none. */
export function fingerprintIn(documentValue: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(documentValue);
  } catch {
    return undefined;
  }
  const sha256 = (parsed as { sha256?: unknown } | null)?.sha256;
  return typeof sha256 === 'string' && /^[0-9a-f]{64}$/i.test(sha256) ? sha256.toLowerCase() : undefined;
}

/**
 * The warning for a run whose policy is not the deployment's (one line,
 * naming both fingerprints by their first 12 hex digits), or undefined when
 * they agree or the deployment keeps no fingerprint.
 */
export function policyMismatch(ours: string, stored: string | undefined): string | undefined {
  if (stored === undefined) return undefined;
  const deployed = fingerprintIn(stored);
  if (deployed === ours) return undefined;
  const theirs = deployed?.slice(0, 12) ?? 'unreadable';
  return `warning: the policy given (${ours.slice(0, 12)}) differs from the one the deployment runs (${theirs}); this run follows the policy given`;
}
