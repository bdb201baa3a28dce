import type { AccountRow, SessionRow } from './account.repository.js';

/** A session's public id: `se_` and the first 22 hex digits of its token's hash (never the token). */
export const sessionId = (tokenHash: string): string => `se_${tokenHash.slice(0, 22)}`;

export function presentAccount(a: AccountRow) {
  return {
    email: a.email,
    emailVerified: a.email_verified_at !== null,
    createdAt: a.created_at.toISOString(),
  };
}

export function presentSession(s: SessionRow, current: boolean) {
  return {
    id: sessionId(s.token_hash),
    current,
    createdAt: s.created_at.toISOString(),
    lastSeenAt: (s.last_seen_at ?? s.created_at).toISOString(),
    browser: s.user_agent,
    network: s.ip_hint,
  };
}
