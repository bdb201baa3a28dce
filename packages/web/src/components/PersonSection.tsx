import type { ApiError } from '../api/problem';
import type { NewPost, Person } from '../api/types';
import { EMPTY_PERSON, PersonFields, type PersonDraft } from './PersonFields';

/** The API's person description from the form's draft: blank details left out. */
export function personBody(p: PersonDraft): NonNullable<NewPost['person']> {
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  return {
    behaviour: p.behaviour.trim(),
    clothing: opt(p.clothing),
    vehicle: opt(p.vehicle),
    directionOfTravel: opt(p.directionOfTravel),
    appearance: opt(p.appearance),
  };
}

/** The form's draft of a stored person description. */
export function personDraft(p: Person | null): PersonDraft {
  return p
    ? {
        behaviour: p.behaviour,
        clothing: p.clothing ?? '',
        vehicle: p.vehicle ?? '',
        directionOfTravel: p.directionOfTravel ?? '',
        appearance: p.appearance ?? '',
      }
    : EMPTY_PERSON;
}

/**
 * "Describe a person?": the opt-in checkbox and, when ticked, the anti-profiling fields. Shared by the composer
 * and the edit form, so both ask for the same details the server's rule requires.
 */
export function PersonSection({
  describes,
  onDescribes,
  value,
  onChange,
  error,
  flagged,
}: {
  describes: boolean;
  onDescribes: (describes: boolean) => void;
  value: PersonDraft;
  onChange: (p: PersonDraft) => void;
  error: ApiError | null;
  /** The server refused the post for describing a person without details. */
  flagged: boolean;
}) {
  const personError = error?.fields.person;
  return (
    <fieldset className={`person-section${flagged ? ' person-section--flagged' : ''}`}>
      <legend>Describe a person?</legend>
      <p className="muted">
        What did they do? Clothing, vehicle, direction of travel. Only if it helps neighbours recognise the
        behaviour again.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={describes}
          onChange={(e) => {
            onDescribes(e.target.checked);
          }}
          aria-describedby={personError && !describes ? 'person-error' : undefined}
        />
        <span>This post describes a person</span>
      </label>
      {personError && !describes ? (
        <p className="field__error" id="person-error">
          {personError}
        </p>
      ) : null}
      {describes ? <PersonFields value={value} onChange={onChange} error={error} /> : null}
    </fieldset>
  );
}
