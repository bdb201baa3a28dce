/** What a refused or failed location request means for the person, in words rather than the browser's. */
export function locationRefusal(err: Pick<GeolocationPositionError, 'code'>): string {
  switch (err.code) {
    case 1: // PERMISSION_DENIED
      return 'Your browser did not share your location. Allow it in the browser’s site settings, or search for your address or click the map instead.';
    case 3: // TIMEOUT
      return 'Finding your location took too long. Try again, or search for your address or click the map instead.';
    default: // POSITION_UNAVAILABLE
      return 'Your device could not tell where it is right now. Search for your address or click the map instead.';
  }
}
