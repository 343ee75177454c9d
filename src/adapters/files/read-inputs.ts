import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Extracted, extractFindings } from '../../core/normalize/extract.js';

const FINDING_FILES = new Set(['.json', '.jsonl', '.ndjson']);
const LINE_FILES = new Set(['.jsonl', '.ndjson']);

/**
 * Reads findings from files, directories (recursively: .json, .jsonl,
 * .ndjson) and `-` for standard input. Yields every finding and every bad
 * item with where it was; one bad item never stops the rest.
 */
export async function* readInputs(inputs: string[], stdin: Readable = process.stdin): AsyncGenerator<Extracted> {
  for (const input of inputs) {
    if (input === '-') {
      yield* readStream(stdin, 'stdin');
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(input);
    } catch (error) {
      yield { kind: 'invalid', where: input, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
      continue;
    }
    if (info.isDirectory()) {
      for (const file of await listFindingFiles(input)) yield* readFile_(file);
    } else {
      yield* readFile_(input);
    }
  }
}

/** Every .json/.jsonl/.ndjson file below `dir`, in a stable order. */
export async function listFindingFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFindingFiles(path)));
    else if (entry.isFile() && FINDING_FILES.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

async function* readFile_(path: string): AsyncGenerator<Extracted> {
  if (LINE_FILES.has(extname(path).toLowerCase())) {
    yield* readLines(createReadStream(path), path);
    return;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    yield { kind: 'invalid', where: path, reason: `cannot read: ${(error as Error).message}` };
    return;
  }
  yield* parseDocumentOrLines(text, path);
}

async function* readStream(stream: Readable, name: string): AsyncGenerator<Extracted> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  yield* parseDocumentOrLines(Buffer.concat(chunks).toString('utf8'), name);
}

/** A whole JSON document, or — when that fails and there are several lines — JSON Lines. */
function* parseDocumentOrLines(text: string, where: string): Generator<Extracted> {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return;
  try {
    yield* extractFindings(JSON.parse(body), `${where}#`);
    return;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const lines = body.split(/\r?\n/);
    if (lines.filter((line) => line.trim() !== '').length < 2) {
      yield { kind: 'invalid', where, reason: `not valid JSON: ${error.message}` };
      return;
    }
    for (let i = 0; i < lines.length; i++) yield* parseLine(lines[i]!, where, i + 1);
  }
}

async function* readLines(stream: Readable, where: string): AsyncGenerator<Extracted> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const line of lines) yield* parseLine(line, where, ++number);
  } catch (error) {
    yield { kind: 'invalid', where, reason: `cannot read: ${(error as Error).message}` };
  }
}

function* parseLine(line: string, file: string, number: number): Generator<Extracted> {
  if (line.trim() === '') return;
  const where = `${file}:${number}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    yield { kind: 'invalid', where, reason: `not valid JSON: ${(error as Error).message}` };
    return;
  }
  yield* extractFindings(value, `${where}#`);
}
