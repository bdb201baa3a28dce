/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** A MapLibre style URL baked in at build time; `window.PORCHLIGHT_MAP_STYLE` overrides it at run time. */
  readonly VITE_MAP_STYLE_URL?: string;
}
