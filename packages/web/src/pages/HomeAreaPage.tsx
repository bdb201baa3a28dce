import { useCallback, useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, localError, toApiError, type ApiError } from '../api/problem';
import {
  CoordinateInputs,
  parseCoordinates,
  toDraft,
  type CoordinateDraft,
} from '../components/CoordinateInputs';
import { ProblemAlert } from '../components/ProblemAlert';
import { RadiusSlider } from '../components/RadiusSlider';
import { formatKm } from '../format';
import { AddressSearch } from '../map/AddressSearch';
import { HomeConfirm, type HomeCandidate } from '../map/HomeConfirm';
import { LazyAreaMap } from '../map/LazyAreaMap';
import '../map/map.css';
import { nameOfPlace } from '../map/placeName';
import { geocoderEnabled, isBuiltIn, useMapStyle } from '../map/style';
import type { LatLng } from '../map/geometry';
import { Link, useLocation } from '../router';
import { useAnnounce } from '../state/announcer';
import { useMe, useSession } from '../state/session';
import { locationRefusal } from '../map/locationRefusal';

export function HomeAreaPage() {
  const me = useMe();
  const { setUser } = useSession();
  const announce = useAnnounce();
  const { query } = useLocation();
  const [radius, setRadius] = useState(me.radiusM);
  const [coords, setCoords] = useState<CoordinateDraft>({ lat: '', lng: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const radiusTimer = useRef<number | undefined>(undefined);
  const mapStyle = useMapStyle();
  const [search, setSearch] = useState(false);
  const [candidate, setCandidate] = useState<HomeCandidate | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    void geocoderEnabled().then((on) => {
      if (live) setSearch(on);
    });
    return () => {
      live = false;
    };
  }, []);

  /**
   * Every way of choosing a home (map click, search, coordinates, device location) only proposes it; the
   * confirmation names the place and nothing is saved until the user says yes.
   */
  const propose = (point: LatLng, name?: string) => {
    setError(null);
    setSaved(null);
    setCoords(toDraft(point));
    setCandidate({ point, place: name ? { name, source: 'geocoder' } : undefined });
    if (name) return;
    void nameOfPlace(point, search).then((place) => {
      // Only name the candidate this lookup was for; the user may have picked another point meanwhile.
      setCandidate((c) => (c && c.point === point ? { ...c, place } : c));
    });
  };

  const saveHome = async (point: LatLng) => {
    setError(null);
    setSaving(true);
    try {
      const user = await call(api.PUT('/api/me/home', { body: { ...point, radiusM: radius } }));
      setUser(user);
      setCandidate(null);
      const message = 'Home area saved. Neighbours only ever see the highlighted cell.';
      setSaved(message);
      announce(message);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  };

  // Radius changes save once the slider settles (or when leaving the page), not on every step.
  const pendingRadius = useRef<number | null>(null);
  const saveRadius = useCallback(
    (metres: number) => {
      pendingRadius.current = null;
      call(api.PUT('/api/me/radius', { body: { radiusM: metres } }))
        .then((user) => {
          setUser(user);
          setSaved(`Feed radius set to ${formatKm(metres)}.`);
        })
        .catch((err: unknown) => {
          setError(toApiError(err));
        });
    },
    [setUser],
  );
  const changeRadius = (metres: number) => {
    setRadius(metres);
    window.clearTimeout(radiusTimer.current);
    if (!me.home) return;
    pendingRadius.current = metres;
    radiusTimer.current = window.setTimeout(() => {
      saveRadius(metres);
    }, 500);
  };
  useEffect(
    () => () => {
      window.clearTimeout(radiusTimer.current);
      if (pendingRadius.current !== null) saveRadius(pendingRadius.current);
    },
    [saveRadius],
  );

  const submitCoords = (e: SubmitEvent) => {
    e.preventDefault();
    const point = parseCoordinates(coords);
    if (!point) {
      setError(
        localError(
          'Check the coordinates',
          'Enter a latitude between −85 and 85 and a longitude between −180 and 180.',
        ),
      );
      return;
    }
    propose(point);
  };

  const locate = () => {
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        propose({ lat: pos.coords.latitude, lng: pos.coords.longitude });
      },
      (err) => {
        setLocating(false);
        setError(localError('No location', locationRefusal(err)));
      },
      { enableHighAccuracy: false, timeout: 15_000 },
    );
  };

  return (
    <div className="home-layout">
      <div className="page-head">
        <h1>Your home area</h1>
        {query.get('welcome') ? (
          <p className="lead">Welcome to Porchlight! Set your home to see what’s happening around you.</p>
        ) : (
          <p className="muted">Your feed and live alerts cover the area around your home.</p>
        )}
      </div>
      <div className="home-layout__grid">
        <div className="card card--flush">
          <LazyAreaMap
            label="Map of your home area. Click to pick your home; you confirm before it is saved."
            home={me.home}
            radiusM={radius}
            pick={candidate?.point ?? null}
            onPick={(p) => {
              propose(p);
            }}
          />
          <p className="map-caption muted">
            {!isBuiltIn(mapStyle)
              ? 'Click the map to pick your home; you confirm it before it is saved.'
              : 'This server uses the built-in world map (countries and coastlines, no streets). Zoom in and click, search an address, type coordinates or use your location; you confirm before anything is saved.'}
          </p>
        </div>
        <div className="stack">
          {candidate ? (
            <HomeConfirm
              candidate={candidate}
              changing={me.home !== null}
              saving={saving}
              onConfirm={() => void saveHome(candidate.point)}
              onCancel={() => {
                setCandidate(null);
              }}
            />
          ) : null}
          <div className="card">
            <h2>Home</h2>
            {me.home ? (
              <p>
                Set. Others only ever see the highlighted cell, about a block wide (
                <code className="cell-id">{me.home.cell}</code>).
              </p>
            ) : (
              <p>Not set yet.</p>
            )}
            <div aria-live="polite">{saved ? <p className="success">{saved}</p> : null}</div>
            <ProblemAlert error={error} focus={false} />
            {search ? (
              <AddressSearch
                onChoose={(place) => {
                  propose({ lat: place.lat, lng: place.lng }, place.name);
                }}
              />
            ) : null}
            <form onSubmit={submitCoords} noValidate aria-label="Set home by coordinates">
              <CoordinateInputs value={coords} onChange={setCoords} />
              <div className="form-actions form-actions--start">
                <button type="submit" className="button button--primary">
                  Check this place
                </button>
                {'geolocation' in navigator ? (
                  <button type="button" className="button" onClick={locate} disabled={locating}>
                    {locating ? 'Locating…' : 'Use my location'}
                  </button>
                ) : null}
              </div>
            </form>
          </div>
          <div className="card">
            <RadiusSlider value={radius} onChange={changeRadius} />
            {me.home ? (
              <p>
                <Link to="/">See your feed →</Link>
              </p>
            ) : null}
          </div>
          <div className="card card--muted">
            <h2>What neighbours see</h2>
            <p>
              Your exact point stays on the server and is only used to match posts to your radius. Everyone
              else, including moderators and agencies, sees at most the cell it falls in.
            </p>
          </div>
        </div>
      </div>
    </div>
  );
}
