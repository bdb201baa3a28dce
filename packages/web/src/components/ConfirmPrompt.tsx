import type { ReactNode } from 'react';

interface Props {
  /** Accessible name of the prompt, phrased as the question ("Delete this clip?"). */
  label: string;
  children: ReactNode;
  confirmText: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** An inline "are you sure" for an action that cannot be undone; the safe choice is always "Keep it". */
export function ConfirmPrompt({ label, children, confirmText, onConfirm, onCancel }: Props) {
  return (
    <div className="alert alert--warning" role="group" aria-label={label}>
      <p>{children}</p>
      <div className="form-actions form-actions--start">
        <button type="button" className="button button--danger" onClick={onConfirm}>
          {confirmText}
        </button>
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Keep it
        </button>
      </div>
    </div>
  );
}
