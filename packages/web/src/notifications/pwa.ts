import { WORKER_URL } from '../vault/protocol';

/**
 * Registers the app's service worker (push, the offline page, and the vault's decryption) when the app loads,
 * so an installed app opens offline and push works before the vault was ever used. The same script and scope as
 * vaultWorker(), so both name one registration.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register(WORKER_URL, { scope: '/', type: 'module' }).catch(() => {
    // No worker (private mode, an old browser): the app works, without push or the offline page.
  });
}
