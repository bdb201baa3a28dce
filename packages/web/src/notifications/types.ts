import type { paths } from '@porchlight/api-client';
import type { Json } from '../api/types';

export type NotificationList = Json<paths['/api/notifications']['get']['responses'][200]>;
export type Notification = NotificationList['items'][number];
export type AlertSettings = Json<paths['/api/alerts/settings']['get']['responses'][200]>;
export type PushDevice = Json<paths['/api/push/subscriptions']['get']['responses'][200]>['items'][number];
