import { decrypt } from '@porchlight/age';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { ApiError, call } from '../api/problem';
import type { UnlockedVault } from './vaultStore';

/** A camera's latest frame, decrypted in this page, for drawing privacy zones over. */
export interface CameraFrame {
  /** An object URL of the JPEG; revoked when the editor closes. */
  url: string;
  width: number;
  height: number;
  takenAt: string;
}

/** What the zone editor can show: a frame, none sent yet, or why it could not be opened. */
export type CameraFrameState =
  { kind: 'loading' } | { kind: 'frame'; frame: CameraFrame } | { kind: 'none'; reason: string };

/**
 * Fetches the snapshot the camera's hub sent (age ciphertext; the server cannot read it) and decrypts it with
 * the unlocked vault's keys, older generations included. Nothing is cached: the plaintext exists only as an
 * object URL for as long as the editor is open.
 */
export function useCameraFrame(cameraId: string | null, vault: UnlockedVault | null): CameraFrameState {
  const [state, setState] = useState<CameraFrameState>({ kind: 'loading' });
  useEffect(() => {
    if (cameraId === null) {
      setState({
        kind: 'none',
        reason: 'Save the camera and pair a hub: its first clip brings a frame to draw on.',
      });
      return;
    }
    if (vault === null) {
      setState({ kind: 'none', reason: 'Unlock the vault to see a frame from this camera.' });
      return;
    }
    let url: string | null = null;
    let gone = false;
    setState({ kind: 'loading' });
    call(api.GET('/api/cameras/{id}/snapshot', { params: { path: { id: cameraId } } }))
      .then(async (s) => {
        const bytes = Uint8Array.from(atob(s.ciphertext), (c) => c.charCodeAt(0));
        const jpeg = await decrypt(bytes, [vault.identity, ...vault.previous]);
        if (gone) return;
        url = URL.createObjectURL(new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }));
        setState({ kind: 'frame', frame: { url, width: s.width, height: s.height, takenAt: s.takenAt } });
      })
      .catch((err: unknown) => {
        if (gone) return;
        setState({
          kind: 'none',
          reason:
            err instanceof ApiError && err.code === 'not_found'
              ? 'No frame from this camera yet: its hub sends one with the first clip, then once a day.'
              : 'The frame from this camera could not be opened; draw on the grid instead.',
        });
      });
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [cameraId, vault]);
  return state;
}
