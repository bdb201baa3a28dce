/**
 * Porchlight's vocabularies, each declared once. The server builds its schemas from these arrays, the log
 * validates entries against them and the web app labels them, so a value added here is added everywhere.
 * Order is the order the interface offers them.
 */

/** Account roles. */
export const ROLES = ['resident', 'agency', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  resident: 'Resident',
  agency: 'Agency member',
  moderator: 'Moderator',
  admin: 'Admin',
};

/** Categories of a feed post. */
export const POST_CATEGORIES = [
  'crime',
  'suspicious_activity',
  'safety',
  'lost_found_pet',
  'community',
  'unexpected_activity',
] as const;
export type PostCategory = (typeof POST_CATEGORIES)[number];

export const POST_CATEGORY_LABELS: Record<PostCategory, { label: string; hint: string }> = {
  crime: { label: 'Crime', hint: 'Something illegal happened' },
  suspicious_activity: { label: 'Suspicious activity', hint: 'Behaviour that worried you' },
  safety: { label: 'Safety', hint: 'Hazards, closures, weather' },
  lost_found_pet: { label: 'Lost & found pet', hint: 'Help a pet get home' },
  community: { label: 'Community', hint: 'News and notices for neighbours' },
  unexpected_activity: { label: 'Unexpected activity', hint: 'Noise, lights, odd events' },
};

/** Categories whose posts may describe a person, and so must follow the anti-profiling rule. */
export const PERSON_POST_CATEGORIES: readonly PostCategory[] = ['crime', 'suspicious_activity'];

/** The community rule a report says a post breaks; `other` needs the reporter's own words. */
export const REPORT_RULES = [
  'personal_information',
  'profiling',
  'harassment',
  'misleading',
  'spam',
  'other',
] as const;
export type ReportRule = (typeof REPORT_RULES)[number];

export const REPORT_RULE_LABELS: Record<ReportRule, { label: string; hint: string }> = {
  personal_information: {
    label: 'Personal information',
    hint: 'Names, addresses, plates or pictures that identify a private person',
  },
  profiling: {
    label: 'Profiling',
    hint: 'Describes someone by race, ethnicity or appearance, not by what they did',
  },
  harassment: { label: 'Harassment or threats', hint: 'Insults, threats or a pile-on against someone' },
  misleading: {
    label: 'False or misleading',
    hint: 'Says something happened that did not, or spreads rumours',
  },
  spam: { label: 'Spam or advertising', hint: 'Selling, promoting or off-topic' },
  other: { label: 'Something else', hint: 'Say what in your own words' },
};

/** Reactions to a post. */
export const REACTION_KINDS = ['thanks', 'helpful', 'agree', 'sad'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

export const REACTION_LABELS: Record<ReactionKind, string> = {
  thanks: 'Thanks',
  helpful: 'Helpful',
  agree: 'Agree',
  sad: 'Sad',
};

/**
 * Offense categories a footage request may name: NIBRS-style groups, coarse on purpose so a published request
 * says what kind of crime without describing anyone.
 */
export const OFFENSE_CATEGORIES = [
  'arson',
  'assault',
  'burglary',
  'drug_offense',
  'fraud',
  'hit_and_run',
  'homicide',
  'kidnapping_abduction',
  'larceny_theft',
  'missing_person',
  'motor_vehicle_theft',
  'robbery',
  'sex_offense',
  'vandalism',
  'weapons_offense',
] as const;
export type OffenseCategory = (typeof OFFENSE_CATEGORIES)[number];

export const OFFENSE_CATEGORY_LABELS: Record<OffenseCategory, string> = {
  arson: 'Arson',
  assault: 'Assault',
  burglary: 'Burglary',
  drug_offense: 'Drug offense',
  fraud: 'Fraud',
  hit_and_run: 'Hit and run',
  homicide: 'Homicide',
  kidnapping_abduction: 'Kidnapping / abduction',
  larceny_theft: 'Larceny / theft',
  missing_person: 'Missing person',
  motor_vehicle_theft: 'Motor vehicle theft',
  robbery: 'Robbery',
  sex_offense: 'Sex offense',
  vandalism: 'Vandalism',
  weapons_offense: 'Weapons offense',
};

/** Legal bases a footage request or a legal demand may cite. */
export const LEGAL_BASES = [
  'consent',
  'court_order',
  'exigent_circumstances',
  'subpoena',
  'warrant',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = {
  consent: 'Consent',
  court_order: 'Court order',
  exigent_circumstances: 'Exigent circumstances',
  subpoena: 'Subpoena',
  warrant: 'Warrant',
};

/** Purposes every default policy prohibits (DESIGN.md G4). */
export const PROHIBITED_PURPOSES = [
  'first_amendment_activity',
  'immigration_enforcement',
  'reproductive_or_gender_care',
] as const;
export type ProhibitedPurpose = (typeof PROHIBITED_PURPOSES)[number];

export const PROHIBITED_PURPOSE_LABELS: Record<ProhibitedPurpose, string> = {
  first_amendment_activity: 'First Amendment activity (protest, assembly, worship, press)',
  immigration_enforcement: 'Immigration enforcement',
  reproductive_or_gender_care: 'Reproductive or gender-affirming care',
};

/**
 * Words that, found in a request's narrative, show it serves a prohibited purpose (see `narrativeMentions`).
 * Sorted in code-unit order, so a policy's hash has one spelling. An all-lowercase term matches in any case;
 * an acronym is written in capitals and matches only so (`ICE`, not "ice on the road"). "march" is left out
 * on purpose: it would refuse every burglary that happened in March.
 */
export const DEFAULT_PROHIBITED_PURPOSE_TERMS: Record<ProhibitedPurpose, string[]> = {
  first_amendment_activity: [
    'demonstration',
    'demonstrator',
    'marcher',
    'picket',
    'protest',
    'protester',
    'rallies',
    'rally',
    'vigil',
  ],
  immigration_enforcement: [
    'CBP',
    'ICE',
    'border patrol',
    'deportation',
    'immigration',
    'undocumented',
    'visa status',
  ],
  reproductive_or_gender_care: ['abortion', 'gender-affirming', 'reproductive', 'transgender care'],
};

/** Kinds of legal process an operator records (issue 8 §9). */
export const LEGAL_DEMAND_KINDS = ['court_order', 'emergency', 'subpoena', 'warrant'] as const;
export type LegalDemandKind = (typeof LEGAL_DEMAND_KINDS)[number];

export const LEGAL_DEMAND_KIND_LABELS: Record<LegalDemandKind, string> = {
  court_order: 'Court order',
  emergency: 'Emergency claim',
  subpoena: 'Subpoena',
  warrant: 'Warrant',
};

/** What an operator produced in answer to a legal demand: it holds no plaintext footage (G1). */
export const LEGAL_PRODUCTIONS = ['none', 'ciphertext', 'account_metadata'] as const;
export type LegalProduction = (typeof LEGAL_PRODUCTIONS)[number];
