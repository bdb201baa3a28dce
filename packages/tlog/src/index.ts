// The public surface of @porchlight/tlog. Each module re-exports only what callers need.
export {};
