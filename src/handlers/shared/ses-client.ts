import { SESv2Client } from '@aws-sdk/client-sesv2';

/** One SES client per container, built at cold start (region, credentials and endpoint from the standard AWS settings). */
export const sesClient = new SESv2Client({});
