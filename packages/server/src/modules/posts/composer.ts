import type { FieldError } from '../../errors.js';

export type Category =
  'crime' | 'suspicious_activity' | 'safety' | 'lost_found_pet' | 'community' | 'unexpected_activity';

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

const PERSON_NOUN =
  '(?:m[ae]n|wom[ae]n|guys?|dudes?|lad(?:y|ies)|males?|females?|boys?|girls?|teens?|teenagers?|kids?|youths?|suspects?|persons?|people|individuals?|couple)';

const VEHICLE = '(?:van|car|truck|suv|sedan|pickup|hatchback|bike|motorbike|scooter)\\b';

const ETHNIC_ADJECTIVE =
  '(?:black|white|brown|dark|light|(?:dark|light|brown)[- ]skinned|african[- ]american|african|afro|caucasian|' +
  'hispanic|latin[oax]|latinx|asian|arab|middle[- ]eastern|mexican|indian|native[- ]american|indigenous|' +
  'chinese|korean|vietnamese|filipino|somali|muslim|jewish|gypsy|roma|romani|ethnic)';

// Ethnic and colour words count as describing a person next to a person noun ("a Hispanic male", "two Black
// teenage boys") or as nouns for people ("a Latino", "some Asians"). So "a white van", "white van man", "the
// Mexican bakery" and "Indian Creek Rd" are not read as race.
const RACE_OR_ETHNICITY = new RegExp(
  [
    `\\b${ETHNIC_ADJECTIVE}(?:\\s+(?!${VEHICLE})[a-z-]+)?\\s+${PERSON_NOUN}\\b`,
    '\\b(?:an?|one|two|three|some|several|group of|pair of)\\s+(?:african[- ]american|caucasian|hispanic|latin[oa]|asian|arab|mexican|somali|gypsy)s?\\b',
    // Words used almost only of people count on their own ("probably Hispanic").
    '\\b(?:hispanic|latin[oax]|latinx|caucasian|african[- ]american)\\b',
    '\\b(?:african[- ]americans|caucasians|hispanics|latin[oa]s|asians|arabs|blacks|whites|mexicans|somalis|gypsies)\\b',
    '\\b(?:dark|light|brown)[- ]skinned\\b',
  ].join('|'),
  'i',
);

const DESCRIBES_PERSON = new RegExp(`\\b${PERSON_NOUN}\\b`, 'i');

const filled = (s: string | undefined): boolean => (s ?? '').trim().length >= 2;

/**
 * The anti-profiling rule for the composer (after Nextdoor's): a crime or suspicious-activity post that
 * describes a person must say what the person did and give at least two details other than appearance
 * (clothing, vehicle, direction of travel). Returns undefined when the post may be published.
 */
export function checkComposition(c: Composition): CompositionProblem | undefined {
  if (!PROFILED_CATEGORIES.has(c.category)) return undefined;
  const text = [c.title, c.body, c.person?.appearance ?? '', c.person?.behaviour ?? ''].join('\n');
  const mentionsRace = RACE_OR_ETHNICITY.test(text);
  const describesPerson =
    c.person !== undefined || mentionsRace || DESCRIBES_PERSON.test(`${c.title}\n${c.body}`);
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

  const explanation = mentionsRace
    ? 'This description rests on race or ethnicity, which on its own fits many innocent neighbours and ' +
      'leads to them being watched, reported or confronted. Describe what the person did and at least two ' +
      'details other than appearance — clothing, vehicle, direction of travel — or leave the person out.'
    : 'When a crime or suspicious-activity post describes a person, it must say what they did and give at ' +
      'least two details other than appearance (clothing, vehicle, direction of travel), so that neighbours ' +
      'look for behaviour, not for a kind of person.';
  return { errors, explanation };
}
