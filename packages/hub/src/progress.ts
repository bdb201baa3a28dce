/** How the hub tells its owner what it is doing: one line per clip stage, upload percentages, warnings. */
export interface Reporter {
  stage(ref: string, message: string): void;
  progress(ref: string, percent: number): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes progress lines to a stream (stderr by default), upload percentages in steps of 10. */
export function streamReporter(out: NodeJS.WritableStream = process.stderr): Reporter {
  const lastStep = new Map<string, number>();
  const line = (s: string) => out.write(`${new Date().toISOString()} ${s}\n`);
  return {
    stage(ref, message) {
      line(`[${ref}] ${message}`);
    },
    progress(ref, percent) {
      const step = Math.floor(percent / 10) * 10;
      if (lastStep.get(ref) === step) return;
      lastStep.set(ref, step);
      line(`[${ref}] upload ${step}%`);
    },
    warn(message) {
      line(`warning: ${message}`);
    },
    error(message) {
      line(`error: ${message}`);
    },
  };
}
