import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { call } from '../../api/problem';
import type { PendingUpload } from '../pendingUpload';
import { uploadClip, type ClipUpload } from '../upload';

export type Progress =
  | { state: 'idle' }
  | { state: 'sending'; sent: number; total: number }
  | { state: 'stalled'; sent: number; total: number; message: string }
  | { state: 'done'; clipId: string; asIs: boolean };

export interface Sending {
  file: File;
  /** Age ciphertext to send unchanged, or null to encrypt here. */
  asIs: Blob | null;
  /** An interrupted upload of this same file to continue. */
  resume: PendingUpload | null;
  recipient: string;
  identity: string;
  cameraId: string;
  startedAt: string;
  endedAt: string;
}

/**
 * Sends one clip over tus and follows its progress: a dropped connection pauses it ("stalled") until it is
 * resumed, and leaving the page stops it (the partial upload expires on the server).
 */
export function useClipSender() {
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const running = useRef<ClipUpload | null>(null);

  useEffect(
    () => () => {
      // Leaving the page stops sending; the partial upload expires on the server. (A reload runs no
      // cleanup, so the pending record survives it.)
      void running.current?.cancel().catch(() => undefined);
    },
    [],
  );

  /** Sends and resolves with the stored clip's id; rejects with Error('cancelled') when cancelled. */
  const send = async (s: Sending): Promise<string> => {
    try {
      const { csrfToken } = await call(api.GET('/api/session'));
      setProgress({ state: 'sending', sent: 0, total: s.asIs?.size ?? s.file.size });
      const upload = await uploadClip(
        {
          file: s.file,
          body: s.asIs
            ? { asIs: s.asIs }
            : s.resume
              ? { resume: s.resume, identity: s.identity }
              : { encryptTo: s.recipient },
          cameraId: s.resume?.cameraId ?? s.cameraId,
          startedAt: s.resume?.startedAt ?? s.startedAt,
          endedAt: s.resume?.endedAt ?? s.endedAt,
          csrfToken,
          onProgress: (sent, total) => {
            setProgress({ state: 'sending', sent, total });
          },
        },
        (err) => {
          setProgress((p) => (p.state === 'sending' ? { ...p, state: 'stalled', message: err.message } : p));
        },
      );
      running.current = upload;
      const clipId = await upload.done;
      running.current = null;
      setProgress({ state: 'done', clipId, asIs: s.asIs !== null });
      return clipId;
    } catch (err) {
      if (!(err instanceof Error && err.message === 'cancelled')) setProgress({ state: 'idle' });
      throw err;
    }
  };

  const resume = () => {
    setProgress((p) => (p.state === 'stalled' ? { ...p, state: 'sending' } : p));
    running.current?.resume();
  };

  const cancel = () => {
    void running.current?.cancel().catch(() => undefined);
    running.current = null;
    setProgress({ state: 'idle' });
  };

  const reset = () => {
    setProgress({ state: 'idle' });
  };

  const busy = progress.state === 'sending' || progress.state === 'stalled';
  return { progress, busy, send, resume, cancel, reset };
}
