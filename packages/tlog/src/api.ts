// The public surface of @porchlight/tlog, the same in Node (index.ts) and browsers (browser.ts). Each module
// re-exports only what callers need.
export {
  generateSigner,
  formatSignerKey,
  formatVerifierKey,
  keyId,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
} from './vkey.js';
export type { SignerKey, VerifierKey } from './vkey.js';
export {
  ed25519Signer,
  ed25519Verifier,
  formatNote,
  formatSignatureLine,
  MAX_SIGNATURES,
  parseNote,
  signNote,
  verifyNote,
} from './note.js';
export type { Note, NoteSignature, NoteSigner, NoteVerifier, VerifiedNote } from './note.js';
export { formatCheckpoint, parseCheckpoint, verifyCheckpoint } from './checkpoint.js';
export type { Checkpoint, VerifiedCheckpoint } from './checkpoint.js';
export {
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignedMessage,
} from './cosignature.js';
export type { CosignatureSignerOptions } from './cosignature.js';
export { emptyRoot, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export { CompactTree, MemoryTree, readTreeRoot, rootFromLeafHashes } from './tree.js';
export type { HashReader, NodeId, StoredNode } from './tree.js';
export { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from './proof.js';
export {
  formatProofDocument,
  parseProofDocument,
  PROOF_DOCUMENT_HEADER,
  verifyProofDocument,
} from './proof-document.js';
export type { ProofDocument, ProofPolicy, VerifiedProof } from './proof-document.js';
export {
  appendLeaves,
  entriesPath,
  newTiles,
  parseEntriesPath,
  parseTilePath,
  tileContents,
  tileHashReader,
  tilePath,
  tilesForSize,
  TILE_HEIGHT,
  TILE_WIDTH,
} from './tiles.js';
export type { AppendResult, Tile, TileData, TileReader } from './tiles.js';
export { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_SIZE } from './bundle.js';
export {
  acceptCosignatures,
  cosignCheckpoint,
  decideAddCheckpoint,
  formatAddCheckpoint,
  formatTreeSize,
  MAX_CONSISTENCY_PROOF_LINES,
  parseAddCheckpoint,
  parseTreeSize,
  TREE_SIZE_CONTENT_TYPE,
} from './witness.js';
export type {
  AddCheckpointRequest,
  WitnessDecision,
  WitnessedCheckpoint,
  WitnessedLog,
  WitnessRefusalStatus,
} from './witness.js';
export {
  canonicalJson,
  decodeEntry,
  encodeEntry,
  ENTRY_SCHEMA,
  ENTRY_TYPES,
  boundaryDigest,
  policyDigest,
  REPORT_ANNOTATION_SECTIONS,
  validateEntry,
} from './entries.js';
export type { Entry, EntryData, EntryType, ReportAnnotationSection } from './entries.js';
export {
  attributionNeeds,
  attributionsOf,
  counterInView,
  DASHBOARD_FIGURE_IDS,
  DASHBOARD_FIGURES,
  dashboardContributions,
  DashboardTotals,
  dashboardView,
  dayBounds,
  isDayRange,
  last30Days,
  NOT_AVAILABLE,
  NOT_COUNTED,
} from './dashboard.js';
export { DashboardRecords, NOTICE_GRACE_HOURS, RECORD_ENTRY_TYPES } from './dashboard-records.js';
export type { DelayedNotice, HeldDisclosure, NoticeLapse } from './dashboard-records.js';
export {
  ANNOTATED_SECTIONS,
  annotationByline,
  annualReport,
  annualReportCsv,
  annualReportHtml,
  REPORT_YEAR,
} from './dashboard-report.js';
export type { AnnualReport, AnnualReportInput, ReportRow, ReportSection } from './dashboard-report.js';
export type {
  AgencyRecord,
  Attribution,
  AttributionLookup,
  DashboardContribution,
  DashboardCounter,
  DashboardDailyCounter,
  PolicyVersionRecord,
  ReportAnnotation,
  DashboardFigure,
  DashboardFigureId,
  DashboardRange,
  DashboardScope,
  DashboardScopeKind,
  DashboardUnit,
  DashboardView,
} from './dashboard.js';
export { JURISDICTION_SLUG, POLICY_LIMITS, POLICY_TERM, validateRequestPolicy } from './policy.js';
export type { RequestPolicy } from './policy.js';
