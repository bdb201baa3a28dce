/**
 * `@porchlight/policy`: what the server, the log and the web app must agree on — the vocabularies, the
 * jurisdiction request policy, boundary geometry and the footage-request checker. Browser-safe: no Node APIs.
 */
export * from './vocabulary.js';
export * from './request-policy.js';
export * from './geometry.js';
export * from './check.js';
export * from './policy-diff.js';
