import { useState } from 'react';
import { RedactStep } from './RedactStep';

/** "Redact a video": pick a video file on this device and redact it, without uploading anything. */
export function RedactPage() {
  const [file, setFile] = useState<File | null>(null);
  return (
    <div className="stack">
      <h1>Redact a video</h1>
      <p>
        Trim a video, blur faces and licence plates, and remove the sound before you share it. The video never
        leaves this device while you work on it.
      </p>
      <div className="field">
        <label htmlFor="redact-file">Video file (MP4)</label>
        <input
          id="redact-file"
          type="file"
          accept="video/mp4,video/quicktime,video/webm"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
          }}
        />
      </div>
      {file ? <RedactStep key={`${file.name}-${file.size}`} clip={file} label={file.name} /> : null}
    </div>
  );
}
