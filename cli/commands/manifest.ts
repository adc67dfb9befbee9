/**
 * @module cli/commands/manifest
 * `riskgate manifest`: writes a site owner's web app manifest, so the installed app carries the
 * site's name and icons and opens the site's own page (not the widget's folder).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { type ManifestIcon, webAppManifest, widgetIcons } from '../../core/offline/web-app-manifest.js';

export const MANIFEST_HELP = `riskgate manifest --name NAME --out FILE [--short-name S] [--start-url /] [--scope /]
                  [--widget-url /riskgate/] [--icon URL=WxH ...] [--description D] [--theme-color C]
                  [--background-color C]
  Writes the web app manifest of a site's own installable app (docs/widget.md, "Your own app").
  Icons default to the widget's (192, 512, svg) under --widget-url; --icon URL=WxH (PNG) replaces
  them. The start URL must lie inside the scope; a 192 and a 512 PNG icon are required.`;

function parseIcon(spec: string): ManifestIcon {
  const at = spec.lastIndexOf('=');
  const [src, sizes] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, ''];
  if (!/^\d+x\d+$/.test(sizes)) throw new RouterError('invalid_request', `--icon ${spec}: expected URL=WxH`);
  return { src, sizes, type: src.endsWith('.svg') ? 'image/svg+xml' : 'image/png' };
}

export async function manifest(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: 'string' },
      'short-name': { type: 'string' },
      description: { type: 'string' },
      'start-url': { type: 'string', default: '/' },
      scope: { type: 'string', default: '/' },
      'widget-url': { type: 'string', default: '/riskgate/' },
      icon: { type: 'string', multiple: true },
      'theme-color': { type: 'string' },
      'background-color': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.name || !values.out) throw new RouterError('invalid_request', '--name and --out are required');
  const written = webAppManifest({
    name: values.name,
    ...(values['short-name'] ? { shortName: values['short-name'] } : {}),
    ...(values.description ? { description: values.description } : {}),
    startUrl: values['start-url'],
    scope: values.scope,
    icons: values.icon?.length ? values.icon.map(parseIcon) : widgetIcons(values['widget-url']),
    ...(values['theme-color'] ? { themeColor: values['theme-color'] } : {}),
    ...(values['background-color'] ? { backgroundColor: values['background-color'] } : {}),
  });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(written, null, 2)}\n`);
  console.log(`manifest: "${written.name}" starts at ${written.start_url} (scope ${written.scope}) → ${out}`);
}
