import type { DisclosureRow, HoldRow } from './disclosures.repository.js';

const index = (v: string | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

/** What a disclosure is, as its manifest and the log say: hashes, sizes, capture times. Never its owner. */
function facts(row: DisclosureRow) {
  const m = row.manifest;
  return {
    id: row.id,
    requestId: row.request_id,
    status: row.status,
    plaintextSha256: row.plaintext_sha256,
    ciphertextSha256: row.ciphertext_sha256,
    plaintextBytes: row.plaintext_bytes,
    ciphertextBytes: row.ciphertext_bytes,
    captureStart: row.capture_start.toISOString(),
    captureEnd: row.capture_end.toISOString(),
    ...(m.coarseCell !== undefined && { coarseCell: m.coarseCell }),
    redactions: m.redactions,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    logIndex: index(row.log_index),
  };
}

/** A disclosure as its owner sees it, including whether the agency has downloaded it (revocation ends then). */
export function presentOwnDisclosure(row: DisclosureRow) {
  return { ...facts(row), downloaded: row.first_downloaded_at !== null };
}

/** A disclosure as the requesting agency sees it, with its legal holds. */
export function presentAgencyDisclosure(row: DisclosureRow, holds: readonly HoldRow[]) {
  return { ...facts(row), holds: holds.filter((h) => h.disclosure_id === row.id).map(presentHold) };
}

/** A legal hold: public on the request page (case number, justification, until, its log entry). */
export function presentHold(h: HoldRow) {
  return {
    disclosureId: h.disclosure_id,
    caseNumber: h.case_number,
    justification: h.justification,
    until: h.until.toISOString(),
    createdAt: h.created_at.toISOString(),
    logIndex: index(h.log_index),
  };
}

/** The manifest file of an evidence archive: the owner's manifest plus what the server measured. */
export function manifestDocument(row: DisclosureRow) {
  return {
    disclosure: row.id,
    ...row.manifest,
    ciphertextSha256: row.ciphertext_sha256,
    plaintextBytes: row.plaintext_bytes,
    ciphertextBytes: row.ciphertext_bytes,
    logIndex: index(row.log_index),
  };
}
