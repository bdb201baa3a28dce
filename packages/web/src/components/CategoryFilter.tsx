import type { Category } from '../api/types';
import { CATEGORIES } from '../format';

/** Radio "chips" to narrow the feed to one category; arrow keys move between them. */
export function CategoryFilter({
  value,
  onChange,
}: {
  value: Category | null;
  onChange: (category: Category | null) => void;
}) {
  const options: { value: Category | null; label: string }[] = [{ value: null, label: 'All' }, ...CATEGORIES];
  return (
    <fieldset className="chips">
      <legend className="visually-hidden">Filter by category</legend>
      {options.map((o) => (
        <label key={o.value ?? 'all'} className={`chip${o.value ? ` chip--${o.value}` : ''}`}>
          <input
            type="radio"
            name="feed-category"
            value={o.value ?? ''}
            checked={value === o.value}
            onChange={() => {
              onChange(o.value);
            }}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
