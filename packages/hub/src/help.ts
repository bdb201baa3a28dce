import { HOME_ASSISTANT_YAML } from './sources/homeassistant.js';

/** `porchlight-hub run --help`: the config file and every source. */
export const RUN_HELP = `
The config file is JSON: {"sources": [ ... ], "encoder"?: {...}, "retryBaseMs"?: 5000, "autoBlur"?: {...}}.
Camera ids are the Porchlight camera ids (ca_…) shown in the web app (Vault → Cameras) and by
\`porchlight-hub status\`. An old numeric id (from before ca_… ids) is refused with a message saying so.
At start and whenever the file is saved (or on SIGHUP) the hub checks it, checks its token and that every
camera id is yours with the server, and warns about Frigate camera names Frigate does not have. A valid change
applies without a restart — changed sources restart, the others and the clip in progress go on — and one line
says what changed; an invalid one is explained and not applied (the hub keeps its previous config); a revoked
token stops the hub (exit code 2).

Sources

  frigate — review items from Frigate 0.14–0.18
    {"type": "frigate",
     "url": "http://frigate.local:5000",          Frigate's HTTP API (version read from /api/version)
     "mqtt": "mqtt://broker.local:1883",          optional: listen to <topicPrefix>/reviews for ended reviews
     "topicPrefix": "frigate",                    optional (default "frigate")
     "cameras": {"front_door": "<camera id>"},    Frigate camera name → Porchlight camera id
     "severity": ["alert", "detection"],          optional filter (default both)
     "pollSeconds": 60,                           optional: poll /api/review (default 60; 300 with MQTT; 0 = off)
     "lookbackMinutes": 10,                       optional: on the first start, also take reviews that ended this recently
     "clipRetryDelays": [2000, 4000, 8000]}       optional: waits (ms) for Frigate's last segment (default 2 s … 60 s)
    Clips come from /api/<camera>/start/<start>/end/<end>/clip.mp4 (0.14–0.17) or
    /api/review/<id>/clip.mp4 (0.18+), once /api/<camera>/recordings reaches the review's end. While it does
    not, the hub looks again after each clipRetryDelays step (starting over whenever the recording grew); if
    it never does, the clip is uploaded as far as it goes and marked partial. Network errors are retried
    with their own backoff and never make a clip partial.

  homeassistant — a webhook for Home Assistant's rest_command; triggers an rtsp camera or a Frigate event
    {"type": "homeassistant", "listen": "0.0.0.0:8765", "path": "/porchlight", "token": "<16+ char secret>"}
    POST <path> with "Authorization: Bearer <token>" and {"camera": "<rtsp name or camera id>", "seconds"?: 20}
    → 202. An rtsp camera of that name starts recording; a camera in a frigate source's "cameras" map gets a
    Frigate event (POST /api/events/<camera>/porchlight/create), whose review is then uploaded as usual.
    Home Assistant configuration:

${HOME_ASSISTANT_YAML.replace(/^(?=.)/gm, '      ')}

  rtsp — record an RTSP camera with ffmpeg when triggered
    {"type": "rtsp", "camera": "<camera id>", "name": "front_door", "url": "rtsp://user:pass@cam/stream1",
     "seconds": 20, "trigger": "homeassistant"}    trigger "homeassistant" (default) or "interval" + "everySeconds"

  folder — a folder a camera drops clips into (FTP/SMB share)
    {"type": "folder", "path": "/srv/camera-clips", "camera": "<camera id>", "pattern": "*.mp4", "stableMs": 2000}
    A file is taken when its size has been stable for stableMs; files are read, never deleted. Unreadable
    files are reported and skipped.

Encoder (privacy-zone burn-in, H.264): "encoder": {"preset": "veryfast", "crf": 23}

Auto-blur at ingest, per camera: "autoBlur": {"<camera id>": {"faces": true, "plates": true, "blur": "pixelate"}}
  Faces (BlazeFace) and licence plates (Debian's opencv-data cascade; install that package) the hub finds,
  offline, are blurred after the zones and before encryption. Options: faces, plates (true/false, at least
  one true), blur ("gaussian" | "pixelate" | "solid"), padding (0-1, default 0.2), sampleFps (1-15; default
  4 for faces, 2 for plates).

Every clip: privacy zones of its camera (from the server) are burned in as black, the video is encrypted to
the owner's age recipient, uploaded over tus (resumable), and tracked in <state dir>/journal.json so a restart
resumes where it stopped without uploading anything twice.
`;
