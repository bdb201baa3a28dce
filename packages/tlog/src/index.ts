/**
 * `@porchlight/tlog` for Node: the surface in `api.ts`, hashing and signing with Node's native crypto. Browsers
 * resolve `browser.ts` (the package's `browser` export condition): the same surface and bytes on `@noble/*`.
 */
import { useCrypto } from './crypto.js';
import { nodeCrypto } from './crypto-node.js';

useCrypto(nodeCrypto);

export * from './api.js';
