import { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { Viewer } from '../../policies.js';
import type { TransparencyService } from '../transparency/transparency.service.js';
import type { AgenciesService } from '../agencies/agencies.service.js';
import { manifestDocument } from './disclosures.presenter.js';
import { isCheckpointed, logIndexOfEvent } from './disclosures.repository.js';
import type { DisclosuresService } from './disclosures.service.js';
import { ustar, type TarFile } from './ustar.js';

/** How a person checks an archive with standard tools; written into every archive as VERIFY.txt. */
function verifyText(requestId: string, disclosures: readonly string[]): string {
  return `Porchlight evidence archive for footage request ${requestId}

request.proof            inclusion proof (c2sp.org/tlog-proof@v1) of the request.published log entry;
                         the entry itself is the proof's "extra" line (base64 canonical JSON)
disclosures/<id>.age     each disclosed clip, exactly as its owner's browser encrypted and uploaded it
disclosures/<id>.json    its manifest: hashes of the plaintext and ciphertext, sizes, capture times
disclosures/<id>.proof   inclusion proof of its disclosure.created log entry
SHA256SUMS               SHA-256 of every .age file, for sha256sum -c

Disclosures in this archive (${disclosures.length}): ${disclosures.join(', ') || 'none'}

Verify everything offline against the log's verifier key, obtained separately (GET <site>/log/key):

  porchlight evidence verify <this archive> --key '<log vkey>'

It checks every proof and checkpoint signature, that each proof's entry is the request or disclosure it is
filed under, and that each .age file's SHA-256 and size are the logged ones. With standard tools:

  tar -xf <this archive> && cd ${requestId} && sha256sum -c SHA256SUMS
  age -d -i member-identity.txt disclosures/<id>.age > <id>.mp4

then compare sha256sum <id>.mp4 with plaintextSha256 in disclosures/<id>.json.
`;
}

/**
 * The evidence archive of a request (issue 8 §7) for a member of the requesting agency: ciphertexts as
 * uploaded, manifests, tlog-proof documents for the request and each logged disclosure, SHA256SUMS and
 * VERIFY.txt, as a ustar stream. Each ciphertext counts as a download (logged like one) before the stream starts.
 */
export class EvidenceService {
  constructor(
    private readonly deps: Deps,
    private readonly agencies: AgenciesService,
    private readonly disclosures: DisclosuresService,
    private readonly transparency: TransparencyService,
  ) {}

  async archive(viewer: Viewer | null, requestId: string): Promise<{ filename: string; body: Readable }> {
    const { viewer: v } = await this.agencies.requireActiveAgency(viewer);
    const { request, rows } = await this.disclosures.evidenceParts(v, requestId);
    const publishedIndex = await logIndexOfEvent(this.deps.db, request.published_event_id);
    if (publishedIndex === undefined || !(await isCheckpointed(this.deps.db, String(publishedIndex))))
      throw new AppError(
        'not_yet_logged',
        'the request is not yet in a signed checkpoint; try again shortly',
      );
    const now = this.deps.clock.now();
    const dir = request.id;
    const text = (s: string) => new TextEncoder().encode(s);
    const files: TarFile[] = [
      {
        name: `${dir}/VERIFY.txt`,
        mtime: now,
        data: text(
          verifyText(
            request.id,
            rows.map((r) => r.id),
          ),
        ),
      },
    ];
    // Every proof leads to one checkpoint, so the verifier sees one tree (it refuses proofs to two trees it
    // cannot prove consistent). Taken after the disclosures were listed: each of them is already in it.
    const checkpoint = await this.transparency.checkpoint();
    files.push({
      name: `${dir}/request.proof`,
      mtime: now,
      data: text(await this.transparency.proofDocument(publishedIndex, checkpoint)),
    });
    const sums: string[] = [];
    for (const row of rows) {
      const blobKey = await this.disclosures.recordAccess(v, row.id);
      const base = `${dir}/disclosures/${row.id}`;
      files.push(
        {
          name: `${base}.age`,
          mtime: row.created_at,
          size: row.ciphertext_bytes,
          stream: () => this.disclosures.blobs.read(blobKey),
        },
        {
          name: `${base}.json`,
          mtime: row.created_at,
          data: text(`${JSON.stringify(manifestDocument(row), null, 2)}\n`),
        },
        {
          name: `${base}.proof`,
          mtime: now,
          data: text(await this.transparency.proofDocument(Number(row.log_index), checkpoint)),
        },
      );
      sums.push(`${row.ciphertext_sha256}  disclosures/${row.id}.age`);
    }
    files.push({ name: `${dir}/SHA256SUMS`, mtime: now, data: text(sums.map((s) => `${s}\n`).join('')) });
    return { filename: `evidence-${request.id}.tar`, body: Readable.from(ustar(files)) };
  }
}
