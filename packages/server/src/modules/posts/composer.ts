import type { PostCategory } from '@porchlight/policy';
import type { FieldError } from '../../errors.js';
import { mentionsPerson, mentionsRace } from './profiling.js';

/** A post's category: the vocabulary is `POST_CATEGORIES` in `@porchlight/policy`. */
export type Category = PostCategory;

/** The structured description of a person in a crime or suspicious-activity post. */
export interface PersonDescription {
  behaviour: string;
  clothing?: string | undefined;
  vehicle?: string | undefined;
  directionOfTravel?: string | undefined;
  appearance?: string | undefined;
}

export interface Composition {
  category: Category;
  title: string;
  body: string;
  person?: PersonDescription | undefined;
}

/** A problem with a composition, and why it matters, shown to the author as-is. */
export interface CompositionProblem {
  errors: FieldError[];
  explanation: string;
}

const PROFILED_CATEGORIES: ReadonlySet<Category> = new Set(['crime', 'suspicious_activity']);

const filled = (s: string | undefined): boolean => (s ?? '').trim().length >= 2;

/**
 * The anti-profiling rule for the composer (after Nextdoor's): a post that describes a person must say what the
 * person did and give at least two details other than appearance (clothing, vehicle, direction of travel).
 * It applies in every category wherever a person is described by race, ethnicity or skin colour, or the person
 * fields are used; in crime and suspicious-activity posts, to any person at all. English and Spanish are read
 * (`profiling.ts`). Returns undefined when the post may be published.
 */
export function checkComposition(c: Composition): CompositionProblem | undefined {
  const text = [c.title, c.body, c.person?.appearance ?? '', c.person?.behaviour ?? ''].join('\n');
  const race = mentionsRace(text);
  const describesPerson =
    c.person !== undefined ||
    race ||
    (PROFILED_CATEGORIES.has(c.category) && mentionsPerson(`${c.title}\n${c.body}`));
  if (!describesPerson) return undefined;

  const errors: FieldError[] = [];
  const p = c.person;
  if (!p) {
    errors.push({
      field: '/body/person',
      message:
        'describe the person with the person fields: what they did, plus clothing, vehicle or direction',
    });
  } else {
    if (!filled(p.behaviour) || p.behaviour.trim().length < 10) {
      errors.push({
        field: '/body/person/behaviour',
        message: 'say what the person did (at least 10 characters)',
      });
    }
    const details = [p.clothing, p.vehicle, p.directionOfTravel].filter(filled).length;
    if (details < 2) {
      const missing = (
        [
          ['clothing', p.clothing],
          ['vehicle', p.vehicle],
          ['directionOfTravel', p.directionOfTravel],
        ] as const
      ).filter(([, v]) => !filled(v));
      for (const [name] of missing) {
        errors.push({
          field: `/body/person/${name}`,
          message: `give at least ${2 - details} more of clothing, vehicle, direction of travel`,
        });
      }
    }
  }
  if (errors.length === 0) return undefined;

  const explanation = race
    ? 'This description rests on race or ethnicity, which on its own fits many innocent neighbours and ' +
      'leads to them being watched, reported or confronted. Describe what the person did and at least two ' +
      'details other than appearance — clothing, vehicle, direction of travel — or leave the person out.'
    : 'When a post describes a person, it must say what they did and give at ' +
      'least two details other than appearance (clothing, vehicle, direction of travel), so that neighbours ' +
      'look for behaviour, not for a kind of person.';
  return { errors, explanation };
}

/**
 * The same rule for comments, which have no person fields: a comment that describes someone by race,
 * ethnicity or skin colour is refused with the reason. Returns undefined when the comment may be posted.
 */
export function checkComment(body: string): CompositionProblem | undefined {
  if (!mentionsRace(body)) return undefined;
  return {
    errors: [{ field: '/body/body', message: 'describes a person by race, ethnicity or skin colour' }],
    explanation:
      'This comment describes someone by race or ethnicity, which on its own fits many innocent neighbours ' +
      'and leads to them being watched, reported or confronted. Say what the person did instead, or, if it ' +
      'matters, write a post with the person fields (what they did, clothing, vehicle, direction of travel).',
  };
}
