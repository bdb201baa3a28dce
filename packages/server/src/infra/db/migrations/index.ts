import foundation from './0001_foundation.js';
import transparency from './0002_transparency.js';
import logWitnesses from './0003_log_witnesses.js';
import agenciesPolicies from './0004_agencies_policies.js';
import vault from './0005_vault.js';
import logKeys from './0006_log_keys.js';
import logEntryIndex from './0007_log_entry_index.js';
import policyBoundaries from './0008_policy_boundaries.js';
import legalDemands from './0009_legal_demands.js';
import footageRequests from './0010_footage_requests.js';
import disclosures from './0011_disclosures.js';
import vaultKeyRotation from './0012_vault_key_rotation.js';
import account from './0014_account.js';
import secondFactor from './0013_second_factor.js';
import jobs from './0015_jobs.js';
import cameraMatchCovering from './0018_camera_match_covering.js';
import moderationDismiss from './0019_moderation_dismiss.js';
import reportRules from './0020_report_rules.js';
import postEdits from './0021_post_edits.js';
import publicIds from './0016_public_ids.js';
import notifications from './0017_notifications.js';
import dashboard, { backfill as dashboardBackfill } from './0022_dashboard.js';
import postMedia from './0023_post_media.js';
import mutes from './0024_mutes.js';
import blocks from './0025_blocks.js';
import suspensions from './0026_suspensions.js';
import postFollows from './0027_post_follows.js';
import dashboardRollup, { backfill as dashboardRollupBackfill } from './0028_dashboard_rollup.js';
import bystanderRequests from './0029_bystander_requests.js';
import cameraSnapshots from './0031_camera_snapshots.js';
import dashboardCells, { backfill as dashboardCellsBackfill } from './0032_dashboard_cells.js';
import mediaRedaction from './0034_media_redaction.js';
import postsCellFeed from './0035_posts_cell_feed.js';
import postsFeedSeq from './0036_posts_feed_seq.js';
import postReactionCounts from './0037_post_reaction_counts.js';
import type { Queryable } from '../database.js';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly {
  id: number;
  name: string;
  sql: string;
  /** Runs after `sql` in the migration's transaction. */
  backfill?: (tx: Queryable) => Promise<void>;
}[] = [
  { id: 1, name: 'foundation', sql: foundation },
  { id: 2, name: 'transparency', sql: transparency },
  { id: 3, name: 'log_witnesses', sql: logWitnesses },
  { id: 4, name: 'agencies_policies', sql: agenciesPolicies },
  { id: 5, name: 'vault', sql: vault },
  { id: 6, name: 'log_keys', sql: logKeys },
  { id: 7, name: 'log_entry_index', sql: logEntryIndex },
  { id: 8, name: 'policy_boundaries', sql: policyBoundaries },
  { id: 9, name: 'legal_demands', sql: legalDemands },
  { id: 10, name: 'footage_requests', sql: footageRequests },
  { id: 11, name: 'disclosures', sql: disclosures },
  { id: 12, name: 'vault_key_rotation', sql: vaultKeyRotation },
  { id: 13, name: 'second_factor', sql: secondFactor },
  { id: 16, name: 'public_ids', sql: publicIds },
  { id: 17, name: 'notifications', sql: notifications },
  { id: 15, name: 'jobs', sql: jobs },
  { id: 14, name: 'account', sql: account },
  { id: 18, name: 'camera_match_covering', sql: cameraMatchCovering },
  { id: 19, name: 'moderation_dismiss', sql: moderationDismiss },
  { id: 20, name: 'report_rules', sql: reportRules },
  { id: 21, name: 'post_edits', sql: postEdits },
  { id: 22, name: 'dashboard', sql: dashboard, backfill: dashboardBackfill },
  { id: 23, name: 'post_media', sql: postMedia },
  { id: 24, name: 'mutes', sql: mutes },
  { id: 25, name: 'blocks', sql: blocks },
  { id: 26, name: 'suspensions', sql: suspensions },
  { id: 27, name: 'post_follows', sql: postFollows },
  { id: 28, name: 'dashboard_rollup', sql: dashboardRollup, backfill: dashboardRollupBackfill },
  { id: 29, name: 'bystander_requests', sql: bystanderRequests },
  { id: 31, name: 'camera_snapshots', sql: cameraSnapshots },
  { id: 32, name: 'dashboard_cells', sql: dashboardCells, backfill: dashboardCellsBackfill },
  { id: 34, name: 'media_redaction', sql: mediaRedaction },
  { id: 35, name: 'posts_cell_feed', sql: postsCellFeed },
  { id: 36, name: 'posts_feed_seq', sql: postsFeedSeq },
  { id: 37, name: 'post_reaction_counts', sql: postReactionCounts },
];
