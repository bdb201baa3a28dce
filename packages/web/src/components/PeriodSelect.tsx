import { FEED_PERIODS, type FeedPeriod } from '../state/feedStore';

/** The "When" filter the feed and the incident map share: any time, or the last day, week or month. */
export function PeriodSelect({
  value,
  onChange,
}: {
  value: FeedPeriod | null;
  onChange: (period: FeedPeriod | null) => void;
}) {
  return (
    <label className="feed-filters__field">
      <span>When</span>
      <select
        value={value ?? ''}
        onChange={(e) => {
          onChange(FEED_PERIODS.find((p) => p.value === e.target.value)?.value ?? null);
        }}
      >
        <option value="">Any time</option>
        {FEED_PERIODS.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>
    </label>
  );
}
