/**
 * The one catalogue of errors the API returns. Each has a stable snake_case `code` that clients may switch on;
 * `http/problem.ts` renders them as RFC 9457 `application/problem+json`.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'Bad request' },
  request_refused: { status: 422, title: 'The jurisdiction’s policy refuses this footage request' },
  profiling_risk: {
    status: 422,
    title: 'This description could profile people rather than describe behaviour',
  },
  unauthenticated: { status: 401, title: 'Sign in first' },
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  csrf_failed: { status: 403, title: 'Missing or wrong CSRF token' },
  second_factor_required: { status: 403, title: 'A second factor is required' },
  invalid_second_factor: { status: 401, title: 'The second factor is wrong or was already used' },
  second_step_expired: { status: 401, title: 'Sign in again: the second step expired' },
  forbidden: { status: 403, title: 'You are not allowed to do this' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  link_invalid: { status: 400, title: 'This link is wrong, was already used or has expired' },
  account_has_duties: { status: 409, title: 'Staff and agency accounts cannot delete themselves' },
  email_taken: { status: 409, title: 'An account with this email already exists' },
  already_reported: { status: 409, title: 'You already reported this post' },
  appeal_exists: { status: 409, title: 'This decision has already been appealed' },
  home_required: { status: 409, title: 'Set your home location first' },
  not_agency_member: { status: 403, title: 'Your account is not a member of a verified agency' },
  agency_suspended: { status: 403, title: 'Your agency is suspended' },
  account_suspended: { status: 403, title: 'Your account is suspended' },
  vault_not_set_up: { status: 404, title: 'Set up your vault keys first' },
  vault_already_set_up: { status: 409, title: 'Your vault keys are already set up' },
  clip_exists: { status: 409, title: 'A clip with this clientRef already exists' },
  not_age_ciphertext: { status: 422, title: 'The upload is not an age-encrypted file' },
  clip_ciphertext_missing: { status: 410, title: 'The clip’s ciphertext is missing from storage' },
  device_revoked: { status: 401, title: 'This device has been revoked' },
  pairing_code_invalid: { status: 400, title: 'The pairing code is wrong, used or expired' },
  agency_keys_not_set_up: { status: 404, title: 'Set up your agency key first' },
  recipient_in_use: { status: 409, title: 'This recipient is already in an agency’s recipient set' },
  request_not_open: { status: 409, title: 'This footage request is closed' },
  not_yet_logged: { status: 409, title: 'Not yet in a signed checkpoint of the transparency log' },
  disclosure_downloaded: { status: 409, title: 'The agency has already downloaded this disclosure' },
  wrong_recipients: { status: 422, title: 'The upload is not encrypted to the agency’s recipient set' },
  geocoder_not_configured: { status: 404, title: 'This server has no address search configured' },
  geocoder_unavailable: { status: 502, title: 'The address search service did not answer' },
  payload_too_large: { status: 413, title: 'Request body is too large' },
  range_not_satisfiable: { status: 416, title: 'The requested byte range is not in the file' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  media_unreadable: { status: 422, title: 'The photo or video could not be read' },
  video_too_long: { status: 422, title: 'The video is longer than a post allows' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One invalid input, named by JSON pointer into the request (e.g. `/body/title`). */
export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Further members of the problem document, e.g. a refused request's `violations`. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.status = ERROR_CATALOGUE[code].status;
    this.title = ERROR_CATALOGUE[code].title;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
export const forbidden = (detail: string): AppError => new AppError('forbidden', detail);
export const invalid = (field: string, message: string): AppError =>
  new AppError('validation_failed', `${field}: ${message}`, [{ field, message }]);
