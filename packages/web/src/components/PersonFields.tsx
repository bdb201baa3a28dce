import type { ApiError } from '../api/problem';
import { TextArea, TextField } from './Field';

export interface PersonDraft {
  behaviour: string;
  clothing: string;
  vehicle: string;
  directionOfTravel: string;
  appearance: string;
}

export const EMPTY_PERSON: PersonDraft = {
  behaviour: '',
  clothing: '',
  vehicle: '',
  directionOfTravel: '',
  appearance: '',
};

const filled = (s: string): boolean => s.trim().length >= 2;

/** How many of the details that are not appearance the draft gives; the rule asks for two. */
export function detailCount(p: PersonDraft): number {
  return [p.clothing, p.vehicle, p.directionOfTravel].filter(filled).length;
}

/**
 * The anti-profiling person description (after Nextdoor's composer): behaviour first, then at least two
 * concrete details that are not appearance. A checklist shows what is still missing before the server says so.
 */
export function PersonFields({
  value,
  onChange,
  error,
}: {
  value: PersonDraft;
  onChange: (p: PersonDraft) => void;
  error: ApiError | null;
}) {
  const set = (key: keyof PersonDraft) => (e: { target: { value: string } }) => {
    onChange({ ...value, [key]: e.target.value });
  };
  const field = (key: keyof PersonDraft) => error?.fields[`person/${key}`];
  const details = detailCount(value);
  const behaviourOk = value.behaviour.trim().length >= 10;

  return (
    <div className="person-fields">
      <div className="guidance">
        <p className="guidance__title">Describe what they did, not who they are</p>
        <p>
          Skin colour, ethnicity, age or build fit many innocent neighbours and lead to them being watched or
          confronted. Say what the person did, then give at least two of: clothing, vehicle, direction of
          travel.
        </p>
        <ul className="checklist" aria-label="Description checklist">
          <li className={behaviourOk ? 'done' : ''}>
            <span aria-hidden="true">{behaviourOk ? '✓' : '○'}</span> What they did
            <span className="visually-hidden">{behaviourOk ? ': done' : ': still needed'}</span>
          </li>
          <li className={details >= 2 ? 'done' : ''}>
            <span aria-hidden="true">{details >= 2 ? '✓' : '○'}</span> {Math.min(details, 2)} of 2 details
            (clothing, vehicle, direction)
            <span className="visually-hidden">{details >= 2 ? ': done' : ': still needed'}</span>
          </li>
        </ul>
      </div>
      <TextArea
        label="What did they do?"
        hint="The behaviour that concerned you, e.g. “tried the handles of parked cars”."
        value={value.behaviour}
        onChange={set('behaviour')}
        rows={3}
        maxLength={1000}
        required
        error={field('behaviour')}
      />
      <div className="person-fields__grid">
        <TextField
          label="Clothing"
          hint="e.g. red hoodie, backpack"
          value={value.clothing}
          onChange={set('clothing')}
          maxLength={200}
          error={field('clothing')}
        />
        <TextField
          label="Vehicle"
          hint="e.g. white van"
          value={value.vehicle}
          onChange={set('vehicle')}
          maxLength={200}
          error={field('vehicle')}
        />
        <TextField
          label="Direction of travel"
          hint="e.g. north on Oak St"
          value={value.directionOfTravel}
          onChange={set('directionOfTravel')}
          maxLength={200}
          error={field('directionOfTravel')}
        />
      </div>
      <TextField
        label="Appearance (optional)"
        hint="Never enough on its own. Leave it out unless it adds something specific."
        value={value.appearance}
        onChange={set('appearance')}
        maxLength={200}
        error={field('appearance')}
      />
    </div>
  );
}
