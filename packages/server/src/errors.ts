/**
 * The one catalogue of errors the API returns. Each has a stable snake_case `code` that clients may switch on;
 * `http/problem.ts` renders them as RFC 9457 `application/problem+json`.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'Bad request' },
  profiling_risk: {
    status: 422,
    title: 'This description could profile people rather than describe behaviour',
  },
  unauthenticated: { status: 401, title: 'Sign in first' },
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  csrf_failed: { status: 403, title: 'Missing or wrong CSRF token' },
  forbidden: { status: 403, title: 'You are not allowed to do this' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  email_taken: { status: 409, title: 'An account with this email already exists' },
  already_reported: { status: 409, title: 'You already reported this post' },
  appeal_exists: { status: 409, title: 'This decision has already been appealed' },
  home_required: { status: 409, title: 'Set your home location first' },
  not_agency_member: { status: 403, title: 'Your account is not a member of a verified agency' },
  agency_suspended: { status: 403, title: 'Your agency is suspended' },
  vault_not_set_up: { status: 404, title: 'Set up your vault keys first' },
  vault_already_set_up: { status: 409, title: 'Your vault keys are already set up' },
  clip_exists: { status: 409, title: 'A clip with this clientRef already exists' },
  not_age_ciphertext: { status: 422, title: 'The upload is not an age-encrypted file' },
  device_revoked: { status: 401, title: 'This device has been revoked' },
  pairing_code_invalid: { status: 400, title: 'The pairing code is wrong, used or expired' },
  payload_too_large: { status: 413, title: 'Request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
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
