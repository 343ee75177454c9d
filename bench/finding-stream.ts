import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type Category, loadTemplates, type Severity, type Template } from './fixture-templates.js';

/**
 * A reproducible, realistic stream of Security Hub events: each event carries
 * one finding cut from a real sample, most events are repeats of findings
 * still open (Security Hub re-sends a finding whenever it is re-evaluated),
 * a few are new and a few close a finding. Stream time runs over the days
 * before `now`.
 */

export type EventKind = 'new' | 'repeat' | 'close';

export interface StreamOptions {
  events: number;
  /** Share of events that are a finding seen for the first time. */
  newShare: number;
  /** Share of events that close a finding seen before. */
  closeShare: number;
  now: Date;
  seed: number;
  /** Days of stream time, ending a day before `now` (default 13). */
  spanDays?: number;
  /**
   * Findings already open before the stream starts (default none): yielded
   * first, as kind "backlog", so that a consumer can seed its store with
   * them; the stream's repeats then cover them too.
   */
  backlog?: number;
  /** How long before the stream the backlog's findings were first observed, at most (default 180 days). */
  backlogAgeDays?: number;
}

export interface StreamEvent {
  kind: EventKind | 'backlog';
  template: Template;
  severity: Severity;
  line: string;
}

export const DEFAULT_STREAM: Omit<StreamOptions, 'now' | 'events'> = { newShare: 0.09, closeShare: 0.01, seed: 7 };

/** How often each product appears among new findings (controls dominate real Security Hub traffic). */
const CATEGORY_WEIGHTS: [Category, number][] = [
  ['control', 0.45],
  ['inspector', 0.25],
  ['guardduty', 0.1],
  ['other', 0.2],
];
const SEVERITY_WEIGHTS: [Severity, number][] = [
  ['CRITICAL', 0.05],
  ['HIGH', 0.2],
  ['MEDIUM', 0.4],
  ['LOW', 0.25],
  ['INFORMATIONAL', 0.1],
];
const DAY = 86_400_000;

interface Tracked {
  template: Template;
  id: string;
  first: string;
  severity: Severity;
}

/** Yields the events of the stream in order, as JSON text. */
export function* generateStream(options: StreamOptions): Generator<StreamEvent> {
  const random = mulberry32(options.seed);
  const byCategory = new Map<Category, Template[]>();
  for (const template of loadTemplates()) byCategory.set(template.category, [...(byCategory.get(template.category) ?? []), template]);
  const open: Tracked[] = [];
  const span = (options.spanDays ?? 13) * DAY;
  const start = options.now.getTime() - DAY - span;
  let serial = 0;
  const newFinding = (at: number, firstWithin: number): Tracked => {
    const templates = byCategory.get(pick(random, CATEGORY_WEIGHTS)) ?? [...byCategory.values()].flat();
    const template = templates[Math.floor(random() * templates.length)]!;
    return {
      template,
      id: `${template.baseId}-${(serial++).toString(16).padStart(6, '0')}`,
      first: new Date(at - random() * firstWithin).toISOString(),
      severity: pick(random, SEVERITY_WEIGHTS),
    };
  };
  for (let i = 0; i < (options.backlog ?? 0); i++) {
    const tracked = newFinding(start, (options.backlogAgeDays ?? 180) * DAY);
    open.push(tracked);
    const updated = new Date(start - random() * DAY).toISOString();
    const fill = { id: tracked.id, eventId: hex(random, 8), updated, first: tracked.first, eventTime: updated, severity: tracked.severity };
    yield { kind: 'backlog', template: tracked.template, severity: tracked.severity, line: tracked.template.event(fill, true) };
  }
  for (let i = 0; i < options.events; i++) {
    const at = start + (span * i) / options.events;
    const updated = new Date(at).toISOString();
    const eventTime = new Date(at + 5_000 + random() * 55_000).toISOString();
    const eventId = hex(random, 8);
    const roll = random();
    const kind: EventKind =
      open.length === 0 || roll < options.newShare ? 'new' : roll < options.newShare + options.closeShare ? 'close' : 'repeat';
    let tracked: Tracked;
    if (kind === 'new') {
      tracked = newFinding(at, 2 * DAY);
      open.push(tracked);
    } else {
      const index = Math.floor(random() * open.length);
      tracked = open[index]!;
      if (kind === 'close') {
        open[index] = open[open.length - 1]!;
        open.pop();
      }
    }
    const line = tracked.template.event(
      { id: tracked.id, eventId, updated, first: tracked.first, eventTime, severity: tracked.severity },
      kind !== 'close',
    );
    yield { kind, template: tracked.template, severity: tracked.severity, line };
  }
}

export interface StreamStats {
  events: number;
  bytes: number;
  byKind: Record<EventKind, number>;
  byCategory: Record<Category, number>;
  byFormat: Record<'asff' | 'ocsf', number>;
}

/** Writes the stream as JSON Lines and returns what it holds. */
export async function writeStream(path: string, options: StreamOptions): Promise<StreamStats> {
  const stats: StreamStats = {
    events: 0,
    bytes: 0,
    byKind: { new: 0, repeat: 0, close: 0 },
    byCategory: { control: 0, inspector: 0, guardduty: 0, other: 0 },
    byFormat: { asff: 0, ocsf: 0 },
  };
  const out = createWriteStream(path);
  let batch = '';
  for (const event of generateStream(options)) {
    if (event.kind === 'backlog') continue;
    stats.events++;
    stats.byKind[event.kind]++;
    stats.byCategory[event.template.category]++;
    stats.byFormat[event.template.format]++;
    batch += `${event.line}\n`;
    if (batch.length > 1 << 20) {
      stats.bytes += Buffer.byteLength(batch);
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  stats.bytes += Buffer.byteLength(batch);
  out.end(batch);
  await once(out, 'finish');
  return stats;
}

function pick<T>(random: () => number, weights: [T, number][]): T {
  let roll = random();
  for (const [value, weight] of weights) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weights[weights.length - 1]![0];
}

function hex(random: () => number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++)
    out += Math.floor(random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return out;
}

/** A small seeded PRNG, so every run generates the same stream. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
