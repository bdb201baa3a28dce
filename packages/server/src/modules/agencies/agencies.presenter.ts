import type { AgencyRow, MemberRow } from './agencies.repository.js';

/** An agency as the public sees it: name, jurisdiction and standing; never its members or contact. */
export function presentPublicAgency(a: AgencyRow) {
  return {
    id: a.id,
    name: a.name,
    jurisdiction: a.jurisdiction,
    status: a.status,
    verifiedAt: a.verified_at.toISOString(),
  };
}

/** An agency as an admin sees it, with the member accounts (admins link them, so they must see them). */
export function presentAdminAgency(a: AgencyRow, members: readonly MemberRow[]) {
  return {
    ...presentPublicAgency(a),
    contact: a.contact,
    statusReason: a.status_reason,
    updatedAt: a.updated_at.toISOString(),
    members: members.map((m) => ({
      id: m.user_id,
      displayName: m.display_name,
      email: m.email,
      addedAt: m.added_at.toISOString(),
    })),
  };
}

/** The member's own agency: its standing and how many members it has, not who they are. */
export function presentMyAgency(a: AgencyRow, memberCount: number) {
  return {
    ...presentPublicAgency(a),
    contact: a.contact,
    statusReason: a.status_reason,
    active: a.status === 'verified',
    memberCount,
  };
}
