/**
 * @module offline/web-app-manifest
 * The installable app's manifest, for our demo page (vite.config.ts) and for a site owner's own app
 * (`riskgate manifest`): name, start page, scope and icons are theirs. Checked here so a manifest
 * that Chromium would refuse to install, or that starts outside its own scope, is a clear
 * `invalid_request` at build time rather than a silent "not installable" on the visitor's device.
 */
import { RouterError } from '../errors.js';

export type ManifestIcon = {
  readonly src: string;
  readonly sizes: string;
  readonly type: string;
  readonly purpose?: string;
};

export type WebAppOptions = {
  readonly name: string;
  /** Under the icon on a home screen; defaults to `name` when that is 12 characters or fewer. */
  readonly shortName?: string;
  readonly description?: string;
  /** The page the installed app opens (relative to the manifest's URL, or site-absolute). */
  readonly startUrl: string;
  /** Which URLs belong to the app; `startUrl` must be inside it. */
  readonly scope: string;
  readonly icons: readonly ManifestIcon[];
  readonly themeColor?: string;
  readonly backgroundColor?: string;
};

export type WebAppManifest = {
  readonly name: string;
  readonly short_name: string;
  readonly description?: string;
  readonly id: string;
  readonly start_url: string;
  readonly scope: string;
  readonly display: 'standalone';
  readonly background_color?: string;
  readonly theme_color?: string;
  readonly icons: readonly ManifestIcon[];
};

/** Chromium installs an app only with an icon of at least 144 px; stores and splash screens want 192 and 512. */
const NEEDED_SIZES = ['192x192', '512x512'];

const refuse = (message: string): never => {
  throw new RouterError('invalid_request', `manifest: ${message}`);
};

/** A URL's kind (absolute, site-absolute or relative to the manifest) and its path, `./` dropped. */
function parts(url: string): { kind: 'absolute' | 'site' | 'relative'; path: string } {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return { kind: 'absolute', path: url };
  if (url.startsWith('/')) return { kind: 'site', path: url };
  return { kind: 'relative', path: url.replace(/^(\.\/)+/, '') };
}

/** The start page lies inside the scope: both are written the same way and the scope is a prefix of it. */
function inScope(startUrl: string, scope: string): boolean {
  const start = parts(startUrl);
  const within = parts(scope);
  return start.kind === within.kind && start.path.startsWith(within.path);
}

export function webAppManifest(o: WebAppOptions): WebAppManifest {
  const name = o.name.trim();
  if (!name) refuse('name must not be empty');
  const shortName = (o.shortName ?? (name.length <= 12 ? name : '')).trim();
  if (!shortName) refuse(`short name needed: "${name}" is longer than 12 characters`);
  if (!inScope(o.startUrl, o.scope))
    refuse(`start URL ${o.startUrl} is outside scope ${o.scope}: the installed app would open in a browser tab`);
  for (const size of NEEDED_SIZES)
    if (!o.icons.some((i) => i.type === 'image/png' && i.sizes.split(/\s+/).includes(size)))
      refuse(`a ${size} PNG icon is needed to install`);
  return {
    name,
    short_name: shortName,
    ...(o.description ? { description: o.description } : {}),
    // The app's identity is its start page: two apps of one site differ by where they start.
    id: o.startUrl,
    start_url: o.startUrl,
    scope: o.scope,
    display: 'standalone',
    ...(o.backgroundColor ? { background_color: o.backgroundColor } : {}),
    ...(o.themeColor ? { theme_color: o.themeColor } : {}),
    icons: o.icons,
  };
}

/** The widget's own icons (in dist/icons/), as a site's manifest names them from where the widget is served. */
export function widgetIcons(widgetUrl: string): ManifestIcon[] {
  const base = widgetUrl.endsWith('/') ? widgetUrl : `${widgetUrl}/`;
  return [
    { src: `${base}icons/icon-192.png`, sizes: '192x192', type: 'image/png' },
    { src: `${base}icons/icon-512.png`, sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: `${base}icons/icon.svg`, sizes: 'any', type: 'image/svg+xml' },
  ];
}
