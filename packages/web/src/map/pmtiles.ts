import { layers, namedFlavor } from '@protomaps/basemaps';
import { addProtocol, type StyleSpecification } from 'maplibre-gl';
import { Protocol } from 'pmtiles';

let registered = false;

/**
 * The street basemap the server serves from one PMTiles file (`MAP_PMTILES_PATH`), drawn with the Protomaps
 * `light` style. Tiles are read with HTTP range requests to this origin through the `pmtiles://` protocol.
 * Only the label-free layers are used: labels need glyph fonts and sprites that the npm package does not ship,
 * and the built-in map must not fetch anything from the internet.
 */
export function pmtilesStyle(path: string, origin = window.location.origin): StyleSpecification {
  if (!registered) {
    addProtocol('pmtiles', new Protocol().tile);
    registered = true;
  }
  return {
    version: 8,
    name: 'Protomaps basemap (served by this Porchlight server)',
    sources: { protomaps: { type: 'vector', url: `pmtiles://${origin}${path}` } },
    layers: layers('protomaps', namedFlavor('light')),
  };
}
