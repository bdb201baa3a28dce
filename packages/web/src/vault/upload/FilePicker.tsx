import { TextField } from '../../components/Field';
import { formatBytes } from '../time';
import type { Picked } from './useUploadForm';

/** The file field, and under it what the picked file is and which path it takes. */
export function FilePicker({
  file,
  picked,
  disabled,
  error,
  onPick,
}: {
  file: File | null;
  picked: Picked;
  disabled: boolean;
  error: string | undefined;
  onPick: (file: File | null) => void;
}) {
  return (
    <TextField
      label="Video file"
      type="file"
      accept="video/*,.age"
      disabled={disabled}
      onChange={(e) => {
        onPick(e.target.files?.[0] ?? null);
      }}
      error={error}
      hint={file ? <PickedHint file={file} picked={picked} /> : undefined}
    />
  );
}

/** The picked file, and which path it takes: encrypted here, or already age ciphertext sent unchanged. */
function PickedHint({ file, picked }: { file: File; picked: Picked }) {
  const what = `${file.name}, ${formatBytes(file.size)}`;
  if (picked.kind === 'checking') return <>{what} — checking…</>;
  if (picked.kind === 'age') {
    const armored = picked.age.kind === 'armored' ? ' (ASCII armor, decoded in this page)' : '';
    return (
      <>
        {what} — <strong>already encrypted with age — uploading as is</strong>
        {armored}. It opens with your vault key; {formatBytes(picked.age.plaintextSize)} of video inside.
      </>
    );
  }
  if (picked.kind === 'video') return <>{what} — will be encrypted in this page</>;
  return <>{what}</>;
}
