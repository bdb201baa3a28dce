/**
 * `@porchlight/age/node`: everything in `@porchlight/age` plus file helpers for the hub and the server, which
 * stream through `node:fs` with bounded memory.
 */
export * from './index.js';
export { decryptFile, encryptFile } from './files.js';
