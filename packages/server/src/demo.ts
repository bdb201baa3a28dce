import { DEFAULT_POLICY, type Polygon } from '@porchlight/policy';
import type { Database } from './infra/db/index.js';
import { insertConfirmedTotp } from './modules/auth/mfa.repository.js';
import { STAFF_ROLES } from './modules/auth/mfa.service.js';
import type { Role, Viewer } from './policies.js';
import type { Services } from './services.js';

/** The demo neighbourhood: central Portland, Oregon. Accounts are listed in the README. */
export const DEMO_PASSWORD = 'porchlight-demo';
export const DEMO_CENTRE = { lat: 45.5152, lng: -122.6784 };
/**
 * Demo only, printed in the README: the authenticator-app secret of every demo staff and agency account, which
 * need a second factor to act. Add it to any authenticator app to sign in as them.
 */
export const DEMO_TOTP_SECRET = 'PORCHLIGHTDEMOSTAFFTOTPSECRET234';

/**
 * The demo jurisdiction’s boundary: a simplified outline of the city of Portland (12 vertices), enough
 * to route a request drawn anywhere in the demo neighbourhood to its policy.
 */
export const DEMO_BOUNDARY: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [-122.8367, 45.4325],
      [-122.7433, 45.4325],
      [-122.6533, 45.4455],
      [-122.4721, 45.4602],
      [-122.4721, 45.5521],
      [-122.5323, 45.5683],
      [-122.6412, 45.6156],
      [-122.7611, 45.6523],
      [-122.8176, 45.6204],
      [-122.7875, 45.5571],
      [-122.8367, 45.5108],
      [-122.8367, 45.4325],
    ],
  ],
};

export const DEMO_ACCOUNTS: { email: string; displayName: string; role: Role; offset: [number, number] }[] = [
  {
    email: 'alice@demo.porchlight',
    displayName: 'Alice (resident)',
    role: 'resident',
    offset: [0.002, 0.001],
  },
  { email: 'bob@demo.porchlight', displayName: 'Bob (resident)', role: 'resident', offset: [-0.003, 0.004] },
  {
    email: 'mod@demo.porchlight',
    displayName: 'Morgan (moderator)',
    role: 'moderator',
    offset: [0.004, -0.002],
  },
  {
    email: 'mod2@demo.porchlight',
    displayName: 'Riley (moderator)',
    role: 'moderator',
    offset: [-0.001, -0.004],
  },
  { email: 'admin@demo.porchlight', displayName: 'Avery (admin)', role: 'admin', offset: [0.001, 0.003] },
  {
    email: 'agency@demo.porchlight',
    displayName: 'Central Precinct (agency)',
    role: 'agency',
    offset: [0, 0],
  },
];

/** The demo jurisdiction's request policy and verified agency, with the demo agency account as its member. */
async function seedDemoGovernance(services: Services, admin: Viewer, member: Viewer): Promise<void> {
  await services.requestPolicies.publish(admin, 'portland-or', {
    name: 'Portland, Oregon',
    policy: { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] },
    boundary: DEMO_BOUNDARY,
    reason: 'Demo policy: the issue 8 defaults, modelled on a city surveillance ordinance',
  });
  const agency = await services.agencies.register(admin, {
    name: 'Portland Police Bureau, Central Precinct',
    jurisdiction: 'portland-or',
    contact: 'records@central-precinct.demo.porchlight',
    reason: 'Demo agency',
  });
  await services.agencies.addMember(admin, agency.id, member.id);
}

/**
 * Seeds demo accounts with homes and a few posts into an empty database. Returns false (and does nothing)
 * when any user exists, so restarts and real deployments are never touched.
 */
export async function seedDemo(services: Services, db: Database): Promise<boolean> {
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((existing.rows[0]?.n ?? 0) > 0) return false;
  const viewers = [];
  for (const a of DEMO_ACCOUNTS) {
    const { user } = await services.auth.signUp(
      { email: a.email, password: DEMO_PASSWORD, displayName: a.displayName },
      a.role,
    );
    const viewer = { id: user.id, role: a.role, displayName: user.displayName };
    if (STAFF_ROLES.has(a.role)) await insertConfirmedTotp(db, user.id, DEMO_TOTP_SECRET, new Date());
    await services.users.setHome(viewer, {
      lat: DEMO_CENTRE.lat + a.offset[0],
      lng: DEMO_CENTRE.lng + a.offset[1],
    });
    viewers.push(viewer);
  }
  const [alice, bob, , , , agency] = viewers;
  await services.posts.create(agency!, {
    category: 'safety',
    title: 'Road closure on SW Main St this weekend',
    body: 'SW Main St between 3rd and 5th is closed Saturday 6am–6pm for water main repairs. Use 4th Ave.',
  });
  await services.posts.create(bob!, {
    category: 'lost_found_pet',
    title: 'Found: grey tabby cat with a blue collar',
    body: 'Friendly, no tag. Found near the park fountain this morning. Message me to describe and collect.',
  });
  await services.posts.create(alice!, {
    category: 'suspicious_activity',
    title: 'Someone trying car door handles on our block',
    body: 'Around 2am, saw a person walking down the block pulling on car door handles. Check your cars are locked.',
    person: {
      behaviour: 'Pulled on the door handles of several parked cars, one after another',
      clothing: 'Red hooded jacket, grey backpack',
      directionOfTravel: 'Heading north towards the park',
    },
  });
  await seedDemoGovernance(services, viewers[4]!, agency!);
  return true;
}
