import client from 'prom-client';
import type { TransparencyService } from './transparency.service.js';

/**
 * Prometheus gauges for the transparency log, read from the database at scrape time so every API process
 * reports the same numbers whichever of them sequences: the log's size, accountability events committed but
 * not yet in the log, and seconds since the last checkpoint was signed. An alert on the last two catches a
 * sequencer that has stopped (a bad key file, an unpublishable event) before anyone notices a stale log.
 */
export function registerLogMetrics(registry: client.Registry, log: TransparencyService): void {
  // One query per scrape, shared by the three gauges.
  let scrape: Promise<Awaited<ReturnType<TransparencyService['metrics']>>> | undefined;
  const read = () => {
    scrape ??= log.metrics().finally(() => {
      scrape = undefined;
    });
    return scrape;
  };
  new client.Gauge({
    name: 'porchlight_log_size',
    help: 'Entries in the transparency log (size of the latest signed checkpoint)',
    registers: [registry],
    async collect() {
      this.set((await read()).size);
    },
  });
  new client.Gauge({
    name: 'porchlight_log_events_waiting',
    help: 'Accountability events committed to the outbox but not yet sequenced into the log',
    registers: [registry],
    async collect() {
      this.set((await read()).waiting);
    },
  });
  new client.Gauge({
    name: 'porchlight_log_checkpoint_age_seconds',
    help: 'Seconds since the latest checkpoint was signed (NaN before the first)',
    registers: [registry],
    async collect() {
      this.set((await read()).checkpointAge ?? Number.NaN);
    },
  });
}
