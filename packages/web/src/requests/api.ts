import { api } from '../api/client';
import { call } from '../api/problem';
import type { CheckResult, FootageRequest, RequestDraft, RequestPage, RequestQuery } from './types';

/** Footage requests: the public reads (no account) and the filing agency's actions. */
export const footageRequests = {
  list: (query: RequestQuery): Promise<RequestPage> => call(api.GET('/api/requests', { params: { query } })),
  get: (id: string): Promise<FootageRequest> =>
    call(api.GET('/api/requests/{id}', { params: { path: { id } } })),
  /** The server's verdict on a draft, by the same rules the form checks live; nothing is logged. */
  check: (draft: RequestDraft): Promise<CheckResult> =>
    call(api.POST('/api/requests/check', { body: draft })),
  /** Publishes the request, or throws `request_refused` (422) with every violated rule; both are logged. */
  publish: (draft: RequestDraft): Promise<FootageRequest> => call(api.POST('/api/requests', { body: draft })),
  close: (id: string, reason: string): Promise<FootageRequest> =>
    call(api.POST('/api/requests/{id}/close', { params: { path: { id } }, body: { reason } })),
  justify: (id: string, text: string): Promise<FootageRequest> =>
    call(api.POST('/api/requests/{id}/justification', { params: { path: { id } }, body: { text } })),
};

/** The path of a log entry's inclusion proof (c2sp.org/tlog-proof), served by the log. */
export const proofPath = (logIndex: number): string => `/log/proof/${logIndex}`;
