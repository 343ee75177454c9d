import { cardProblems } from './adaptive-cards.js';
import { type Answer, json, LocalReceiver, type Received } from './fake-http.js';

const WORKFLOW_PATH = '/workflows/0b1c2d3e4f/triggers/manual/paths/invoke';
const SIGNATURE = 'FakeWorkflowSig000000000000000000000000000';

/**
 * A local Teams Workflows webhook ("When a Teams webhook request is
 * received"): it checks the `sig` query parameter (401 otherwise), takes a
 * message whose attachments are Adaptive Cards, validated by Microsoft's
 * library, answers 202 Accepted, and refuses a malformed envelope or card
 * with 400 and a JSON error, as the flow's trigger does.
 */
export class FakeTeams extends LocalReceiver {
  /** Every card accepted, in order. */
  readonly cards: Record<string, unknown>[] = [];

  get webhookUrl(): string {
    return `${this.base}${WORKFLOW_PATH}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIGNATURE}`;
  }

  protected handle(request: Received): Answer {
    const url = new URL(request.url, 'http://localhost');
    if (url.pathname !== WORKFLOW_PATH) return json(404, { error: { code: 'WorkflowNotFound' } });
    if (url.searchParams.get('sig') !== SIGNATURE) return json(401, { error: { code: 'DirectApiAuthorizationRequired' } });
    const problem = envelopeProblem(request.body);
    if (problem) return json(400, { error: { code: 'InvalidRequestContent', message: problem } });
    const message = JSON.parse(request.body) as { attachments: { content: Record<string, unknown> }[] };
    for (const attachment of message.attachments) this.cards.push(attachment.content);
    return { status: 202 };
  }
}

/** Why a body is not a message Workflows can post, or undefined. */
export function envelopeProblem(body: string): string | undefined {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return 'the body is not JSON';
  }
  if (message?.type !== 'message') return 'expected type "message"';
  const attachments = message.attachments;
  if (!Array.isArray(attachments) || attachments.length === 0) return 'expected at least one attachment';
  for (const attachment of attachments as Record<string, unknown>[]) {
    if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') return 'expected an Adaptive Card attachment';
    const content = attachment.content as Record<string, unknown> | undefined;
    if (content?.type !== 'AdaptiveCard' || typeof content.version !== 'string')
      return 'expected content of type AdaptiveCard with a version';
    const problems = cardProblems(content);
    if (problems.length > 0) return `the card is not valid: ${problems.join('; ')}`;
  }
  return undefined;
}
