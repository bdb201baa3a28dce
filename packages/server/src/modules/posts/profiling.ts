/**
 * What the anti-profiling composer reads in a text: whether it describes a person, and whether it describes one
 * by race, ethnicity or skin colour — in English and Spanish. Text is folded first (lower case, accents
 * dropped: "jóvenes" → "jovenes", "árabe" → "arabe") so the patterns can stay ASCII.
 *
 * Ethnic and colour words count only when they describe people: next to a person noun ("a Hispanic male",
 * "hombre negro", "dos jóvenes latinos"), as nouns for people ("a Latino", "unos gitanos"), or in words used
 * almost only of people ("probably Hispanic", "parecía mexicano"). So "a white van", "the Mexican bakery",
 * "Indian Creek Rd", "coche negro", "la panadería mexicana" and "calle Blanca" are not read as race.
 */

/** Lower case without diacritics, so "Jóvenes Árabes" and "jovenes arabes" read the same. */
export const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

// ── English ────────────────────────────────────────────────────────────────────────────────────────────────
const PERSON_EN =
  '(?:m[ae]n|wom[ae]n|guys?|dudes?|lad(?:y|ies)|males?|females?|boys?|girls?|teens?|teenagers?|kids?|youths?|suspects?|persons?|people|individuals?|couple)';

const VEHICLE_EN = '(?:van|car|truck|suv|sedan|pickup|hatchback|bike|motorbike|scooter)\\b';

const ETHNIC_EN =
  '(?:black|white|brown|dark|light|(?:dark|light|brown)[- ]skinned|african[- ]american|african|afro|caucasian|' +
  'hispanic|latin[oax]|latinx|asian|arab|middle[- ]eastern|mexican|indian|native[- ]american|indigenous|' +
  'chinese|korean|vietnamese|filipino|somali|muslim|jewish|gypsy|roma|romani|ethnic)';

const RACE_EN = [
  `\\b${ETHNIC_EN}(?:\\s+(?!${VEHICLE_EN})[a-z-]+)?\\s+${PERSON_EN}\\b`,
  '\\b(?:an?|one|two|three|some|several|group of|pair of)\\s+(?:african[- ]american|caucasian|hispanic|latin[oa]|asian|arab|mexican|somali|gypsy)s?\\b',
  // Words used almost only of people count on their own ("probably Hispanic").
  '\\b(?:hispanic|latin[oax]|latinx|caucasian|african[- ]american)\\b',
  '\\b(?:african[- ]americans|caucasians|hispanics|latin[oa]s|asians|arabs|blacks|whites|mexicans|somalis|gypsies)\\b',
  '\\b(?:dark|light|brown)[- ]skinned\\b',
];

// ── Spanish (folded: no accents, ñ → n) ─────────────────────────────────────────────────────────────────────
// Adjectives follow the noun in Spanish ("hombre negro"), so the person noun comes first here.
const PERSON_ES =
  '(?:hombres?|mujer(?:es)?|tip[oa]s?(?!\\s+de\\b)|chic[oa]s?|muchach[oa]s?|jovenes|joven|senor(?:a|es|as)?|' +
  'sujet[oa]s?|individu[oa]s?|personas?|gente|nin[oa]s?|chav[oa]s?|adolescentes?|varon(?:es)?|ladron(?:es|a|as)?|' +
  '(?:el|la|los|las|un|una|al)\\s+sospechos[oa]s?)';

const ETHNIC_ES =
  '(?:negr[oa]s?|blanc[oa]s?|moren[oa]s?|priet[oa]s?|triguen[oa]s?|latin[oa]s?|hispan[oa]s?|hispanic[oa]s?|' +
  '(?:latino|centro|sud|afro)?american[oa]s?|mexican[oa]s?|african[oa]s?|arabes?|asiatic[oa]s?|chin[oa]s?|' +
  'gitan[oa]s?|mor[oa]s?|sudacas?|indigenas?|indi[oa]s?|musulman(?:es|a|as)?|judi[oa]s?|marroquies|marroqui|' +
  'de (?:piel|tez) (?:oscura|morena|negra|clara|blanca|canela)|de color)';

/** Ethnic words that, after an article or a number, are nouns for people ("un negro", "unos gitanos"). */
const ETHNIC_NOUN_ES =
  '(?:negr[oa]s?|moren[oa]s?|gitan[oa]s?|mor[oa]s?|sudacas?|latin[oa]s?|hispan[oa]s?|mexican[oa]s?|' +
  '(?:latino|centro|sud|afro)american[oa]s?|arabes?|indi[oa]s?|marroquies|marroqui)';

const RACE_ES = [
  `\\b${PERSON_ES}(?:\\s+[a-z]+)?\\s+${ETHNIC_ES}\\b`,
  `\\b(?:un|una|unos|unas|el|la|los|las|dos|tres|varios|varias|grupo de|pareja de)\\s+${ETHNIC_NOUN_ES}\\b(?!\\s+(?:de\\s+)?(?:coche|carro|auto|furgoneta|camioneta|panaderia|restaurante|tienda|comida|calle))`,
  `\\b(?:parecia|parecian|era|eran|seria|serian|pinta de|aspecto)\\s+${ETHNIC_ES}\\b`,
  '\\b(?:sudacas?|de (?:piel|tez) (?:oscura|morena|negra))\\b',
];

const PERSON_ONLY_ES =
  '(?:hombres?|mujer(?:es)?|(?:un|el|ese|aquel|unos|los|dos|tres)\\s+tip[oa]s?(?!\\s+de\\b)|chic[oa]s?|' +
  'muchach[oa]s?|jovenes|joven|sujet[oa]s?|individu[oa]s?|personas?|adolescentes?|ladron(?:es|a|as)?|' +
  '(?:el|la|los|las|un|una|al)\\s+sospechos[oa]s?)';

const RACE = new RegExp([...RACE_EN, ...RACE_ES].join('|'));
const PERSON = new RegExp(`\\b${PERSON_EN}\\b|\\b${PERSON_ONLY_ES}\\b`);

/** Whether `text` describes a person by race, ethnicity or skin colour (English or Spanish). */
export const mentionsRace = (text: string): boolean => RACE.test(fold(text));

/** Whether `text` mentions a person at all ("two teens", "un tipo", "the suspect"). */
export const mentionsPerson = (text: string): boolean => PERSON.test(fold(text));
