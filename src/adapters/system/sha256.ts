import { createHash } from 'node:crypto';
import type { HexDigest } from '../../core/ports.js';

/** SHA-256 of a text's UTF-8 bytes, as 64 lower-case hex digits: the digest the core takes as a function. */
export const sha256Hex: HexDigest = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
