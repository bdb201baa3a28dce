import { useEffect, useState } from 'react';
import { legal } from '../api/legal';
import type { Me } from '../api/types';

/**
 * Whether the signed-in account has been told of any legal demand, so the header can link its notices. Asked
 * once per page load; a failure just leaves the link out (the page is still at /legal-notices).
 */
export function useHasLegalNotices(userId: Me['id']): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    let live = true;
    legal.notices().then(
      (notices) => {
        if (live) setHas(notices.length > 0);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [userId]);
  return has;
}
