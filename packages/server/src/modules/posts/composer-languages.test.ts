/**
 * Issue 9, hole 10: the anti-profiling rule held only in two categories and only in English. "Suspicious black
 * man walking around" was published under Unexpected activity, Community and Safety, and the same sentence in
 * Spanish passed everywhere. These tables hold refused and allowed sentences in English and Spanish, checked in
 * every category, and in comments.
 */
import { describe, expect, it } from 'vitest';
import { checkComment, checkComposition, type Category } from './composer.js';

const CATEGORIES: Category[] = [
  'crime',
  'suspicious_activity',
  'unexpected_activity',
  'safety',
  'community',
  'lost_found_pet',
];

/** Sentences that describe a person by race, ethnicity or skin colour: refused in every category. */
const REFUSED: [lang: 'en' | 'es', sentence: string][] = [
  ['en', 'Suspicious black man walking around'],
  ['en', 'Two Black teenage boys looking at houses'],
  ['en', 'A dark-skinned guy was hanging around the school'],
  ['en', 'Probably Hispanic, hanging around the corner'],
  ['en', 'I think it was a Mexican'],
  ['en', 'Middle Eastern teens by the park'],
  ['en', 'Group of Gypsies knocking on doors'],
  ['es', 'Hombre negro sospechoso caminando por ahí'],
  ['es', 'Un tipo moreno merodeando por la calle'],
  ['es', 'Dos jóvenes latinos mirando las casas'],
  ['es', 'Una mujer gitana pidiendo en las puertas'],
  ['es', 'Vi a un negro saltando la valla'],
  ['es', 'Unos gitanos rondando el barrio'],
  ['es', 'Un chico de piel oscura probando las puertas de los coches'],
  ['es', 'Señor árabe tomando fotos de las casas'],
  ['es', 'Parecía mexicano, estaba en la esquina'],
  ['es', 'Chavos centroamericanos en el parque'],
];

/** Sentences that must stay publishable everywhere: colours of things, places, food, people without race. */
const ALLOWED: [lang: 'en' | 'es', sentence: string][] = [
  ['en', 'A white van idled for an hour on Elm St.'],
  ['en', 'Black car hit a parked car and drove off'],
  ['en', 'Break-in at the Mexican bakery last night'],
  ['en', 'Catalytic converter stolen on Indian Creek Rd'],
  ['en', 'Asian food festival on Saturday'],
  ['en', 'Found: black dog with a red collar'],
  ['en', 'Street lights out on the whole block'],
  ['es', 'Una furgoneta blanca estuvo parada una hora'],
  ['es', 'Coche negro chocó contra un coche aparcado'],
  ['es', 'Robaron en la panadería mexicana anoche'],
  ['es', 'Festival de comida asiática el sábado'],
  ['es', 'Encontrado: perro negro con collar rojo'],
  ['es', 'Se cortó la luz en toda la calle Blanca'],
  ['es', 'Gato blanco perdido cerca del parque'],
  ['es', 'Fiesta de vecinos en la plaza el domingo'],
];

const RACE = /race or ethnicity/;

describe.each(CATEGORIES)('in %s', (category) => {
  it.each(REFUSED)('refuses (%s) "%s" without a full person description', (_lang, sentence) => {
    const problem = checkComposition({ category, title: sentence, body: 'Please be careful.' });
    expect(problem?.explanation).toMatch(RACE);
    expect(problem?.errors.map((e) => e.field)).toEqual(['/body/person']);
    // In the body instead of the title, just the same.
    expect(checkComposition({ category, title: 'Heads up', body: sentence })?.explanation).toMatch(RACE);
  });

  it.each(ALLOWED)('allows (%s) "%s"', (_lang, sentence) => {
    expect(checkComposition({ category, title: sentence, body: 'Nothing else to add.' })).toBeUndefined();
  });

  it('allows an appearance mentioned alongside behaviour and two other details', () => {
    for (const appearance of ['Hispanic man, about 30', 'hombre moreno, unos 30 años']) {
      const problem = checkComposition({
        category,
        title: 'Person trying car doors',
        body: 'On Elm St.',
        person: {
          behaviour: 'tried the handles of parked cars one after another',
          clothing: 'grey hoodie, red cap',
          directionOfTravel: 'north on 5th Ave',
          appearance,
        },
      });
      expect(problem).toBeUndefined();
    }
  });
});

describe('crime and suspicious activity in Spanish', () => {
  it.each([
    'Dos jóvenes forzaron un coche en la calle Olmo',
    'Un tipo mirando por las ventanas a medianoche',
    'La policía busca al sospechoso',
  ])('asks for the person fields when "%s" describes a person', (sentence) => {
    for (const category of ['crime', 'suspicious_activity'] as const) {
      const problem = checkComposition({ category, title: sentence, body: '—' });
      expect(problem?.errors.map((e) => e.field)).toEqual(['/body/person']);
    }
  });
});

describe('comments', () => {
  it.each(REFUSED)('refuse (%s) "%s"', (_lang, sentence) => {
    const problem = checkComment(sentence);
    expect(problem?.explanation).toMatch(RACE);
    expect(problem?.errors).toEqual([{ field: '/body/body', message: expect.any(String) as string }]);
  });

  it.each(ALLOWED)('allow (%s) "%s"', (_lang, sentence) => {
    expect(checkComment(sentence)).toBeUndefined();
  });
});
