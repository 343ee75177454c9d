import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
}

/** Every transition of the state machine, nested Map states included, as "From --> To". */
function transitions(states: Record<string, AslState>): string[] {
  return Object.entries(states).flatMap(([name, state]) => {
    const targets = [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)];
    const nested = state.ItemProcessor?.States ?? state.Iterator?.States;
    return [...targets.filter((t): t is string => t !== undefined).map((t) => `${name} --> ${t}`), ...(nested ? transitions(nested) : [])];
  });
}

function stateNames(states: Record<string, AslState>): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    name,
    ...stateNames(state.ItemProcessor?.States ?? state.Iterator?.States ?? {}),
  ]);
}

describe('the state machine diagram in docs/architecture.md', () => {
  it('shows every state and transition of infra/state-machine.asl.json, and no others', () => {
    // prepare
    const asl = JSON.parse(readFileSync(`${repoRoot}infra/state-machine.asl.json`, 'utf8')) as { States: Record<string, AslState> };
    const doc = readFileSync(`${repoRoot}docs/architecture.md`, 'utf8');
    const section = doc.slice(doc.indexOf('## In AWS'));
    const diagram = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    // act
    const drawn = [...diagram.matchAll(/^\s*(\w+) --> (\w+)/gm)].map((m) => `${m[1]} --> ${m[2]}`);
    const drawnStates = new Set(drawn.flatMap((edge) => edge.split(' --> ')));
    // assess
    expect(diagram).not.toBe('');
    expect([...new Set(drawn)].sort()).toEqual([...new Set(transitions(asl.States))].sort());
    expect([...drawnStates].sort()).toEqual(stateNames(asl.States).sort());
  });
});
