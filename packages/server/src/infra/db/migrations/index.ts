import foundation from './0001_foundation.js';
import transparency from './0002_transparency.js';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  { id: 1, name: 'foundation', sql: foundation },
  { id: 2, name: 'transparency', sql: transparency },
];
