import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One address the local geocoder knows. */
export interface Gazetteer {
  name?: string;
  street?: string;
  housenumber?: string;
  postcode?: string;
  city?: string;
  state?: string;
  country: string;
  lat: number;
  lng: number;
}

/** A few real Portland places (the demo neighbourhood) and one far away, for search and reverse lookups. */
export const PLACES: Gazetteer[] = [
  {
    name: 'Pioneer Courthouse Square',
    street: 'SW Broadway',
    housenumber: '701',
    postcode: '97205',
    city: 'Portland',
    state: 'Oregon',
    country: 'United States',
    lat: 45.5189,
    lng: -122.6793,
  },
  {
    street: 'SE Hawthorne Blvd',
    housenumber: '3200',
    postcode: '97214',
    city: 'Portland',
    state: 'Oregon',
    country: 'United States',
    lat: 45.512,
    lng: -122.6315,
  },
  { name: 'Rynek Główny', city: 'Kraków', country: 'Poland', lat: 50.0617, lng: 19.9373 },
];

export interface FakeGeocoder {
  url: string;
  /** Every request path with its query, in order. */
  requests: string[];
  /** Answer every request with this HTTP status instead (e.g. 500), or 0 to behave. */
  failWith: number;
  close(): Promise<void>;
}

const text = (p: Gazetteer): string =>
  [p.name, p.street, p.housenumber, p.postcode, p.city, p.state, p.country]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();

const photonFeature = ({ lat, lng, ...properties }: Gazetteer) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lng, lat] },
  properties: { osm_type: 'N', ...properties },
});

const nominatimResult = (p: Gazetteer) => ({
  lat: String(p.lat),
  lon: String(p.lng),
  display_name: [
    p.name,
    [p.housenumber, p.street].filter(Boolean).join(' '),
    p.city,
    p.state,
    p.postcode,
    p.country,
  ]
    .filter(Boolean)
    .join(', '),
});

/**
 * A real HTTP server on a free local port speaking Photon's (`/api`, `/reverse`) or Nominatim's (`/search`,
 * `/reverse?format=jsonv2`) API over {@link PLACES}: search matches every word of `q`; reverse answers the
 * nearest place within about 5 km, or nothing.
 */
export async function startFakeGeocoder(kind: 'photon' | 'nominatim' = 'photon'): Promise<FakeGeocoder> {
  const fake: FakeGeocoder = { url: '', requests: [], failWith: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    fake.requests.push(url.pathname + url.search);
    const send = (status: number, body: unknown): http.ServerResponse =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (fake.failWith) return send(fake.failWith, { message: 'upstream broken' });
    const limit = Number(url.searchParams.get('limit') ?? 10);
    if (url.pathname === (kind === 'photon' ? '/api' : '/search')) {
      const words = (url.searchParams.get('q') ?? '')
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(Boolean);
      const hits = PLACES.filter((p) => words.every((w) => text(p).includes(w))).slice(0, limit);
      return kind === 'photon'
        ? send(200, { type: 'FeatureCollection', features: hits.map(photonFeature) })
        : send(200, hits.map(nominatimResult));
    }
    if (url.pathname === '/reverse') {
      const lat = Number(url.searchParams.get('lat'));
      const lng = Number(url.searchParams.get('lon'));
      const near = PLACES.map((p) => ({
        p,
        d: Math.hypot(p.lat - lat, (p.lng - lng) * Math.cos((lat * Math.PI) / 180)),
      }))
        .filter(({ d }) => d < 0.05)
        .sort((a, b) => a.d - b.d)[0]?.p;
      if (kind === 'photon')
        return send(200, { type: 'FeatureCollection', features: near ? [photonFeature(near)] : [] });
      return near ? send(200, nominatimResult(near)) : send(200, { error: 'Unable to geocode' });
    }
    send(404, { message: 'no such endpoint' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  return fake;
}
