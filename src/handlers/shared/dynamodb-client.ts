import { createDynamoDbClient } from '../../adapters/dynamodb/dynamodb-client.js';

/** One DynamoDB client per container, built at cold start (region, credentials and endpoint from the standard AWS settings). */
export const dynamoDbClient = createDynamoDbClient();
