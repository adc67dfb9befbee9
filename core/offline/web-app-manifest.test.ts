import { describe, expect, it } from 'vitest';
import { webAppManifest, widgetIcons } from './web-app-manifest.js';

const site = {
  name: 'Shop assistant',
  shortName: 'Shop',
  startUrl: '/help/',
  scope: '/',
  icons: widgetIcons('/riskgate/'),
};

describe('webAppManifest', () => {
  it("a site's app: its name, start page, scope and icons, with the start page as the app's id", () => {
    const m = webAppManifest(site);
    expect(m).toMatchObject({
      name: 'Shop assistant',
      short_name: 'Shop',
      start_url: '/help/',
      scope: '/',
      id: '/help/',
    });
    expect(m.display).toBe('standalone');
    expect(m.icons.map((i) => i.src)).toEqual([
      '/riskgate/icons/icon-192.png',
      '/riskgate/icons/icon-512.png',
      '/riskgate/icons/icon.svg',
    ]);
  });

  it('refuses a start page outside the scope (the app would open in a browser tab)', () => {
    expect(() => webAppManifest({ ...site, startUrl: '/', scope: '/help/' })).toThrow(/outside scope/);
    expect(() => webAppManifest({ ...site, startUrl: 'https://other.example/', scope: '/' })).toThrow(/outside scope/);
    expect(webAppManifest({ ...site, startUrl: './', scope: './' }).start_url).toBe('./');
  });

  it('refuses what Chromium would not install, naming what is missing', () => {
    expect(() => webAppManifest({ ...site, icons: site.icons.filter((i) => i.sizes !== '512x512') })).toThrow(
      /512x512 PNG icon/,
    );
    expect(() => webAppManifest({ ...site, name: '  ' })).toThrow(/name must not be empty/);
    expect(() => webAppManifest({ ...site, shortName: undefined, name: 'A very long shop name' })).toThrow(
      /short name/,
    );
    expect(webAppManifest({ ...site, shortName: undefined, name: 'Shop' }).short_name).toBe('Shop');
    try {
      webAppManifest({ ...site, name: '' });
    } catch (e) {
      expect((e as { code: string }).code).toBe('invalid_request');
    }
  });
});
