import { api } from '../../api/client';
import { call } from '../../api/problem';
import { PATCH_SIZE } from '../../vault/encryptedSource';
import { terminateUpload, type DisclosureManifest, type PreparedShare } from './disclosureUpload';
import { sharesChanged, takeInterrupted } from './liveShares';

/*
 * Shares this browser started and did not finish, so a reload or a closed tab does not throw away what was
 * already uploaded. One IndexedDB store, one record per request and clip. Nothing in it opens anything: the age
 * head is public (the server already has it), and the disclosure's file key is kept only as an age file sealed to
 * the owner's own vault recipient — it opens with the vault identity after unlocking, never in the clear, and is
 * never sent anywhere. A redacted copy is not kept (it is plaintext video), so its share cannot be resumed.
 */

const DB = 'porchlight-shares';
const STORE = 'pending';

/** One unfinished share. `clipId` is the vault's opaque clip id as text. */
export interface PendingShare {
  /** `requestId` and `clipId`, the store's key. */
  key: string;
  userId: string;
  requestId: string;
  clipId: string;
  /**
   * `vault`: the stored clip, read again from the vault on resume. `file`: a redacted copy that lived only in
   * the page; it cannot be resumed after a reload, only discarded.
   */
  source: 'vault' | 'file';
  /** The age head (header + payload nonce): the first bytes the server already has. Null for `file`. */
  head: Uint8Array | null;
  /** The disclosure's file key as an age file to the owner's vault recipient. Null for `file`. */
  keptKey: Uint8Array | null;
  /** The tus upload, once the server created it. */
  uploadUrl: string | null;
  /** What the upload's creation stated (and the server checks again when it completes). */
  manifest: DisclosureManifest;
  plaintextBytes: number;
  ciphertextBytes: number;
  /** Bytes per tus PATCH. */
  chunkSize: number;
  /** Bytes the server had accepted when last heard of. */
  sent: number;
  startedAt: string;
}

/** A clip id as the store keeps it: opaque text, whatever type the API gives it. */
export const clipIdText = (id: string | number): string => `${id}`;

/** The store key for a request's clip. */
export const shareKey = (requestId: string, clipId: string): string => `${requestId}/${clipId}`;

/** How far along `share` was, in whole percent (never 100 before the server confirms). */
export function percentSent(share: Pick<PendingShare, 'sent' | 'ciphertextBytes'>): number {
  if (share.ciphertextBytes <= 0) return 0;
  return Math.min(99, Math.floor((share.sent / share.ciphertextBytes) * 100));
}

/**
 * The record kept when a share starts sending. A redacted copy (`redacted`) keeps no head or key: it cannot be
 * resumed, only discarded, since the copy itself is never stored.
 */
export function shareRecord(input: {
  userId: string;
  requestId: string;
  clipId: string;
  redacted: boolean;
  share: Pick<PreparedShare, 'head' | 'keptKey' | 'manifest' | 'plaintextBytes' | 'ciphertextBytes'>;
  now: Date;
}): PendingShare {
  const { share } = input;
  return {
    key: shareKey(input.requestId, input.clipId),
    userId: input.userId,
    requestId: input.requestId,
    clipId: input.clipId,
    source: input.redacted ? 'file' : 'vault',
    head: input.redacted ? null : share.head.slice(),
    keptKey: input.redacted ? null : share.keptKey.slice(),
    uploadUrl: null,
    manifest: share.manifest,
    plaintextBytes: share.plaintextBytes,
    ciphertextBytes: share.ciphertextBytes,
    chunkSize: PATCH_SIZE,
    sent: 0,
    startedAt: input.now.toISOString(),
  };
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    req.onsuccess = () => {
      resolve(req.result);
    };
    req.onerror = () => {
      reject(req.error ?? new Error('IndexedDB is not available'));
    };
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = work(tx.objectStore(STORE));
      tx.oncomplete = () => {
        resolve(req.result);
      };
      tx.onerror = () => {
        reject(tx.error ?? new Error('IndexedDB write failed'));
      };
    });
  } finally {
    db.close();
  }
}

/** Remembers (or updates) an unfinished share. */
export async function saveShare(share: PendingShare): Promise<void> {
  await run('readwrite', (s) => s.put(share));
  sharesChanged();
}

/** The stored share `key`, if there is one. */
export async function storedShare(key: string): Promise<PendingShare | undefined> {
  return (await run('readonly', (s) => s.get(key))) as PendingShare | undefined;
}

/** Updates fields of a stored share, if it is still there. */
export async function updateShare(key: string, patch: Partial<Pick<PendingShare, 'uploadUrl' | 'sent'>>) {
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const req = store.get(key) as IDBRequest<PendingShare | undefined>;
      req.onsuccess = () => {
        if (req.result) store.put({ ...req.result, ...patch });
      };
      tx.oncomplete = () => {
        resolve();
      };
      tx.onerror = () => {
        reject(tx.error ?? new Error('IndexedDB write failed'));
      };
    });
  } finally {
    db.close();
  }
}

/** The unfinished shares of `userId` for `requestId`, oldest first. */
export async function pendingShares(userId: string, requestId: string): Promise<PendingShare[]> {
  const all = (await run('readonly', (s) => s.getAll())) as PendingShare[];
  return all
    .filter((s) => s.userId === userId && s.requestId === requestId)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Forgets one share: it finished, was discarded, or can no longer be finished. */
export async function forgetShare(key: string): Promise<void> {
  takeInterrupted(key)?.release();
  await run('readwrite', (s) => s.delete(key));
  sharesChanged();
}

/** Ends a stored share's upload on the server (tus DELETE), if it had one; the server also expires them. */
export async function terminateShare(share: PendingShare): Promise<void> {
  if (!share.uploadUrl) return;
  const { csrfToken } = await call(api.GET('/api/session'));
  await terminateUpload(share.uploadUrl, csrfToken);
}

/**
 * Ends the unfinished share of the same request and clip before that clip is shared again instead of resumed:
 * its partial upload is terminated on the server (tus DELETE) and only then is its record forgotten, so no
 * orphaned upload is left behind. If the server cannot be told (offline), this throws and the old share stays
 * kept, to be resumed or discarded. Resolves with whether there was one.
 */
export async function replaceShare(key: string): Promise<boolean> {
  const old = await storedShare(key);
  if (!old) return false;
  takeInterrupted(key)?.release();
  await terminateShare(old);
  await forgetShare(key);
  return true;
}

/** Discards every unfinished share of a request (declined, or no longer open): server upload and record. */
export async function discardShares(userId: string, requestId: string): Promise<number> {
  const found = await pendingShares(userId, requestId);
  await Promise.all(found.map((s) => terminateShare(s).catch(() => undefined)));
  await Promise.all(found.map((s) => forgetShare(s.key)));
  return found.length;
}
