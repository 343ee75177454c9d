import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InvalidPolicyError } from '../../core/errors.js';
import { type Policy, validatePolicy } from '../../core/policy.js';

/** Reads and validates a policy file (YAML or JSON; JSON is YAML). Errors name the file. */
export async function readPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidPolicyError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parsePolicyText(text, path);
}

/** Parses and validates policy text; `name` is used in error messages. */
export function parsePolicyText(text: string, name: string): Policy {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new InvalidPolicyError(`${name}: not valid YAML or JSON: ${detail}`);
  }
  try {
    return validatePolicy(document);
  } catch (error) {
    if (error instanceof InvalidPolicyError) {
      throw new InvalidPolicyError(`${name}: ${error.message}`, error.issues);
    }
    throw error;
  }
}
