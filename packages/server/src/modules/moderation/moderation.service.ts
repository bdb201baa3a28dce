import type { Deps } from '../../deps.js';

export class ModerationService {
  constructor(private readonly deps: Deps) {}
}
