import { useId, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import type { LatLng } from './geometry';

/** One search result the user can pick. */
export interface FoundPlace extends LatLng {
  name: string;
}

/**
 * Address search through the server's geocoder. Picking a result only proposes it: the page asks the user to
 * confirm before anything is saved.
 */
export function AddressSearch({ onChoose }: { onChoose: (place: FoundPlace) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<FoundPlace[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const search = async (e: SubmitEvent) => {
    e.preventDefault();
    const q = query.trim();
    if (q === '') return;
    setBusy(true);
    setError(null);
    try {
      setResults((await call(api.GET('/api/geocode', { params: { query: { q } } }))).results);
    } catch (err) {
      setError(toApiError(err));
      setResults(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="address-search">
      <form
        role="search"
        aria-label="Search an address"
        onSubmit={(e) => void search(e)}
        className="search-row"
      >
        <div className="field">
          <label htmlFor={id}>Address or place</label>
          <input
            id={id}
            type="search"
            value={query}
            maxLength={200}
            autoComplete="street-address"
            onChange={(e) => {
              setQuery(e.target.value);
            }}
          />
        </div>
        <button type="submit" className="button" disabled={busy || query.trim() === ''}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ProblemAlert error={error} focus={false} />
      <div aria-live="polite">
        {results === null ? null : results.length === 0 ? (
          <p className="muted">No places match “{query.trim()}”. Try a street and town.</p>
        ) : (
          <ul className="address-search__results" aria-label="Search results">
            {results.map((r) => (
              <li key={`${r.lat},${r.lng},${r.name}`}>
                <button
                  type="button"
                  className="button button--ghost button--block address-search__result"
                  onClick={() => {
                    onChoose(r);
                  }}
                >
                  {r.name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
