import { policyDiff } from '@porchlight/policy';
import type { PolicyVersion } from '../api/transparency';

/** What a policy version changed against the one before it: each rule that differs, old → new. */
export function PolicyChanges({ version, previous }: { version: PolicyVersion; previous: PolicyVersion }) {
  const changes = policyDiff(previous.policy, version.policy);
  const boundary = version.boundarySha256 !== previous.boundarySha256;
  return (
    <div className="policy-changes" data-version={version.version}>
      <h4>Changes from version {previous.version}</h4>
      {changes.length === 0 && !boundary ? (
        <p className="muted">The rules read the same as version {previous.version}.</p>
      ) : (
        <table className="figure-table">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Version {previous.version}</th>
              <th scope="col">Version {version.version}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.rule} data-rule={c.rule}>
                <th scope="row">{c.label}</th>
                <td>
                  {c.removed.length > 0 ? (
                    <>
                      removed: <del>{c.removed.join(', ')}</del>
                    </>
                  ) : c.added.length > 0 ? (
                    c.from
                  ) : (
                    <del>{c.from}</del>
                  )}
                </td>
                <td>
                  {c.added.length > 0 ? (
                    <>
                      added: <ins>{c.added.join(', ')}</ins>
                    </>
                  ) : c.removed.length > 0 ? (
                    c.to
                  ) : (
                    <ins>{c.to}</ins>
                  )}
                </td>
              </tr>
            ))}
            {boundary ? (
              <tr data-rule="boundary">
                <th scope="row">Boundary</th>
                <td className="mono">{previous.boundarySha256?.slice(0, 16) ?? 'none'}…</td>
                <td className="mono">
                  <ins>{version.boundarySha256?.slice(0, 16) ?? 'none'}…</ins>
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      )}
    </div>
  );
}
