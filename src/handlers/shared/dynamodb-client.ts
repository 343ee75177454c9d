import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One DynamoDB client per container, built at cold start (region, credentials and endpoint from the standard AWS settings). */
export const dynamoDbClient = new DynamoDBClient({});
