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
import { openBlobStore } from './infra/blob/index.js';
import { CamerasService } from './modules/cameras/cameras.service.js';
import { ClipsService } from './modules/clips/clips.service.js';
import { RetentionJob } from './modules/clips/retention.js';
import { UploadsService } from './modules/clips/uploads.service.js';
import { DevicesService } from './modules/devices/devices.service.js';
import { VaultService } from './modules/vault/vault.service.js';

/** Every domain service, built once per app from the same infrastructure. */
export interface Services {
  auth: AuthService;
  users: UsersService;
  posts: PostsService;
  moderation: ModerationService;
  live: LiveService;
  transparency: TransparencyService;
  transparencyPublic: TransparencyPublicService;
  agencies: AgenciesService;
  requestPolicies: RequestPoliciesService;
  vault: VaultService;
  cameras: CamerasService;
  devices: DevicesService;
  clips: ClipsService;
  uploads: UploadsService;
  retention: RetentionJob;
}

export function createServices(deps: Deps): Services {
  const transparency = new TransparencyService(deps);
  const vault = new VaultService(deps);
  const clips = new ClipsService(deps, deps.blobs ?? openBlobStore(deps.config));
  const devices = new DevicesService(deps, vault);
  return {
    vault,
    cameras: new CamerasService(deps, vault, clips),
    devices,
    clips,
    uploads: new UploadsService(deps, vault, devices, clips),
    retention: new RetentionJob(clips, deps.config.retentionIntervalMs),
    auth: new AuthService(deps),
    users: new UsersService(deps),
    posts: new PostsService(deps),
    moderation: new ModerationService(deps),
    live: new LiveService(deps),
    transparency,
    transparencyPublic: new TransparencyPublicService(deps, transparency),
    agencies: new AgenciesService(deps),
    requestPolicies: new RequestPoliciesService(deps),
  };
}
