/**
 * Product and standard identification. A product ARN names who produced a
 * finding; a custom integration can put any string there, so an ARN only
 * counts as an AWS product when it has the exact AWS form for the finding's
 * own partition and region.
 */

import { AWS_VENDOR, LOOSE_PRODUCT, PRODUCT_ARN } from '../security-hub/vocabulary.js';

export interface ProductIdentity {
  /** "aws/guardduty", "prowler/prowler": the part after product/ or productv2/ ("untrusted:<arn>" for a false AWS claim). */
  productKey: string;
  /** AWS product short name when the ARN is a genuine AWS product ARN, else "other". */
  product: string;
  partition?: string;
  region?: string;
}

/**
 * Reads a product ARN. `expect` carries the finding's own region and
 * partition where the finding states them; an AWS product ARN that
 * disagrees with them is not trusted to be that product.
 */
export function identifyProduct(arn: string, expect: { region?: string; partition?: string } = {}): ProductIdentity | undefined {
  const strict = PRODUCT_ARN.exec(arn);
  if (strict) {
    const [, partition, region, vendor, name] = strict as unknown as [string, string, string, string, string];
    const productKey = `${vendor}/${name}`;
    const trusted =
      vendor === AWS_VENDOR &&
      (expect.region === undefined || expect.region === region) &&
      (expect.partition === undefined || expect.partition === partition);
    return {
      productKey: trusted || vendor !== AWS_VENDOR ? productKey : untrustedKey(arn),
      product: trusted ? name : 'other',
      partition,
      region,
    };
  }
  const loose = LOOSE_PRODUCT.exec(arn);
  if (loose?.[1]) return { productKey: loose[1].startsWith(`${AWS_VENDOR}/`) ? untrustedKey(arn) : loose[1], product: 'other' };
  return undefined;
}

/**
 * The product key of an ARN that claims an AWS product but is not in its
 * exact form. It must differ from the genuine product's key: the key is
 * part of a finding's identity, and a spoofed finding sharing it could
 * close or silence the genuine finding with the same id.
 */
function untrustedKey(arn: string): string {
  return `untrusted:${arn.slice(0, 200)}`;
}

const STANDARD_NAMES: [RegExp, string][] = [
  [/cis-aws-foundations-benchmark/, 'cis'],
  [/aws-foundational-security-best-practices|aws-foundation-best-practices/, 'fsbp'],
  [/pci-dss/, 'pci'],
  [/nist-800/, 'nist'],
  [/service-managed-aws-control-tower/, 'control-tower'],
  [/aws-resource-tagging-standard/, 'tagging'],
];

/**
 * Short name of a standard from any of its spellings: a standards ARN, a
 * subscription ARN, a generator id, or an id like
 * "standards/pci-dss/v/3.2.1".
 */
export function standardName(id: string): string | undefined {
  for (const [pattern, name] of STANDARD_NAMES) if (pattern.test(id)) return name;
  const slug = /(?:standards|ruleset)\/([a-z0-9-]+)\/v\//.exec(id);
  return slug?.[1];
}

/** "standards/pci-dss/v/3.2.1" from "arn:aws:securityhub:::standards/pci-dss/v/3.2.1" and similar. */
export function standardId(text: string): string | undefined {
  const match = /((?:standards|ruleset)\/[a-z0-9-]+\/v\/[0-9.]+)/.exec(text);
  if (match?.[1]) return match[1];
  const legacy = /(?:subscription\/|^)([a-z0-9-]+)\/v\/([0-9.]+)/.exec(text);
  if (legacy?.[1] && standardName(legacy[1])) return `standards/${legacy[1]}/v/${legacy[2]}`;
  return undefined;
}

/** Builds the control part of a finding from the standard ids it mentions. */
export function describeStandards(ids: Iterable<string>): { standards: string[]; standardIds: string[] } {
  const standardIds = [...new Set([...ids].map((id) => standardId(id) ?? id))];
  const standards = [...new Set(standardIds.map(standardName).filter((n): n is string => n !== undefined))];
  return { standards, standardIds };
}
