import type { Dashboard } from '../api/dashboard';
import { Link } from '../router';

type Hold = Dashboard['holds'][number];
type Notice = Dashboard['notices'][number];

const day = (time: string) => time.slice(0, 10);

const LAPSE: Record<Notice['lapse'], string> = {
  sent_on_time: 'Sent on time',
  sent_late: 'Sent late',
  not_sent: 'Not sent yet',
};

/** Each legal hold in the view with its case and reason, flagged when it keeps a clip beyond policy. */
export function HeldClips({
  holds,
  title = 'Each legal hold, with its case and reason',
}: {
  holds: readonly Hold[];
  title?: string;
}) {
  return (
    <section aria-labelledby="dash-holds" className="card">
      <h2 id="dash-holds">{title}</h2>
      <p className="field__hint">
        A hold keeps a shared clip past its retention for a case. Each is logged with the case and the reason;
        one beyond policy keeps the clip later than the jurisdiction’s policy allowed when it was filed.
      </p>
      {holds.length === 0 ? (
        <p className="muted">No legal holds in this scope and months.</p>
      ) : (
        <table className="figure-table" aria-labelledby="dash-holds">
          <thead>
            <tr>
              <th scope="col">Filed</th>
              <th scope="col">Agency</th>
              <th scope="col">Case</th>
              <th scope="col">Reason</th>
              <th scope="col">Kept until</th>
              <th scope="col">Log entry</th>
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <tr key={h.entry} data-entry={h.entry}>
                <td>{day(h.time)}</td>
                <td>
                  {h.agency > 0 ? <Link to={`/dashboard/agencies/${h.agency}`}>Agency {h.agency}</Link> : '—'}
                </td>
                <td className="mono">{h.caseNumber}</td>
                <td>{h.justification}</td>
                <td>
                  {day(h.until)}
                  {h.beyondPolicy ? (
                    <>
                      {' '}
                      <strong className="badge badge--crime">
                        beyond policy (limit {h.policyLimit ? day(h.policyLimit) : 'none'})
                      </strong>
                    </>
                  ) : null}
                </td>
                <td>
                  <Link to={h.href}>#{h.entry}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Each owner notice a non-disclosure order delayed: until when, and whether it was sent on time. */
export function DelayedNotices({ notices }: { notices: readonly Notice[] }) {
  return (
    <section aria-labelledby="dash-notices" className="card">
      <h2 id="dash-notices">Each delayed notice of a legal demand</h2>
      <p className="field__hint">
        An owner is told of a legal demand at once unless a court order delays it. Sent on time means within a
        day of the delay’s end; demands name no agency or place, so only the instance view lists them.
      </p>
      {notices.length === 0 ? (
        <p className="muted">No delayed notices in these months.</p>
      ) : (
        <table className="figure-table" aria-labelledby="dash-notices">
          <thead>
            <tr>
              <th scope="col">Demand</th>
              <th scope="col">First delayed</th>
              <th scope="col">Delayed until</th>
              <th scope="col">Notice</th>
            </tr>
          </thead>
          <tbody>
            {notices.map((n) => (
              <tr key={n.demand} data-demand={n.demand} data-lapse={n.lapse}>
                <td className="mono">
                  <Link to={n.href}>{n.demand}</Link>
                </td>
                <td>{day(n.delays[0]?.time ?? n.until)}</td>
                <td>
                  {day(n.until)}
                  {n.delays.length > 1 ? ` (extended ${n.delays.length - 1}×)` : ''}
                </td>
                <td>
                  {LAPSE[n.lapse]}
                  {n.sent ? ` (${day(n.sent.time)})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
