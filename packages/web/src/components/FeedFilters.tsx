import { useEffect, useState, type SubmitEvent } from 'react';
import { formatKm } from '../format';
import type { FeedFilter } from '../state/feedStore';
import { PeriodSelect } from './PeriodSelect';

/** Distances a feed can be narrowed to; only those shorter than the viewer's radius are offered. */
const DISTANCES = [250, 500, 1000, 2000, 5000, 10_000, 20_000];

/** Time, distance and words: the feed's filters beyond category. Words apply on submit, the rest at once. */
export function FeedFilters({
  value,
  radiusM,
  onChange,
}: {
  value: FeedFilter;
  radiusM: number;
  onChange: (filter: FeedFilter) => void;
}) {
  const [words, setWords] = useState(value.q);
  useEffect(() => {
    setWords(value.q);
  }, [value.q]);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const q = words.trim();
    onChange({ ...value, q: q.length >= 2 ? q : '' });
  };
  return (
    <form className="feed-filters" role="search" aria-label="Filter the feed" onSubmit={submit}>
      <PeriodSelect
        value={value.period}
        onChange={(period) => {
          onChange({ ...value, period });
        }}
      />
      <label className="feed-filters__field">
        <span>Distance</span>
        <select
          value={value.within ?? ''}
          onChange={(e) => {
            onChange({ ...value, within: e.target.value ? Number(e.target.value) : null });
          }}
        >
          <option value="">Whole area ({formatKm(radiusM)})</option>
          {DISTANCES.filter((d) => d < radiusM).map((d) => (
            <option key={d} value={d}>
              Within {formatKm(d)}
            </option>
          ))}
        </select>
      </label>
      <label className="feed-filters__field feed-filters__words">
        <span>Words</span>
        <input
          type="search"
          value={words}
          maxLength={100}
          placeholder="e.g. package, grey cat"
          onChange={(e) => {
            setWords(e.target.value);
          }}
        />
      </label>
      <button type="submit" className="button button--small">
        Search
      </button>
    </form>
  );
}
