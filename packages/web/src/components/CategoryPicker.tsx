import type { Category } from '../api/types';
import { CATEGORIES } from '../format';

/** The composer's category choice as a grid of radio cards, each with a one-line hint. */
export function CategoryPicker({
  value,
  onChange,
  error,
}: {
  value: Category | null;
  onChange: (c: Category) => void;
  error?: string | undefined;
}) {
  return (
    <fieldset
      className={`category-picker${error ? ' field--invalid' : ''}`}
      aria-describedby={error ? 'category-error' : undefined}
    >
      <legend>Category</legend>
      <div className="category-picker__grid">
        {CATEGORIES.map((c) => (
          <label key={c.value} className={`category-card category-card--${c.value}`}>
            <input
              type="radio"
              name="category"
              value={c.value}
              checked={value === c.value}
              onChange={() => {
                onChange(c.value);
              }}
              aria-labelledby={`cat-${c.value}`}
              aria-describedby={`cat-${c.value}-hint`}
            />
            <span className="category-card__name" id={`cat-${c.value}`}>
              {c.label}
            </span>
            <span className="category-card__hint" id={`cat-${c.value}-hint`}>
              {c.hint}
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p className="field__error" id="category-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
