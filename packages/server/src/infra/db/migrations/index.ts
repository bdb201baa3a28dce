import foundation from './0001_foundation.js';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  { id: 1, name: 'foundation', sql: foundation },
];
