import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { PublicId } from '../../public-ids.js';
import { FootageRequestSchema } from '../requests/requests.schema.js';

export const InboxItemSchema = Obj(
  {
    request: FootageRequestSchema,
    investigator: Obj({ name: Type.String(), contact: Type.String() }),
    myCameras: Type.Array(Obj({ id: PublicId('ca'), name: Type.String() }), {
      description: 'Your own cameras inside the request’s area',
    }),
    policyCheck: Obj({
      jurisdiction: Type.String(),
      policyVersion: Type.Integer(),
      policySha256: Type.String(),
      passed: Type.Boolean({ description: 'Published requests passed every rule of this policy version' }),
    }),
    logIndex: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Index of the request.published log entry (fetch its proof at /log/proof/{index})',
    }),
  },
  { description: 'An open footage request that reached one of your cameras; only you can see it' },
);

export const InboxList = Obj({ items: Type.Array(InboxItemSchema) });
export const InboxCount = Obj({ count: Type.Integer({ description: 'Open requests in your inbox' }) });
export const InboxParams = Obj({
  requestId: Type.String({ pattern: '^rq_[A-Za-z0-9_-]{22}$', description: 'An opaque request id (rq_…)' }),
});
