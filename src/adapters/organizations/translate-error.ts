import { ConfigurationError, DirectoryError, TransientError } from '../../core/errors.js';
import { describeSdkError, isTransientSdkError, sdkErrorShape } from '../aws/sdk-errors.js';

/**
 * The IAM actions the account directory calls, and nothing else: lookups
 * of one account use the first five, a refresh of the whole organization
 * the last three with ListTagsForResource.
 */
export const DIRECTORY_ACTIONS = [
  'organizations:DescribeAccount',
  'organizations:ListParents',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListTagsForResource',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
] as const;

/** What an organization that changes while it is read answers: a later attempt reads it as it is then. */
const VANISHED = new Set([
  'ChildNotFoundException',
  'OrganizationalUnitNotFoundException',
  'ParentNotFoundException',
  'TargetNotFoundException',
]);

/**
 * Turns what the SDK threw into the domain's errors: TransientError for
 * throttling, server trouble and a tree that changed under the reader;
 * ConfigurationError, saying where the directory must run and with which
 * actions, when Organizations refuses the caller or the caller is in no
 * organization (and for missing credentials); DirectoryError otherwise.
 */
export function translateOrganizationsError(error: unknown, operation: string): Error {
  const name = sdkErrorShape(error).name ?? 'Error';
  const message = `AWS Organizations ${operation}: ${describeSdkError(error)}`;
  if (isTransientSdkError(error) || VANISHED.has(name)) return new TransientError(message, { cause: error });
  if (name === 'AccessDeniedException' || name === 'AWSOrganizationsNotInUseException')
    return new ConfigurationError(
      `${message}. The account directory reads AWS Organizations from the organization's management account or from a delegated ` +
        `administrator account; its role needs ${DIRECTORY_ACTIONS.join(', ')} (docs/routing.md). ` +
        'Without an organization, set organizations.enabled to false and list the accounts in the policy.',
      { cause: error },
    );
  if (name === 'CredentialsProviderError')
    return new ConfigurationError(`${message} (give credentials through the standard AWS chain)`, { cause: error });
  return new DirectoryError(message, name, { cause: error });
}
