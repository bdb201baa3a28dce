import type { FastifyBaseLogger } from 'fastify';
import type { ClipsService } from './clips.service.js';

/**
 * The in-process retention scheduler: runs {@link ClipsService.runRetention} now and then every
 * `intervalMs`. Runs never overlap; {@link stop} waits for the one in flight so the database can close.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly clips: ClipsService,
    private readonly intervalMs: number,
  ) {}

  start(log: FastifyBaseLogger): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.clips
        .runRetention(log)
        .then((r) => {
          if (r.expired + r.abandoned + r.blobs > 0) log.info(r, 'vault retention');
        })
        .catch((err: unknown) => {
          log.warn({ err }, 'vault retention failed; will retry');
        })
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
