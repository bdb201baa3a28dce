/**
 * What this browser has learnt about the log and keeps between visits: the log key it pinned on first use
 * and the largest checkpoint it has verified. Both are public facts, so localStorage is the right place.
 */
export interface LogTrust {
  /** The verifier key pinned on first use. */
  key: string;
  /** When it was pinned (ISO time), to tell the person since when. */
  pinnedAt: string;
  /** The largest verified checkpoint: every later one must be consistent with it. */
  size: number;
  /** Its root hash, base64. */
  root: string;
}

/** Reads and writes the {@link LogTrust} record. */
export interface TrustStore {
  get(): LogTrust | null;
  set(trust: LogTrust): void;
}

const KEY = 'porchlight.log-trust';

function isTrust(value: unknown): value is LogTrust {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.key === 'string' &&
    typeof t.pinnedAt === 'string' &&
    Number.isSafeInteger(t.size) &&
    typeof t.root === 'string'
  );
}

/** The record in `storage` (the page's localStorage by default); a corrupt record counts as none. */
export function storageTrust(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): TrustStore {
  return {
    get() {
      try {
        const value: unknown = JSON.parse(storage.getItem(KEY) ?? 'null');
        return isTrust(value) ? value : null;
      } catch {
        return null;
      }
    },
    set(trust) {
      storage.setItem(KEY, JSON.stringify(trust));
    },
  };
}

/** A store that lives as long as the object: for tests and one-off checks. */
export function memoryTrust(initial: LogTrust | null = null): TrustStore {
  let current = initial;
  return {
    get: () => current,
    set: (trust) => {
      current = trust;
    },
  };
}
