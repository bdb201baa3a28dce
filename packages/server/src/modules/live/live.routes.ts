import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';

export function liveRoutes(_app: App, _services: Services): void {}
