import type { Violation } from '@porchlight/policy';

/**
 * Broken rules, each with its stable rule id and the policy version that states it, so the member can look the
 * rule up on the public policy page and the refusal in the log.
 */
export function ViolationList({ violations, id }: { violations: readonly Violation[]; id?: string }) {
  if (violations.length === 0) return null;
  return (
    <ul className="violations" id={id}>
      {violations.map((v) => (
        <li key={`${v.rule}:${v.message}`} data-rule={v.rule}>
          {v.message}{' '}
          <span className="mono">
            ({v.rule}, policy v{v.policyVersion})
          </span>
        </li>
      ))}
    </ul>
  );
}
