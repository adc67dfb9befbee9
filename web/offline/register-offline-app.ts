/**
 * @module offline/register-offline-app
 * Makes the page an offline-first app: registers the widget's service worker (workbox-window),
 * caches the page itself for the next offline visit, and, when a new deployment is waiting,
 * offers it in every `<riskgate-chat>` ("Reload to update"): the update is applied only when the
 * visitor asks and no answer is being produced, and the conversation, kept in IndexedDB, is back
 * after the reload.
 */
import { Workbox } from 'workbox-window';

export type OfflineAppOptions = {
  /** The service worker's scope; a page outside the widget's folder needs `Service-Worker-Allowed` on sw.js. */
  readonly scope?: string;
  /** Pages kept for offline visits besides this one, e.g. the installed app's start page. */
  readonly pages?: readonly string[];
};

export const PAGES_CACHE = 'riskgate-pages';

type UpdatableChat = HTMLElement & { updateAvailable: (() => void) | undefined; whenIdle(): Promise<void> };

export async function registerServiceWorker(
  swUrl: string,
  options: OfflineAppOptions = {},
): Promise<Workbox | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  const workbox = new Workbox(swUrl, options.scope ? { scope: options.scope } : {});
  workbox.addEventListener('waiting', () => {
    const apply = () => {
      workbox.addEventListener('controlling', () => location.reload());
      workbox.messageSkipWaiting();
    };
    for (const chat of document.querySelectorAll<UpdatableChat>('riskgate-chat')) {
      chat.updateAvailable = () => {
        chat.updateAvailable = undefined;
        void chat.whenIdle().then(apply);
      };
    }
  });
  await workbox.register();
  // The first visit's navigation was not the worker's to cache: keep this page for offline visits.
  const pages = [location.href, ...(options.pages ?? []).map((p) => new URL(p, location.href).href)];
  // One by one: a page that fails to load must not keep the others out.
  await caches
    .open(PAGES_CACHE)
    .then((cache) => Promise.all([...new Set(pages)].map((page) => cache.add(page).catch(() => undefined))))
    .catch(() => undefined);
  return workbox;
}
