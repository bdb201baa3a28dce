import type { Deps } from './deps.js';
import { AgenciesService } from './modules/agencies/agencies.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { LiveService } from './modules/live/live.service.js';
import { ModerationService } from './modules/moderation/moderation.service.js';
import { RequestPoliciesService } from './modules/policies/policies.service.js';
import { PostsService } from './modules/posts/posts.service.js';
import { TransparencyPublicService } from './modules/transparency/transparency.public.js';
import { TransparencyService } from './modules/transparency/transparency.service.js';
import { UsersService } from './modules/users/users.service.js';
import { MutesService } from './modules/mutes/mutes.service.js';
import { FollowsService } from './modules/follows/follows.service.js';
import { SuspensionsService } from './modules/suspensions/suspensions.service.js';
import { openBlobStore } from './infra/blob/index.js';
import { CamerasService } from './modules/cameras/cameras.service.js';
import { ClipsService } from './modules/clips/clips.service.js';
import { vaultRetentionJob } from './modules/clips/retention.js';
import { UploadsService } from './modules/clips/uploads.service.js';
import { DevicesService } from './modules/devices/devices.service.js';
import { CameraSnapshotsService } from './modules/cameras/snapshots.service.js';
import { VaultService } from './modules/vault/vault.service.js';
import { createDisclosureServices, type DisclosureServices } from './modules/disclosures/index.js';
import { disclosureRetentionJob } from './modules/disclosures/retention.js';
import { disclosureSummaries } from './modules/disclosures/disclosures.repository.js';
import { InboxService } from './modules/inbox/inbox.service.js';
import { requestExpiryJob } from './modules/requests/requests.expiry.js';
import { RequestsService } from './modules/requests/requests.service.js';
import { legalNoticeJob } from './modules/legal/legal.job.js';
import { LegalService } from './modules/legal/legal.service.js';
import { JobWorker, type JobDefinition } from './infra/jobs/index.js';
import { MailService } from './modules/mail/mail.service.js';
import { AccountService } from './modules/account/account.service.js';
import { deliveryJobs, NotificationDelivery } from './modules/notifications/notifications.delivery.js';
import { NotificationsService } from './modules/notifications/notifications.service.js';
import { PushService } from './modules/push/push.service.js';
import { mediaJobs } from './modules/media/media.jobs.js';
import { MediaService } from './modules/media/media.service.js';
import { DashboardService } from './modules/dashboard/dashboard.service.js';
import { bystanderAnswerMailJob } from './modules/bystander/bystander.job.js';
import { BystanderService } from './modules/bystander/bystander.service.js';

/** Every domain service, built once per app from the same infrastructure. */
export interface Services extends DisclosureServices {
  auth: AuthService;
  users: UsersService;
  mutes: MutesService;
  /** Following a post: its comments and updates reach the follower's notifications. */
  follows: FollowsService;
  /** Moderators suspend accounts; the suspended account sees why and appeals. */
  suspensions: SuspensionsService;
  posts: PostsService;
  /** Photos and video in posts: tus uploads, re-encoding without metadata, serving while the post is visible. */
  media: MediaService;
  moderation: ModerationService;
  live: LiveService;
  transparency: TransparencyService;
  transparencyPublic: TransparencyPublicService;
  /** The public transparency dashboard's figures, counted from the log. */
  dashboard: DashboardService;
  agencies: AgenciesService;
  requestPolicies: RequestPoliciesService;
  vault: VaultService;
  cameras: CamerasService;
  /** Encrypted camera frames a hub sends for the owner's zone editor. */
  cameraSnapshots: CameraSnapshotsService;
  devices: DevicesService;
  clips: ClipsService;
  uploads: UploadsService;
  requests: RequestsService;
  inbox: InboxService;
  legal: LegalService;
  /** Background work (retention, expiry, notices, session pruning) on the job queue; main.ts starts it. */
  jobs: JobWorker;
  mail: MailService;
  /** Email verification, password reset, sessions page, export and deletion of one's own account. */
  account: AccountService;
  /** Web Push device subscriptions and sending (VAPID). */
  push: PushService;
  /** The notification centre and alert settings; push/email delivery runs as jobs. */
  notifications: NotificationsService;
  /** Bystanders ask to be blurred in or removed from video posts; owners answer, moderators after 7 days. */
  bystander: BystanderService;
}

export function createServices(deps: Deps): Services {
  const transparency = new TransparencyService(deps);
  const vault = new VaultService(deps);
  const clips = new ClipsService(deps, deps.blobs ?? openBlobStore(deps.config));
  const devices = new DevicesService(deps, vault);
  const agencies = new AgenciesService(deps);
  const live = new LiveService(deps);
  const requests = new RequestsService(deps, agencies);
  // Request pages show how many clips were shared and the legal holds filed (the disclosures module's data).
  requests.useDisclosureSummaries(disclosureSummaries);
  const legal = new LegalService(deps);
  const disclosureServices = createDisclosureServices(deps, { agencies, clips, transparency });
  const auth = new AuthService(deps);
  const mail = new MailService(deps.config);
  const push = new PushService(deps);
  const media = new MediaService(deps, clips);
  // One per process: its window of recent posts serves every feed page.
  const posts = new PostsService(deps);
  const bystander = new BystanderService(deps, mail);
  const jobs = new JobWorker(deps, [
    vaultRetentionJob(clips, deps.config.retentionIntervalMs),
    disclosureRetentionJob(disclosureServices.disclosures, deps.config.retentionIntervalMs),
    legalNoticeJob(legal),
    bystanderAnswerMailJob(bystander),
    requestExpiryJob(requests),
    sessionPruneJob(auth),
    ...deliveryJobs(new NotificationDelivery(deps, push, mail)),
    ...mediaJobs(media),
  ]);
  return {
    mail,
    account: new AccountService(deps, auth, mail, clips),
    bystander,
    push,
    notifications: new NotificationsService(deps, live),
    legal,
    ...disclosureServices,
    requests,
    jobs,
    inbox: new InboxService(deps, requests, live),
    vault,
    cameras: new CamerasService(deps, vault, clips),
    cameraSnapshots: new CameraSnapshotsService(deps, devices),
    devices,
    clips,
    uploads: new UploadsService(deps, vault, devices, clips),
    auth,
    users: new UsersService(deps),
    mutes: new MutesService(deps),
    follows: new FollowsService(deps, posts),
    suspensions: new SuspensionsService(deps),
    posts,
    media,
    moderation: new ModerationService(deps),
    live,
    transparency,
    transparencyPublic: new TransparencyPublicService(deps, transparency),
    dashboard: new DashboardService(deps, agencies),
    agencies,
    requestPolicies: new RequestPoliciesService(deps),
  };
}

/** Deletes expired sessions hourly. */
function sessionPruneJob(auth: AuthService): JobDefinition {
  return {
    kind: 'sessions.prune',
    title: 'expired sessions deleted',
    every: 3_600_000,
    run: async () => ({ deleted: await auth.pruneExpired() }),
  };
}
