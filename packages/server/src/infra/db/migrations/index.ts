import foundation from './0001_foundation.js';
import transparency from './0002_transparency.js';
import logWitnesses from './0003_log_witnesses.js';
import agenciesPolicies from './0004_agencies_policies.js';
import vault from './0005_vault.js';
import logKeys from './0006_log_keys.js';
import logEntryIndex from './0007_log_entry_index.js';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  { id: 1, name: 'foundation', sql: foundation },
  { id: 2, name: 'transparency', sql: transparency },
  { id: 3, name: 'log_witnesses', sql: logWitnesses },
  { id: 4, name: 'agencies_policies', sql: agenciesPolicies },
  { id: 5, name: 'vault', sql: vault },
  { id: 6, name: 'log_keys', sql: logKeys },
  { id: 7, name: 'log_entry_index', sql: logEntryIndex },
];
