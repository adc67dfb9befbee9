/**
 * @module e2e/fixtures
 * Shared helpers for the journeys: open the app with a configured widget and collect its events.
 */
import type { Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { E2E_PROXY_PORT } from '../playwright.config.js';
import { STAND_IN_GATE_DIR } from '../node/paths.js';

export const PROXY_URL = `http://localhost:${E2E_PROXY_PORT}`;

export type WidgetAttributes = Partial<
  Record<
    | 'endpoint'
    | 'cost-weight'
    | 'risk-level'
    | 'mode'
    | 'max-tokens'
    | 'backend'
    | 'welcome'
    | 'starters'
    | 'system-prompt',
    string
  >
>;

/** Opens the demo page, configures its widget, records every riskgate-* event, waits for ready. */
export async function openChat(page: Page, attributes: WidgetAttributes = {}): Promise<void> {
  await page.goto('/');
  await page.evaluate(async (attrs) => {
    const el = document.querySelector('riskgate-chat')!;
    for (const [k, v] of Object.entries({ endpoint: 'http://localhost:8788', ...attrs }))
      el.setAttribute(k, v as string);
    const w = window as unknown as { events: { type: string; detail: unknown }[] };
    w.events = [];
    for (const type of [
      'riskgate-decision',
      'riskgate-token',
      'riskgate-done',
      'riskgate-error',
      'riskgate-queued',
      'riskgate-delivered',
      'riskgate-feedback',
    ]) {
      document.addEventListener(type, (e) => w.events.push({ type, detail: (e as CustomEvent).detail }));
    }
    await el.ready;
  }, attributes);
}

export type SendOutcome =
  | {
      ok: true;
      path: string;
      text: string;
      model: string;
      finishReason: string;
      queued?: string;
      decision: { path: string; score: number; threshold: number; thresholdsSource: string };
    }
  | { ok: false; code: string };

export function send(page: Page, text: string): Promise<SendOutcome> {
  return page.evaluate(async (t) => {
    const el = document.querySelector('riskgate-chat')!;
    try {
      const r = await el.send(t);
      return {
        ok: true as const,
        path: r.path,
        text: r.text,
        model: r.model,
        finishReason: r.finishReason,
        decision: r.decision,
        ...(r.queued ? { queued: r.queued } : {}),
      };
    } catch (e) {
      return { ok: false as const, code: (e as { code: string }).code };
    }
  }, text);
}

export function events(page: Page): Promise<{ type: string; detail: Record<string, unknown> }[]> {
  return page.evaluate(
    () => (window as unknown as { events: { type: string; detail: Record<string, unknown> }[] }).events,
  );
}

/**
 * A fresh <riskgate-chat> with its attributes set before it connects (the backend is read once).
 * Its conversation is not kept (`conversation=""`), so a second mount starts empty.
 */
export async function mount(page: Page, attributes: Record<string, string>) {
  await page.goto('/');
  return page.evaluate(async (attrs) => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    for (const [k, v] of Object.entries({ conversation: '', ...attrs })) el.setAttribute(k, v);
    document.body.append(el);
    const ready = await el.ready;
    await el.updateComplete;
    const caps = el.capabilities!;
    return {
      caps: JSON.parse(JSON.stringify(caps)),
      frozen: Object.isFrozen(caps) && Object.isFrozen(caps.webgpu),
      status: el.shadowRoot!.querySelector('.status')!.textContent ?? '',
      options: { costModel: ready.costModel, costModelNotice: ready.costModelNotice, riskControl: ready.riskControl },
    };
  }, attributes);
}

/** Serves the demo page without COOP/COEP: not cross-origin isolated, so no SharedArrayBuffer. */
export async function withoutIsolation(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      const headers = Object.fromEntries(
        Object.entries(response.headers()).filter(([k]) => !k.startsWith('cross-origin-')),
      );
      await route.fulfill({ response, headers });
    },
  );
}

/**
 * Serves the stand-in gate (node/paths.ts: stories260K's hidden state, labelled by Mixtral vs GPT-4,
 * marginal CRC) in place of the shipped one, for the journeys of the threshold mechanisms, which
 * need certified points. The widget must then be mounted with `gate-labels="any"`: by default the
 * worker refuses a gate fitted to another model's answers (that refusal has its own journey).
 */
export async function useStandInGate(page: Page): Promise<void> {
  const file = (name: string) => readFileSync(resolve(STAND_IN_GATE_DIR, name));
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const gate = file('gate.onnx');
  const thresholds = file('thresholds.json');
  await page.route('**/models/manifest.json', async (route) => {
    const response = await route.fetch();
    const manifest = (await response.json()) as { gate: { sha256: string }; thresholds: { sha256: string } };
    manifest.gate.sha256 = sha(gate);
    manifest.thresholds.sha256 = sha(thresholds);
    await route.fulfill({ response, json: manifest });
  });
  const serve = (name: string, body: Buffer, contentType: string) =>
    page.route(`**/models/${name}`, (route) =>
      route.fulfill({ body, contentType, headers: { 'cross-origin-resource-policy': 'cross-origin' } }),
    );
  await serve('gate.onnx', gate, 'application/octet-stream');
  await serve('thresholds.json', thresholds, 'application/json');
  await serve('thresholds.calibration-set.json', file('thresholds.calibration-set.json'), 'application/json');
}

/**
 * What an edge would stream for one answer of `model`: the text as one delta, then `stop` and
 * [DONE], with CORS open, for `route.fulfill` in journeys that stand in for the proxy.
 */
export function edgeAnswer(model: string, text: string) {
  const chunk = (choice: object) =>
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, ...choice }] })}\n\n`;
  return {
    contentType: 'text/event-stream',
    headers: { 'access-control-allow-origin': '*' },
    body: `${chunk({ delta: { content: text } })}${chunk({ delta: {}, finish_reason: 'stop' })}data: [DONE]\n\n`,
  };
}
