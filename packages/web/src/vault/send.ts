import { call } from '../api/problem';

/**
 * Awaits a typed-client call whose success has no body (204 No Content) and throws the API's problem as an
 * `ApiError` otherwise — `call` alone would treat the missing body as a failure.
 */
export async function send(request: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  await call(request.then((r) => (r.response.ok ? { data: true as const, response: r.response } : r)));
}
