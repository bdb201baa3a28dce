import { useRef, useState } from 'react';
import { localError, toApiError, type ApiError } from '../../api/problem';
import { AgeImportError, prepareAgeImport, type AgeImport } from '../ageImport';
import { loadPending, sameFile, type PendingUpload } from '../pendingUpload';
import { toLocalInput } from '../time';
import type { Camera } from '../types';
import { probeDuration } from './probe';
import {
  NO_TIMES,
  fixedTimes,
  guessTimes,
  prefillTimes,
  typeTime,
  type ClipTimes,
  type TimeField,
} from './times';

/** What the picked file is: a video to encrypt here, or an age file for this vault to send unchanged. */
export type Picked =
  | { kind: 'none' }
  | { kind: 'checking' }
  | { kind: 'video' }
  | { kind: 'age'; age: AgeImport }
  | { kind: 'refused'; error: ApiError; age: boolean };

/**
 * The upload form's state: the picked file and what it is, the camera, the clip's times, the form's error,
 * and an upload a reload interrupted. Picking a file checks it and guesses its times from its length; the
 * guess fills only the times nobody has typed, however late it arrives.
 */
export function useUploadForm(cameras: Camera[], identity: string) {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<Picked>({ kind: 'none' });
  // Only the latest pick may set the form; an earlier, slower check is dropped.
  const pickCount = useRef(0);
  const [pickedCamera, setCameraId] = useState('');
  // Until one is picked, the first camera; the list can arrive after this form first renders.
  const cameraId = pickedCamera || (cameras[0] ? cameras[0].id : '');
  const [times, setTimes] = useState<ClipTimes>(NO_TIMES);
  const [error, setError] = useState<ApiError | null>(null);
  // An upload a reload interrupted: it continues once the same file is picked again.
  const [pending, setPending] = useState<PendingUpload | null>(() => loadPending());
  const resumable = pending && file && kind.kind === 'video' && sameFile(pending, file) ? pending : null;

  const typeIn = (field: TimeField, value: string) => {
    setTimes((t) => typeTime(t, field, value));
  };

  const pick = async (picked: File | null) => {
    const turn = ++pickCount.current;
    setFile(picked);
    setError(null);
    setKind({ kind: picked ? 'checking' : 'none' });
    if (!picked) return;
    let age: AgeImport | null;
    try {
      age = await prepareAgeImport(picked, identity);
    } catch (err) {
      if (turn !== pickCount.current) return;
      const refused = err instanceof AgeImportError ? localError(err.title, err.detail) : toApiError(err);
      setKind({ kind: 'refused', error: refused, age: err instanceof AgeImportError });
      setError(refused);
      return;
    }
    if (turn !== pickCount.current) return;
    setKind(age ? { kind: 'age', age } : { kind: 'video' });
    const saved = loadPending();
    if (!age && saved && sameFile(saved, picked)) {
      // The clip's details were fixed when it started; the server already has them.
      setCameraId(saved.cameraId);
      setTimes(
        fixedTimes(toLocalInput(Date.parse(saved.startedAt)), toLocalInput(Date.parse(saved.endedAt))),
      );
      return;
    }
    // An encrypted file's length is unknown without decrypting it all; a minute is a guess to correct.
    const seconds = (age ? null : await probeDuration(picked)) ?? 60;
    if (turn !== pickCount.current) return;
    const guess = guessTimes(picked.lastModified || Date.now(), seconds);
    setTimes((t) => prefillTimes(t, guess));
  };

  /** After a clip is stored: the form is ready for the next file, whose times are guessed afresh. */
  const uploaded = () => {
    setPending(null);
    setFile(null);
    setKind({ kind: 'none' });
    setTimes((t) => ({ ...t, typed: NO_TIMES.typed }));
  };

  return {
    file,
    kind,
    cameraId,
    setCameraId,
    times,
    typeIn,
    pick,
    error,
    setError,
    pending,
    setPending,
    resumable,
    uploaded,
  };
}
