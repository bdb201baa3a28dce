import { useEffect, useRef } from 'react';
import type { ApiError } from '../api/problem';

/** Whether a problem's detail only repeats its title ("An account…exists" and "an account…exists."). */
export function sameWords(detail: string | undefined, title: string): boolean {
  const words = (text: string) =>
    text
      .toLocaleLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return detail === undefined || words(detail) === words(title);
}

/**
 * A failed request's problem document: its `detail` prominently, and any field messages the form could not
 * place next to an input. Takes focus when it appears so keyboard and screen-reader users land on it.
 */
export function ProblemAlert({
  error,
  title,
  placed = [],
  focus = true,
}: {
  error: ApiError | null;
  /** Overrides the problem's own title. */
  title?: string;
  /** Field keys already shown beside their inputs. */
  placed?: readonly string[];
  focus?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error && focus) ref.current?.focus();
  }, [error, focus]);
  if (!error) return null;
  const loose = Object.entries(error.fields).filter(([field]) => !placed.includes(field));
  const validation = error.code === 'validation_failed';
  return (
    <div className="alert alert--error" role="alert" tabIndex={-1} ref={ref}>
      <p className="alert__title">
        {title ??
          (validation && loose.length === 0 ? 'Please check the highlighted fields.' : error.problem.title)}
      </p>
      {!validation && !sameWords(error.problem.detail, error.problem.title) ? (
        <p>{error.problem.detail}</p>
      ) : null}
      {validation && loose.length > 0 ? (
        <ul>
          {loose.map(([field, message]) => (
            <li key={field}>
              {field.replaceAll('/', ' › ') || 'Request'}: {message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
