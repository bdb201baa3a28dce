export { KeyTransparencyError } from './checkpoints';
export { httpLog, type LogSource } from './logSource';
export { verifyAgencyRecipients, type ListedRecipient, type VerifiedRecipients } from './recipients';
export { memoryTrust, storageTrust, type LogTrust, type TrustStore } from './trustStore';
export { verifyLoggedEntry } from './proofs';
