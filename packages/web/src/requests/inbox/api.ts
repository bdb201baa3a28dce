import { api } from '../../api/client';
import { call } from '../../api/problem';
import { send } from '../../vault/send';
import type { Camera, Clip } from '../../vault/types';
import type { AgencyRecipient, InboxItem, OwnDisclosure } from './types';

/** The signed-in owner's inbox of footage requests. */
export const inbox = {
  list: async (): Promise<InboxItem[]> => (await call(api.GET('/api/inbox'))).items,
  count: async (): Promise<number> => (await call(api.GET('/api/inbox/count'))).count,
  item: (requestId: string): Promise<InboxItem> =>
    call(api.GET('/api/inbox/{requestId}', { params: { path: { requestId } } })),
  /** Leaves the inbox; nothing records that the owner declined. */
  dismiss: (requestId: string): Promise<void> =>
    send(api.POST('/api/inbox/{requestId}/dismiss', { params: { path: { requestId } } })),
};

/** What the owner shared, and taking it back before the agency downloads it. */
export const disclosures = {
  mine: async (): Promise<OwnDisclosure[]> => (await call(api.GET('/api/disclosures/mine'))).items,
  revoke: (id: string): Promise<void> =>
    send(api.DELETE('/api/disclosures/{id}', { params: { path: { id } } })),
  /** The agency's recipients with their log indices, to be checked against the log before use. */
  recipients: async (agencyId: number): Promise<AgencyRecipient[]> =>
    (await call(api.GET('/api/agencies/{id}/recipients', { params: { path: { id: agencyId } } }))).items,
};

/** The owner's own cameras and clips, from the vault API. */
export const vault = {
  cameras: async (): Promise<Camera[]> => (await call(api.GET('/api/cameras'))).items,
  /** Clips of `cameraId` that overlap `[from, to)`, oldest pages last; at most 20 pages. */
  clips: async (cameraId: string, from: string, to: string): Promise<Clip[]> => {
    const out: Clip[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await call(
        api.GET('/api/clips', { params: { query: { cameraId, from, to, ...(cursor && { cursor }) } } }),
      );
      out.push(...res.items);
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    return out;
  },
};
