import type { paths } from '@porchlight/api-client';
import type { Json } from '../api/types';

export type VaultKeys = Json<paths['/api/vault/keys']['get']['responses'][200]>;
export type Camera = Json<paths['/api/cameras/{id}']['get']['responses'][200]>;
export type NewCamera = NonNullable<
  paths['/api/cameras']['post']['requestBody']
>['content']['application/json'];
export type ClipPage = Json<paths['/api/clips']['get']['responses'][200]>;
export type Clip = ClipPage['items'][number];
export type Device = Json<paths['/api/devices']['get']['responses'][200]>['items'][number];
export type PairingCode = Json<paths['/api/devices/pairing-codes']['post']['responses'][201]>;
