import { readFile } from 'node:fs/promises';
import type { AuditOptions } from './audit.js';
import { defaultStateDir, fileStateStore } from './state.js';

/** The options every command that audits the log takes (`audit`, `report`). */
export interface AuditCliValues {
  readonly key?: string | undefined;
  readonly 'key-file'?: string | undefined;
  readonly 'state-dir'?: string | undefined;
  readonly witness?: readonly string[] | undefined;
  readonly concurrency?: string | undefined;
}

/**
 * The {@link AuditOptions} those command-line values ask for: the verifier key from `--key` or `--key-file`,
 * the saved state in `--state-dir` (or the default), the witnesses and concurrency, real fetch and warnings on
 * stderr. Returns the message for the usage line when the values are wrong or `--key-file` cannot be read.
 */
export async function auditOptionsFrom(url: string, values: AuditCliValues): Promise<AuditOptions | string> {
  if (values.key !== undefined && values['key-file'] !== undefined)
    return 'give --key or --key-file, not both';
  const concurrency = Number(values.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    return '--concurrency must be an integer from 1 to 64';
  let key = values.key;
  if (values['key-file'] !== undefined) {
    try {
      key = (await readFile(values['key-file'], 'utf8')).trim();
    } catch (err) {
      return `cannot read --key-file: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return {
    url,
    fetch: (u, init) => fetch(u, init),
    store: fileStateStore(values['state-dir'] ?? defaultStateDir()),
    ...(key !== undefined && { key }),
    ...(values.witness !== undefined && { witnesses: values.witness }),
    concurrency,
    onWarning: (m) => process.stderr.write(`WARNING: ${m}\n`),
  };
}
