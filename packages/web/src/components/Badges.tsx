import type { Category } from '../api/types';
import { categoryLabel } from '../format';

export function CategoryBadge({ category }: { category: Category }) {
  return <span className={`badge badge--${category}`}>{categoryLabel(category)}</span>;
}

export function AgencyBadge() {
  return (
    <span className="badge badge--agency" title="A verified public-safety agency">
      <span aria-hidden="true">✔ </span>Agency
    </span>
  );
}
