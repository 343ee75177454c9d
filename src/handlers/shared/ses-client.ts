import { createSesClient } from '../../adapters/ses/ses-client.js';

/** One SES client per container, built at cold start (region, credentials and endpoint from the standard AWS settings). */
export const sesClient = createSesClient();
