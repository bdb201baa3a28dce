/**
 * `@porchlight/tlog` for browsers and service workers: the same surface as the Node build, hashing and signing
 * with `@noble/hashes` and `@noble/curves` (no `node:` imports). Proofs, checkpoints and entries verify to the
 * same bytes as on the server.
 */
export * from './api.js';
