import { createPorchlightClient } from '@porchlight/api-client';

/** The one API client of the app. Same origin: the server serves this app, and Vite proxies `/api` in dev. */
export const api = createPorchlightClient();

const sessionLost = new Set<() => void>();

/** Calls `listener` whenever the server answers 401 to a signed-in request (the session expired or ended). */
export function onSessionLost(listener: () => void): () => void {
  sessionLost.add(listener);
  return () => sessionLost.delete(listener);
}

api.use({
  onResponse({ response }) {
    const path = new URL(response.url, window.location.href).pathname;
    if (response.status === 401 && !path.startsWith('/api/auth/')) {
      for (const listener of sessionLost) listener();
    }
    return response;
  },
});
