import { useEffect, useRef, useState } from 'react';
import { httpLog, storageTrust } from '../keytransparency';
import { proveShownEntry, type EntryProof } from './entryProof';

type State = { kind: 'loading' } | { kind: 'ready'; proof: EntryProof } | { kind: 'error'; message: string };

/** Saves `text` as a file named `name` in the browser's downloads. */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 1000);
}

/**
 * Entry `index`'s inclusion proof, in words: the signed checkpoint it is proven against, the proof's hashes,
 * whether this browser verified it, and the proof document to download and check again offline with
 * `porchlight verify-proof`.
 */
export function ProofPanel({
  index,
  entry,
  verifierKey,
}: {
  index: number;
  entry: unknown;
  verifierKey?: string;
}) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let cancelled = false;
    proveShownEntry({ log: httpLog(), trust: storageTrust(), index, entry }).then(
      (proof) => {
        if (!cancelled) setState({ kind: 'ready', proof });
      },
      (err: unknown) => {
        if (!cancelled)
          setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [index, entry]);
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const file = `porchlight-entry-${index}.tlog-proof`;
  return (
    <section className="proof-panel" aria-labelledby={`proof-${index}`} aria-busy={state.kind === 'loading'}>
      <h4 id={`proof-${index}`} ref={heading} tabIndex={-1}>
        Proof that entry #{index} is in the log
      </h4>
      {state.kind === 'loading' ? (
        <p className="muted">Fetching the proof and checking it in this browser…</p>
      ) : null}
      {state.kind === 'error' ? (
        <p className="proof-panel__result proof-panel__result--failed" role="alert">
          The proof could not be read: {state.message}
        </p>
      ) : null}
      {state.kind === 'ready' ? <ProofDetails proof={state.proof} /> : null}
      {state.kind === 'ready' ? (
        <div className="proof-panel__download">
          <button
            type="button"
            className="button"
            onClick={() => {
              download(file, state.proof.text);
            }}
          >
            Download proof
          </button>
          <p className="muted">
            The file is a c2sp.org/tlog-proof document holding the entry, the proof and the signed checkpoint.
            Check it on your own computer, without trusting this page:
          </p>
          <pre className="checkpoint">
            npx porchlight verify-proof {file} --key {`'${verifierKey ?? '<the log’s verifier key>'}'`}
          </pre>
        </div>
      ) : null}
    </section>
  );
}

function ProofDetails({ proof }: { proof: EntryProof }) {
  const { result } = proof;
  const steps = proof.hashes.length;
  return (
    <>
      {result.verified ? (
        <p className="proof-panel__result proof-panel__result--verified" role="status">
          Verified in this browser: entry #{proof.index} is one of the {proof.size} entries of the tree this
          checkpoint signs (signed by {result.signedBy.join(', ')}).
        </p>
      ) : (
        <p className="proof-panel__result proof-panel__result--failed" role="alert">
          Not verified: {result.reason}
        </p>
      )}
      <p>
        The log signed a checkpoint stating that its tree holds {proof.size ?? 'an unknown number of'} entries
        and has the root hash below. Starting from this entry’s leaf hash and combining it, in turn, with the{' '}
        {steps === 1 ? 'one hash' : `${steps} hashes`} of the proof gives that root hash — which is only
        possible if this exact entry sits at position {proof.index} in that tree. Changing, removing or
        reordering any entry would change the root.
      </p>
      <dl className="proof-facts">
        <dt>Entry</dt>
        <dd>#{proof.index}</dd>
        <dt>Tree size</dt>
        <dd>{proof.size ?? 'unreadable'} entries</dd>
        <dt>Root hash</dt>
        <dd className="mono">{proof.rootHash ?? 'unreadable'}</dd>
        <dt>Leaf hash</dt>
        <dd className="mono">{proof.leafHash}</dd>
      </dl>
      <h5>Signed checkpoint</h5>
      <pre className="checkpoint" aria-label="Signed checkpoint">
        {proof.checkpoint}
      </pre>
      <h5>Proof hashes</h5>
      {steps === 0 ? (
        <p className="muted">None: the entry is the whole tree, so its leaf hash is the root hash.</p>
      ) : (
        <ol className="proof-hashes mono" aria-label="Proof hashes">
          {proof.hashes.map((h, i) => (
            <li key={i}>{h}</li>
          ))}
        </ol>
      )}
    </>
  );
}
