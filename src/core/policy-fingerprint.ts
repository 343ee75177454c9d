import { InvalidPolicyError } from './errors.js';
import { type Policy, validatePolicy } from './policy.js';
import type { HexDigest } from './ports.js';

/**
 * The deployment's policy in its table, and fingerprints to compare policies
 * by. Terraform keeps the policy document (as written, parsed from YAML) in
 * the document POLICY_DOCUMENT as `{"policy": …}`; the functions read it
 * there, and a command line pointed at the table compares fingerprints. A
 * fingerprint is the digest of the validated policy as canonical JSON, so
 * the same rules give the same fingerprint whether written as YAML or JSON,
 * in any key order, with "15d" or "360h".
 */

/** Where the deployment keeps its policy (DocumentStore kind and id). */
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

/** The document's value for a policy document (what Terraform writes, as JSON). */
export function policyDocumentValue(document: unknown): string {
  return JSON.stringify({ policy: document });
}

/** The policy document a stored value holds; throws InvalidPolicyError when it holds none. */
export function policyOfDocument(value: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidPolicyError(`the stored policy is not JSON: ${(error as Error).message}`, ['(policy): not JSON']);
  }
  if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, 'policy'))
    throw new InvalidPolicyError('the stored policy has no "policy" field', ['(policy): missing']);
  return (parsed as { policy: unknown }).policy;
}

/**
 * The warning for a run whose policy is not the deployment's (one line,
 * naming both fingerprints by their first 12 hex digits), or undefined when
 * they agree or the deployment keeps no policy.
 */
export function policyMismatch(ours: Policy, stored: string | undefined, digest: HexDigest): string | undefined {
  if (stored === undefined) return undefined;
  const mine = policyFingerprint(ours, digest);
  let theirs: string;
  try {
    theirs = policyFingerprint(validatePolicy(policyOfDocument(stored)), digest);
  } catch {
    return `warning: the deployment's policy cannot be read (${mine.slice(0, 12)} given); this run follows the policy given`;
  }
  if (theirs === mine) return undefined;
  return `warning: the policy given (${mine.slice(0, 12)}) differs from the one the deployment runs (${theirs.slice(0, 12)}); this run follows the policy given`;
}
