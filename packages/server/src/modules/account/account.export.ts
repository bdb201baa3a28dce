import { Readable } from 'node:stream';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { BlobStore } from '../../infra/blob/index.js';
import type { Queryable } from '../../infra/db/index.js';
import { exportClips, exportRows, exportSnapshots } from './account-export.repository.js';

const DIR = 'porchlight-export';

const README = `Porchlight account export
=========================

account.json        everything the account holds, as stored: profile, posts (with earlier versions and
                    photo/video details), comments (with earlier versions), reactions, reports, appeals,
                    mutes, cameras (with their exact location), hubs, clip metadata, vault keys (public
                    recipient and the passphrase-wrapped identity), disclosures, inbox, bystander requests
                    about your video posts (without the requester's address), legal notices.
                    Posts, comments, cameras, clips and hubs are named by the ids the app and API use.
clips/<id>.age      each clip's ciphertext exactly as stored: the server never had the plaintext.
cameras/<id>-snapshot.jpg.age
                    the latest frame each camera's hub sent for the zone editor, encrypted to your key.
vault/identity.age  your vault identity, encrypted with your vault passphrase (age scrypt).
vault/recovery.age  the same identity, encrypted with your recovery code.
vault/retired-N.age identities from before a key rotation, encrypted to your current identity.

To play a clip with the age CLI (https://age-encryption.org):

  age -d vault/identity.age > identity.txt        # asks for your vault passphrase
  age -d -i identity.txt clips/<id>.age > clip.mp4

A clip from before a key rotation needs the retired identity it was encrypted to:

  age -d -i identity.txt vault/retired-1.age > retired-1.txt
  age -d -i retired-1.txt clips/<id>.age > clip.mp4

Keep identity.txt private and delete it when you are done.
`;

function addFile(pack: Pack, name: string, content: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name: `${DIR}/${name}`, mode: 0o600 }, content, (err) => {
      if (err) reject(err);
      else resolve();
    });
  });
}

function addStream(pack: Pack, name: string, size: number, body: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry({ name: `${DIR}/${name}`, size, mode: 0o600 }, (err) => {
      if (err) reject(err);
      else resolve();
    });
    body.once('error', (err) => {
      entry.destroy(err);
      reject(err);
    });
    body.pipe(entry);
  });
}

const fileId = (row: Record<string, unknown>): string => String(row.id);

/**
 * The account's export as a tar stream. Metadata is read first (one account's rows); each clip's ciphertext is
 * then streamed from the blob store into the archive one at a time, so memory stays bounded by the tar's
 * buffers whatever the vault's size. A clip whose ciphertext is missing from storage is listed as such.
 */
export function accountArchive(db: Queryable, blobs: BlobStore, userId: number, exportedAt: Date): Readable {
  const pack = tarPack();
  const write = async () => {
    const rows = await exportRows(db, userId);
    const clips = await exportClips(db, userId);
    const stored = await Promise.all(clips.map((c) => blobs.size(c.blob_key)));
    const clipList = clips.map((c, i) => ({
      ...c.row,
      ciphertextFile: stored[i] === undefined ? null : `clips/${fileId(c.row)}.age`,
    }));
    const json = { exportedAt: exportedAt.toISOString(), ...rows, clips: clipList };
    await addFile(pack, 'README.txt', README);
    await addFile(pack, 'account.json', `${JSON.stringify(json, null, 2)}\n`);
    const keys = rows.vaultKeys?.[0];
    if (keys) {
      await addFile(pack, 'vault/identity.age', String(keys.wrapped_identity));
      await addFile(pack, 'vault/recovery.age', String(keys.recovery_wrapped_identity));
    }
    for (const r of rows.retiredVaultKeys ?? []) {
      await addFile(pack, `vault/retired-${String(r.generation)}.age`, String(r.sealed_identity));
    }
    for (const s of await exportSnapshots(db, userId)) {
      await addFile(pack, `cameras/${s.camera_id}-snapshot.jpg.age`, Buffer.from(s.ciphertext));
    }
    for (const [i, c] of clips.entries()) {
      const size = stored[i];
      if (size === undefined) continue;
      await addStream(pack, `clips/${fileId(c.row)}.age`, size, await blobs.read(c.blob_key));
    }
    pack.finalize();
  };
  write().catch((err: unknown) => {
    pack.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return Readable.from(pack);
}
