import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * zod for the whole project, from its tree-shakable build (zod/mini): a
 * bundle keeps only the parts of zod its schemas use — about 30 KB of a
 * Lambda bundle instead of 200 KB, a quarter of its load time. zod/mini has
 * no messages of its own; the English ones are registered here, once, so
 * that issues read exactly as with the full build. Import it as
 * `import * as z from './zod.js'`, which keeps tree-shaking possible.
 */
config(en());

export * from 'zod/mini';
