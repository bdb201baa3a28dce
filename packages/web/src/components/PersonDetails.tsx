import type { Person } from '../api/types';

const ROWS: readonly [keyof Person, string][] = [
  ['behaviour', 'What they did'],
  ['clothing', 'Clothing'],
  ['vehicle', 'Vehicle'],
  ['directionOfTravel', 'Direction of travel'],
  ['appearance', 'Appearance'],
];

/** The structured description of a person in a post, behaviour first. */
export function PersonDetails({ person }: { person: Person }) {
  return (
    <section className="person" aria-label="Person described">
      <dl>
        {ROWS.filter(([key]) => person[key]).map(([key, label]) => (
          <div key={key} className="person__row">
            <dt>{label}</dt>
            <dd>{person[key]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
