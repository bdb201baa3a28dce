import { useId } from 'react';

export interface Bar {
  key: string;
  label: string;
  value: number;
}

const formatNumber = (n: number, unit: 'entries' | 'bytes'): string =>
  unit === 'bytes' ? formatBytes(n) : n.toLocaleString('en-GB');

/** Bytes in the largest whole unit (kB = 1,000 B), as people read sizes. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]!}`;
}

/**
 * A plain SVG bar chart: vertical bars for a time series, horizontal for categories. The image is labelled
 * for screen readers; the table beside it carries the same numbers for anyone who would rather read.
 */
export function BarChart({
  title,
  bars,
  unit = 'entries',
  horizontal = false,
}: {
  title: string;
  bars: readonly Bar[];
  unit?: 'entries' | 'bytes';
  horizontal?: boolean;
}) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const summary = bars.map((b) => `${b.label}: ${formatNumber(b.value, unit)}`).join('; ');
  if (horizontal) {
    const rowH = 22;
    const labelW = 170;
    const width = 520;
    const height = bars.length * rowH + 4;
    return (
      <svg
        className="bar-chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-t`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-t`}>{`${title}. ${summary}`}</title>
        {bars.map((b, i) => {
          const w = ((width - labelW - 70) * b.value) / max;
          return (
            <g key={b.key} transform={`translate(0 ${i * rowH})`}>
              <text x={labelW - 6} y={15} textAnchor="end" className="bar-chart__label">
                {b.label.length > 26 ? `${b.label.slice(0, 25)}…` : b.label}
              </text>
              <rect
                x={labelW}
                y={3}
                width={Math.max(w, b.value > 0 ? 2 : 0)}
                height={rowH - 6}
                className="bar-chart__bar"
              />
              <text x={labelW + w + 6} y={15} className="bar-chart__value">
                {formatNumber(b.value, unit)}
              </text>
            </g>
          );
        })}
      </svg>
    );
  }
  const width = 520;
  const height = 160;
  const base = height - 24;
  const slot = (width - 20) / Math.max(1, bars.length);
  const barW = Math.min(48, slot * 0.7);
  return (
    <svg className="bar-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t`}>
      <title id={`${id}-t`}>{`${title}. ${summary}`}</title>
      <line x1={10} x2={width - 10} y1={base} y2={base} className="bar-chart__axis" />
      {bars.map((b, i) => {
        const h = ((base - 18) * b.value) / max;
        const x = 10 + i * slot + (slot - barW) / 2;
        return (
          <g key={b.key}>
            <rect x={x} y={base - h} width={barW} height={h} className="bar-chart__bar" />
            <text x={x + barW / 2} y={base - h - 4} textAnchor="middle" className="bar-chart__value">
              {formatNumber(b.value, unit)}
            </text>
            {bars.length <= 14 || i % Math.ceil(bars.length / 12) === 0 ? (
              <text x={x + barW / 2} y={height - 8} textAnchor="middle" className="bar-chart__label">
                {b.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

export { formatNumber };
