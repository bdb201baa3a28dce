import type { FileBody } from './api';

const CHOICES: { value: FileBody['kind']; label: string }[] = [
  { value: 'blur', label: 'Blur me in the video' },
  { value: 'remove', label: 'Remove the video' },
];

/** What the bystander asks for: blur or removal. */
export function KindChoice({
  value,
  onChange,
  error,
}: {
  value: FileBody['kind'];
  onChange: (kind: FileBody['kind']) => void;
  error?: string | undefined;
}) {
  return (
    <fieldset className={`field bystander-kind${error ? ' field--invalid' : ''}`}>
      <legend>What do you ask for?</legend>
      {CHOICES.map((c) => (
        <label key={c.value} className="radio">
          <input
            type="radio"
            name="bystander-kind"
            value={c.value}
            checked={value === c.value}
            onChange={() => {
              onChange(c.value);
            }}
          />{' '}
          {c.label}
        </label>
      ))}
      {error ? <p className="field__error">{error}</p> : null}
    </fieldset>
  );
}
