import type { Deps } from '../../deps.js';

export class LiveService {
  constructor(private readonly deps: Deps) {}
}
