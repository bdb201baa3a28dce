/**
 * The one interrupted browser upload this browser may resume after a reload. Only public facts are kept: the
 * tus URL, the clip's metadata, the picked file's fingerprint and the age head (header + payload nonce). The
 * head holds the file key wrapped to the owner's recipient, so the payload key comes back only from the
 * unlocked identity (`resumeEncryptor`); nothing secret is ever written to storage.
 */
const KEY = 'porchlight.vault.pendingUpload';

/** What identifies the picked file well enough to refuse a different one: name, size and modification time. */
export interface FileFingerprint {
  name: string;
  size: number;
  lastModified: number;
}

export interface PendingUpload {
  uploadUrl: string;
  /** Base64 of the age head, the first bytes the server already has. */
  head: string;
  file: FileFingerprint;
  cameraId: string;
  startedAt: string;
  endedAt: string;
  clientRef: string;
  /** Plaintext bytes sent when last heard of, to say how far along it was. */
  sent: number;
}

/** The fingerprint of a picked file. */
export function fingerprintOf(file: File): FileFingerprint {
  return { name: file.name, size: file.size, lastModified: file.lastModified };
}

/** Whether `file` is the file `pending` was started with; a different file must not continue its bytes. */
export function sameFile(pending: PendingUpload, file: File): boolean {
  const f = fingerprintOf(file);
  return (
    f.name === pending.file.name &&
    f.size === pending.file.size &&
    f.lastModified === pending.file.lastModified
  );
}

/** How far along `pending` was, in whole percent. */
export function percentOf(pending: PendingUpload): number {
  return pending.file.size > 0 ? Math.min(100, Math.floor((pending.sent / pending.file.size) * 100)) : 0;
}

/** `pending` as stored text. */
export function encodePending(pending: PendingUpload): string {
  return JSON.stringify(pending);
}

/** A stored record, or null when it is missing or not one this code wrote (it is then ignored). */
export function decodePending(text: string | null): PendingUpload | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<PendingUpload> & { file?: Partial<FileFingerprint> };
    const strings = [v.uploadUrl, v.head, v.cameraId, v.startedAt, v.endedAt, v.clientRef, v.file?.name];
    const numbers = [v.sent, v.file?.size, v.file?.lastModified];
    if (strings.some((s) => typeof s !== 'string' || s === '')) return null;
    if (numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n) || n < 0)) return null;
    if (!/^(https?:\/\/|\/)/.test(v.uploadUrl!)) return null;
    return v as PendingUpload;
  } catch {
    return null;
  }
}

/** The head bytes of `pending`. */
export function headOf(pending: PendingUpload): Uint8Array {
  return Uint8Array.from(atob(pending.head), (c) => c.charCodeAt(0));
}

/** `head` as the base64 a record stores. */
export function encodeHead(head: Uint8Array): string {
  let s = '';
  for (const b of head) s += String.fromCharCode(b);
  return btoa(s);
}

/** The interrupted upload saved in this browser, if any. */
export function loadPending(storage: Storage = localStorage): PendingUpload | null {
  return decodePending(storage.getItem(KEY));
}

/** Remembers `pending` so a reload can continue it. */
export function savePending(pending: PendingUpload, storage: Storage = localStorage): void {
  storage.setItem(KEY, encodePending(pending));
}

/** Forgets the interrupted upload: it finished, or the user discarded it. */
export function clearPending(storage: Storage = localStorage): void {
  storage.removeItem(KEY);
}
