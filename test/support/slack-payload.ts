/**
 * What Slack checks in a message payload before it accepts it, as far as
 * its documentation states the limits: at most 50 blocks; a header's
 * plain_text at most 150 characters; a section's text at most 3,000, at
 * most 10 fields of at most 2,000; buttons' text at most 75 and URL at most
 * 3,000; at most 10 context elements; `text` required without blocks, at
 * most 40,000. The fake Slack answers `invalid_blocks`, `no_text` or
 * `msg_too_long` as Slack does.
 */

type Json = Record<string, unknown>;

/** Slack's error code for the payload, or undefined when Slack would take it. */
export function slackPayloadError(payload: Json): 'invalid_blocks' | 'no_text' | 'msg_too_long' | undefined {
  const text = payload.text;
  if (text !== undefined && typeof text !== 'string') return 'no_text';
  if (typeof text === 'string' && text.length > 40_000) return 'msg_too_long';
  if (payload.blocks === undefined) return typeof text === 'string' && text.trim() !== '' ? undefined : 'no_text';
  return blocksProblem(payload.blocks) ? 'invalid_blocks' : undefined;
}

/** Why the blocks are not valid, or undefined. */
export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks) || blocks.length === 0) return 'blocks must be a non-empty array';
  if (blocks.length > 50) return `${blocks.length} blocks, more than 50`;
  for (const [i, block] of blocks.entries()) {
    const problem = blockProblem(block as Json);
    if (problem) return `block ${i}: ${problem}`;
  }
  return undefined;
}

function blockProblem(block: Json): string | undefined {
  switch (block.type) {
    case 'header':
      return textProblem(block.text, 150, ['plain_text']);
    case 'section': {
      if (block.text === undefined && block.fields === undefined) return 'a section needs text or fields';
      if (block.text !== undefined) {
        const problem = textProblem(block.text, 3000);
        if (problem) return problem;
      }
      if (block.fields === undefined) return undefined;
      if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > 10) return 'fields: 1 to 10';
      for (const field of block.fields) {
        const problem = textProblem(field, 2000);
        if (problem) return `field: ${problem}`;
      }
      return undefined;
    }
    case 'actions': {
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) return 'actions: 1 to 25 elements';
      for (const element of block.elements as Json[]) {
        if (element.type !== 'button') return `unknown element ${String(element.type)}`;
        const problem = textProblem(element.text, 75, ['plain_text']);
        if (problem) return `button: ${problem}`;
        if (typeof element.url !== 'string' || element.url.length > 3000) return 'button url: at most 3000';
        if (typeof element.action_id === 'string' && element.action_id.length > 255) return 'action_id: at most 255';
      }
      return undefined;
    }
    case 'context': {
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) return 'context: 1 to 10 elements';
      for (const element of block.elements) {
        const problem = textProblem(element, 3000);
        if (problem) return `context: ${problem}`;
      }
      return undefined;
    }
    case 'divider':
      return undefined;
    default:
      return `unknown block type ${String(block.type)}`;
  }
}

function textProblem(object: unknown, max: number, types = ['plain_text', 'mrkdwn']): string | undefined {
  const text = object as Json | undefined;
  if (!text || !types.includes(String(text.type))) return `expected a ${types.join(' or ')} text object`;
  if (typeof text.text !== 'string' || text.text.length === 0) return 'text must be a non-empty string';
  if (text.text.length > max) return `text of ${text.text.length} characters, more than ${max}`;
  const allowed = text.type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim'];
  const extra = Object.keys(text).find((key) => !allowed.includes(key));
  return extra ? `unknown field ${extra} in a ${String(text.type)} object` : undefined;
}

/** Every string Slack shows from a payload: `text`, and the text of every text object in its blocks. */
export function slackTexts(payload: Json): { text: string; type: string }[] {
  const found: { text: string; type: string }[] = [];
  if (typeof payload.text === 'string') found.push({ text: payload.text, type: 'mrkdwn' });
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const object = node as Json;
      if ((object.type === 'plain_text' || object.type === 'mrkdwn') && typeof object.text === 'string')
        found.push({ text: object.text, type: object.type });
      else for (const value of Object.values(object)) walk(value);
    }
  };
  walk(payload.blocks);
  return found;
}

/** The URLs of a payload's buttons. */
export function slackButtonUrls(payload: Json): string[] {
  return ((payload.blocks ?? []) as Json[]).flatMap((block) =>
    block.type === 'actions' ? (block.elements as Json[]).map((element) => String(element.url)) : [],
  );
}
