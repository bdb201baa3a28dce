import { describe, expect, it } from 'vitest';
import { checkComposition, type Composition } from './composer.js';

const RACE = /race or ethnicity/;
const BEHAVIOUR = /must say what they did/;

const crime = (title: string, body: string, person?: Composition['person']): Composition => ({
  category: 'crime',
  title,
  body,
  person,
});

const suspicious = (title: string, body: string, person?: Composition['person']): Composition => ({
  category: 'suspicious_activity',
  title,
  body,
  person,
});

const fullPerson = {
  behaviour: 'tried the handles of parked cars one after another',
  clothing: 'grey hoodie, red cap',
  vehicle: 'green bicycle',
  directionOfTravel: 'north on 5th Ave',
};

describe('checkComposition accepts', () => {
  it.each<[string, Composition]>([
    [
      'behaviour with clothing and vehicle',
      crime('Car break-in', 'On Elm St.', { ...fullPerson, directionOfTravel: undefined }),
    ],
    [
      'behaviour with clothing and direction',
      crime('Car break-in', 'On Elm St.', { ...fullPerson, vehicle: undefined }),
    ],
    [
      'behaviour with vehicle and direction',
      crime('Car break-in', 'On Elm St.', { ...fullPerson, clothing: undefined }),
    ],
    [
      'appearance alongside behaviour and two other details',
      suspicious('Man checking car doors', 'Elm St.', {
        ...fullPerson,
        appearance: 'Hispanic man, about 30',
      }),
    ],
    [
      'a white van, which is a vehicle and not a race',
      suspicious('A white van idled for an hour', 'It sat on Elm St. with the engine running.'),
    ],
    ['a black car', crime('Black car hit a parked car', 'It drove off fast towards the bridge.')],
    [
      'a business named for a cuisine',
      crime('Break-in at the Mexican bakery', 'The back window was smashed.'),
    ],
    ['a street name', crime('Catalytic converter stolen', 'On Indian Creek Rd, overnight.')],
    ['a crime post that describes no person', crime('Bike stolen from porch', 'Blue Trek, taken overnight.')],
    [
      'a community post, which is not checked',
      {
        category: 'community',
        title: 'Asian food festival on Saturday',
        body: 'Three young men from our street are cooking.',
      },
    ],
    [
      'a lost-pet post, which is not checked',
      { category: 'lost_found_pet', title: 'Found: black dog', body: 'A kid brought him to our door.' },
    ],
    [
      'a safety post, which is not checked',
      { category: 'safety', title: 'Man on a ladder fixing lights', body: 'The lane is closed.' },
    ],
  ])('%s', (_label, composition) => {
    expect(checkComposition(composition)).toBeUndefined();
  });
});

describe('checkComposition refuses', () => {
  it.each<[string, Composition]>([
    [
      'a colour word next to a person noun',
      suspicious('Black man walking around', 'Looked suspicious to me.'),
    ],
    ['a skin-tone description', crime('Break-in on Elm', 'A dark-skinned guy did it.')],
    ['an ethnicity on its own', suspicious('Someone hanging around', 'Probably Hispanic.')],
    ['an ethnicity in the title', crime('Middle Eastern teens by the school', 'Be careful.')],
    ['a colour with a word between', suspicious('Two black teenage boys', 'Looking at houses.')],
    ['an ethnic noun', crime('Car broken into', 'I think it was a Mexican.')],
  ])('%s without a person description, with the race explanation', (_label, composition) => {
    const problem = checkComposition(composition);
    expect(problem?.explanation).toMatch(RACE);
    expect(problem?.errors).toEqual([{ field: '/body/person', message: expect.any(String) as string }]);
  });

  it('a race-only person description, naming every missing detail, with the race explanation', () => {
    const problem = checkComposition(
      suspicious('Person on our street', 'Not from around here.', {
        behaviour: 'walked slowly past the houses twice',
        appearance: 'white male',
      }),
    );
    expect(problem?.explanation).toMatch(RACE);
    expect(problem?.errors.map((e) => e.field)).toEqual([
      '/body/person/clothing',
      '/body/person/vehicle',
      '/body/person/directionOfTravel',
    ]);
    expect(problem?.errors[0]?.message).toMatch(/at least 2 more/);
  });

  it('a description with one detail, naming the two it could add', () => {
    const problem = checkComposition(
      crime('Package theft', 'From the porch at 3 pm.', {
        behaviour: fullPerson.behaviour,
        clothing: 'black jacket',
      }),
    );
    expect(problem?.explanation).toMatch(BEHAVIOUR);
    expect(problem?.explanation).not.toMatch(RACE);
    expect(problem?.errors).toEqual([
      {
        field: '/body/person/vehicle',
        message: 'give at least 1 more of clothing, vehicle, direction of travel',
      },
      {
        field: '/body/person/directionOfTravel',
        message: 'give at least 1 more of clothing, vehicle, direction of travel',
      },
    ]);
  });

  it('details made of whitespace, which do not count', () => {
    const problem = checkComposition(
      crime('Package theft', 'From the porch.', { ...fullPerson, vehicle: '   ', directionOfTravel: ' ' }),
    );
    expect(problem?.errors.map((e) => e.field)).toEqual([
      '/body/person/vehicle',
      '/body/person/directionOfTravel',
    ]);
  });

  it('a behaviour too short to say what the person did', () => {
    const problem = checkComposition(
      crime('Package theft', 'From the porch.', { ...fullPerson, behaviour: 'stole' }),
    );
    expect(problem?.errors).toEqual([
      { field: '/body/person/behaviour', message: 'say what the person did (at least 10 characters)' },
    ]);
  });

  it.each<[string, Composition]>([
    ['two teens', crime('Two teens broke into a car', 'On Elm St. around 2 am.')],
    ['a guy', suspicious('Guy looking into windows', 'Around midnight.')],
    ['a white van man', suspicious('White van man again', 'Parked for hours.')],
    ['a suspect in the body', crime('Shop robbed', 'Police are looking for the suspect.')],
  ])('a post about %s without the person fields, asking for them', (_label, composition) => {
    const problem = checkComposition(composition);
    expect(problem?.explanation).toMatch(BEHAVIOUR);
    expect(problem?.errors).toEqual([
      { field: '/body/person', message: expect.stringMatching(/person fields/) as string },
    ]);
  });
});
