/**
 * The request policy a `policy.changed` entry carries is defined once, in `@porchlight/policy`, which the
 * server and web app share; the log validates entries against exactly that definition.
 */
export {
  JURISDICTION_SLUG,
  POLICY_LIMITS,
  POLICY_TERM,
  validateRequestPolicy,
  type RequestPolicy,
} from '@porchlight/policy';
