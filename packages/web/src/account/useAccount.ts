import { useCallback, useEffect, useState } from 'react';
import type { paths } from '@porchlight/api-client';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Json } from '../api/types';

export type Account = Json<paths['/api/account']['get']['responses'][200]>;

/** The signed-in account's address and verification state, loaded once per mount. */
export function useAccount(): { account: Account | null; error: ApiError | null; reload: () => void } {
  const [account, setAccount] = useState<Account | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    call(api.GET('/api/account'))
      .then((a) => {
        if (!cancelled) setAccount(a);
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(toApiError(err));
      });
    return () => {
      cancelled = true;
    };
  }, [attempt]);
  const reload = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);
  return { account, error, reload };
}
