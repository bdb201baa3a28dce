import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Me } from '../api/types';
import type { MyAgency } from './types';

export type MyAgencyState =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'ready'; agency: MyAgency }
  | { status: 'error'; error: ApiError };

/** The agency the signed-in member belongs to; `none` for anyone who is not an agency member. */
export function useMyAgency(user: Me | null): MyAgencyState {
  const [state, setState] = useState<MyAgencyState>({ status: 'loading' });
  const isMember = user?.role === 'agency';
  useEffect(() => {
    if (!isMember) {
      setState({ status: 'none' });
      return;
    }
    let live = true;
    call(api.GET('/api/agencies/mine')).then(
      (agency) => {
        if (live) setState({ status: 'ready', agency });
      },
      (err: unknown) => {
        if (live) setState({ status: 'error', error: toApiError(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [isMember]);
  return state;
}
