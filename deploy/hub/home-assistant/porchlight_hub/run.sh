#!/usr/bin/with-contenv bashio
# Pairs with the code and fingerprint from the add-on options (copied from Porchlight, Vault → Hubs) whenever a
# new code is entered — also how the hub is paired again after a vault key rotation — then runs the hub with
# /config/hub.json. State (device token, pinned vault key, ref secret, journal) stays in the private /data.
set -e
export PORCHLIGHT_HUB_STATE=/data/porchlight-hub
used="${PORCHLIGHT_HUB_STATE}/.pairing-code-used"

code=""
bashio::config.has_value 'pairing_code' && code="$(bashio::config 'pairing_code')"
if [ -n "${code}" ] && [ "${code}" != "$(cat "${used}" 2>/dev/null || true)" ]; then
  bashio::config.has_value 'fingerprint' ||
    bashio::exit.nok "Copy the fingerprint shown with the pairing code (Vault → Hubs) into the options too."
  porchlight-hub pair --server "$(bashio::config 'server')" --code "${code}" \
    --fingerprint "$(bashio::config 'fingerprint')" --name "Home Assistant"
  printf '%s' "${code}" > "${used}"
fi
if [ ! -f "${PORCHLIGHT_HUB_STATE}/device.json" ]; then
  bashio::exit.nok "Not paired: copy a pairing code and the fingerprint from Porchlight (Vault → Hubs) into the options."
fi
if [ ! -f /config/hub.json ]; then
  bashio::exit.nok "Write the hub's sources to hub.json in this add-on's config folder (porchlight-hub run --help shows the format)."
fi
exec porchlight-hub run --config /config/hub.json
