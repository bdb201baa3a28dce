import { Type } from 'typebox';
import { MAX_ID, Obj } from '../../http/schema.js';
import { JurisdictionSlug, Reason } from '../policies/policies.schema.js';

const AgencyStatus = Type.Union([Type.Literal('verified'), Type.Literal('suspended')], {
  description: 'suspended agencies and their members cannot act as an agency',
});

const common = {
  id: Type.Integer(),
  name: Type.String(),
  jurisdiction: JurisdictionSlug,
  status: AgencyStatus,
  verifiedAt: Type.String({ format: 'date-time' }),
};

export const PublicAgencySchema = Obj(common, {
  description: 'A verified (or suspended) agency as anyone may see it; never its members',
});

export const PublicAgencyList = Obj({ items: Type.Array(PublicAgencySchema) });

export const AgencyMemberSchema = Obj({
  id: Type.Integer(),
  displayName: Type.String(),
  email: Type.String(),
  addedAt: Type.String({ format: 'date-time' }),
});

export const AdminAgencySchema = Obj(
  {
    ...common,
    contact: Type.String(),
    statusReason: Type.String({ description: 'The reason given for the latest status change' }),
    updatedAt: Type.String({ format: 'date-time' }),
    members: Type.Array(AgencyMemberSchema),
  },
  { description: 'An agency as an admin sees it, with its member accounts' },
);

export const AdminAgencyList = Obj({ items: Type.Array(AdminAgencySchema) });

export const MyAgencySchema = Obj(
  {
    ...common,
    contact: Type.String(),
    statusReason: Type.String(),
    active: Type.Boolean({
      description: 'false while the agency is suspended: its members cannot act for it',
    }),
    memberCount: Type.Integer(),
  },
  { description: 'The agency the signed-in agency member belongs to' },
);

export const RegisterAgencyBody = Obj({
  name: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
  jurisdiction: JurisdictionSlug,
  contact: Type.String({
    minLength: 3,
    maxLength: 300,
    pattern: '\\S',
    description: 'Official contact (records office email or phone); not published',
  }),
  reason: Reason('How the agency was verified; published in the transparency log'),
});

export const AgencyStatusBody = Obj({
  reason: Reason('Why; published in the transparency log'),
});

export const AgencyMemberParams = Obj({
  id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
  userId: Type.Integer({ minimum: 1, maximum: MAX_ID }),
});
