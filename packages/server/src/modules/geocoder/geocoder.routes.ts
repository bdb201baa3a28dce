import { Type } from 'typebox';
import { Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { GeocoderService } from './geocoder.service.js';

const PlaceSchema = Obj(
  {
    name: Type.String({ description: 'Human-readable name, most specific part first' }),
    lat: Type.Number(),
    lng: Type.Number(),
  },
  { description: 'A place the geocoder knows' },
);

const SearchQuery = Obj({
  q: Type.String({ minLength: 1, maxLength: 200, description: 'Free-text address or place name' }),
});

const ReverseQuery = Obj({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
});

/** `/api/geocode` and `/api/geocode/reverse`: 404 `geocoder_not_configured` when there is no GEOCODER_URL. */
export function geocoderRoutes(app: App, geocoder: GeocoderService): void {
  app.get(
    '/api/geocode',
    {
      schema: {
        operationId: 'geocode',
        tags: ['geocoder'],
        summary: 'Search an address through the configured geocoder (signed in)',
        querystring: SearchQuery,
        response: responses(200, Obj({ results: Type.Array(PlaceSchema) }), 401, 404, 502),
      },
    },
    (request) => geocoder.search(request.viewer, request.query.q),
  );

  app.get(
    '/api/geocode/reverse',
    {
      schema: {
        operationId: 'reverseGeocode',
        tags: ['geocoder'],
        summary: 'The name of the place at a point (signed in)',
        querystring: ReverseQuery,
        response: responses(200, Obj({ place: Type.Union([PlaceSchema, Type.Null()]) }), 401, 404, 502),
      },
    },
    (request) => geocoder.reverse(request.viewer, request.query.lat, request.query.lng),
  );
}
