import { expect, test } from '@playwright/test';
import { events, openChat, send, useStandInGate } from './fixtures.js';

// What visitors' reports and the page's checks do to the operating point: "Not good enough?",
// the adaptive threshold (adapt-threshold="feedback") and the per-cluster thresholds.
test('"Not good enough?" on a local answer asks the larger model now: both answers stay, and the page gets the feedback', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '12' });
  const local = await send(page, 'Once upon a time');
  expect(local).toMatchObject({ ok: true, path: 'local' });
  const first = page.locator('riskgate-chat li.assistant').first();
  const ask = first.getByRole('button', { name: 'Not good enough? Ask the larger model' });
  await ask.click();
  const second = page.locator('riskgate-chat li.assistant').nth(1);
  await expect(second.locator('.text')).not.toBeEmpty();
  await expect(second).toContainText('Answered by'); // the edge's badge, under the device's answer
  await expect(ask).toHaveCount(0); // asked once
  await expect(first.locator('.text')).toHaveText((local as { text: string }).text.trim());
  // The feedback comes once the edge's answer has finished.
  const feedbackOf = async () =>
    (await events(page))
      .filter((e) => e.type === 'riskgate-feedback')
      .map((e) => e.detail as { prompt: string; local: string; edge: string; decision: { path: string } });
  await expect.poll(async () => (await feedbackOf()).length).toBe(1);
  const feedback = await feedbackOf();
  expect(feedback[0]).toMatchObject({
    prompt: 'Once upon a time',
    local: (local as { text: string }).text,
    decision: { path: 'local' },
  });
  expect(feedback[0]!.edge.length).toBeGreaterThan(0);
  const decisions = (await events(page))
    .filter((e) => e.type === 'riskgate-decision')
    .map((e) => e.detail as { path: string; reason: string });
  expect(decisions.map((d) => d.path)).toEqual(['local', 'edge']);
  // One prompt, answered in the end by the larger model: nothing was kept off the server.
  await expect(page.locator('riskgate-chat footer .tally')).toHaveText('Answered on this device: 0 of 1');
});

test.describe(() => {
  // The stand-in gate is served by page.route, which a service worker's own fetches bypass (the reload).
  test.use({ serviceWorkers: 'block' });
  test('with adapt-threshold="feedback", "Not good enough?" on an answer the gate kept here raises the stored threshold, which survives a reload', async ({
    page,
  }) => {
    await useStandInGate(page); // certified points to adapt (the shipped stories260K gate certifies none)
    const openAdaptive = async () => {
      await page.goto('/');
      await page.evaluate(async () => {
        document.querySelector('riskgate-chat')?.remove();
        const el = document.createElement('riskgate-chat');
        for (const [k, v] of Object.entries({
          endpoint: 'http://localhost:8788',
          'adapt-threshold': 'feedback',
          'gate-labels': 'any',
          'cost-weight': '8',
          'risk-level': '0.3',
          'max-tokens': '8',
        }))
          el.setAttribute(k, v);
        document.body.append(el);
        const w = window as unknown as { events: { type: string; detail: unknown }[] };
        w.events = [];
        for (const type of ['riskgate-decision', 'riskgate-done', 'riskgate-feedback', 'riskgate-threshold'])
          document.addEventListener(type, (e) => w.events.push({ type, detail: (e as CustomEvent).detail }));
        await el.ready;
      });
    };
    const stored = () =>
      page.evaluate(async () => {
        const gate = (await document.querySelector('riskgate-chat')!.ready).gateSha256;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('keyval-store');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const value = await new Promise<unknown>((resolve) => {
          const r = db.transaction('keyval').objectStore('keyval').get(`riskgate:online:${gate}`);
          r.onsuccess = () => resolve(r.result);
        });
        db.close();
        return (
          value as
            | {
                points: Record<
                  string,
                  {
                    state: {
                      threshold: number;
                      steps: number;
                      falseAcceptances: number;
                      stepSize: number;
                      riskLevel: number;
                    };
                  }
                >;
              }
            | undefined
        )?.points['[8,0.3,null]']?.state;
      });
    await openAdaptive();
    // The gate keeps the first of these it scores above τ(8, 0.3) on the device.
    let local: { decision: { id: string; threshold: number; calibratedThreshold: number; reason: string } } | undefined;
    for (const prompt of [
      'Once upon a time',
      'Lily and Ben went to the park.',
      'The cat sat on the mat.',
      'Tom had a big red ball.',
    ]) {
      const r = (await send(page, prompt)) as unknown as {
        ok: boolean;
        path: string;
        decision: { id: string; threshold: number; calibratedThreshold: number; reason: string };
      };
      expect(r.ok).toBe(true);
      if (r.path === 'local') {
        local = r;
        break;
      }
    }
    expect(local, 'one of the prompts is answered on the device at the most accepting operating point').toBeDefined();
    expect(local!.decision.reason).toBe('gate');
    const before = (await stored())!;
    expect(before.steps).toBeGreaterThanOrEqual(1);
    expect(before.falseAcceptances).toBe(0);
    // Each silent gate decision lowered τ by γα from the calibrated one.
    expect(before.threshold).toBeCloseTo(local!.decision.calibratedThreshold - before.steps * before.stepSize * 0.3, 9);

    await page.getByRole('button', { name: 'Not good enough? Ask the larger model' }).first().click();
    // The edge answers, and the report moves τ up by γ (the step corrected from err 0 to err 1).
    await expect.poll(async () => (await events(page)).filter((e) => e.type === 'riskgate-threshold').length).toBe(1);
    const after = (await stored())!;
    expect(after.falseAcceptances).toBe(1);
    expect(after.threshold).toBeCloseTo(before.threshold + before.stepSize, 9);
    const moved = (await events(page)).find((e) => e.type === 'riskgate-threshold')!.detail;
    expect(moved).toMatchObject({ costWeight: 8, riskLevel: 0.3, reportedShortfalls: 1, threshold: after.threshold });
    await expect(page.locator('riskgate-chat .operating-point .adapted')).toContainText(
      '1 answer reported as not good enough',
    );
    await page.screenshot({ path: 'test-results/adaptive-threshold.png' });

    // Reloaded, the widget routes with the adapted τ and still says so.
    await openAdaptive();
    await expect(page.locator('riskgate-chat .operating-point .adapted')).toContainText(
      '1 answer reported as not good enough',
    );
    const next = (await send(page, 'The dog ran fast.')) as unknown as {
      decision: { threshold: number; calibratedThreshold: number };
    };
    expect(next.decision.threshold).toBeCloseTo(after.threshold, 9);
    expect(next.decision.calibratedThreshold).toBe(local!.decision.calibratedThreshold);
  });
});

test('risk-control="per-cluster": each prompt is decided by its cluster\'s own threshold, the cluster the offline k-means assigns', async ({
  page,
}) => {
  const { readFileSync } = await import('node:fs');
  const { createNodeEngine } = await import('../node/local-model.js');
  const { nearestCentroid } = await import('../core/clustering/nearest-centroid.js');
  const { clusterModelOf } = await import('../core/calibration/cluster-table.js');
  const { STAND_IN_GATE_DIR } = await import('../node/paths.js');
  const table = JSON.parse(readFileSync(`${STAND_IN_GATE_DIR}/thresholds.json`, 'utf8'));
  await useStandInGate(page);
  await page.goto('/');
  const status = await page.evaluate(async () => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    for (const [k, v] of Object.entries({
      endpoint: 'http://localhost:8788',
      conversation: '',
      'risk-control': 'per-cluster',
      'gate-labels': 'any',
      'cost-weight': '1',
      'risk-level': '0.1',
      'max-tokens': '4',
    }))
      el.setAttribute(k, v);
    document.body.append(el);
    return { riskControl: (await el.ready).riskControl };
  });
  expect(status.riskControl).toBe('per-cluster');
  const engine = await createNodeEngine();
  const groups = new Set<number>();
  for (const prompt of [
    'Once upon a time',
    'What is 17 times 23?',
    'Which planet is largest?',
    'Lily and Ben went to the park.',
    'Explain how vaccines work.',
  ]) {
    const r = (await send(page, prompt)) as unknown as {
      decision: { group: number; threshold: number; reason: string; path: string; score: number };
    };
    const hidden = (await engine.prefill([{ role: 'user', content: prompt }])).hiddenState;
    engine.reset();
    const expected = nearestCentroid(clusterModelOf(table.clusters), hidden);
    expect(r.decision.group, prompt).toBe(expected);
    const row = table.clusters.rows.find(
      (c: { cluster: number; cost_weight: number; risk_level: number }) =>
        c.cluster === expected && c.cost_weight === 1 && c.risk_level === 0.1,
    );
    expect(r.decision.threshold).toBeCloseTo(row.threshold, 6);
    expect(r.decision.path).toBe(r.decision.score >= r.decision.threshold ? 'local' : 'edge');
    groups.add(expected);
  }
  expect(groups.size).toBeGreaterThan(1); // the prompts do not all fall in one cluster
});

test('risk-control="per-cluster" with adapt-threshold="feedback": each cluster\'s τ adapts on its own from that cluster\'s calibrated τ', async ({
  page,
}) => {
  const { readFileSync } = await import('node:fs');
  const { STAND_IN_GATE_DIR } = await import('../node/paths.js');
  const table = JSON.parse(readFileSync(`${STAND_IN_GATE_DIR}/thresholds.json`, 'utf8')) as {
    rows: { threshold: number | string }[];
    clusters: { rows: { cluster: number; cost_weight: number; risk_level: number; threshold: number | string }[] };
  };
  const floor = Math.min(
    ...[...table.rows, ...table.clusters.rows]
      .map((r) => r.threshold)
      .filter((t): t is number => typeof t === 'number'),
  );
  await useStandInGate(page);
  await page.goto('/');
  await page.evaluate(async () => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    for (const [k, v] of Object.entries({
      endpoint: 'http://localhost:8788',
      conversation: '',
      'risk-control': 'per-cluster',
      'adapt-threshold': 'feedback',
      'gate-labels': 'any',
      'cost-weight': '1',
      'risk-level': '0.1',
      'max-tokens': '4',
    }))
      el.setAttribute(k, v);
    document.body.append(el);
    await el.ready;
  });
  const seen = new Map<number, number>();
  for (const prompt of [
    'Once upon a time',
    'Once upon a time there was a cat',
    'What is 17 times 23?',
    'What is 18 times 24?',
    'Lily and Ben went to the park.',
    'Lily and Tom went to the shop.',
  ]) {
    const { decision } = (await send(page, prompt)) as unknown as {
      decision: { group: number; threshold: number; calibratedThreshold: number };
    };
    const row = table.clusters.rows.find(
      (c) => c.cluster === decision.group && c.cost_weight === 1 && c.risk_level === 0.1,
    )!;
    expect(decision.calibratedThreshold).toBeCloseTo(row.threshold as number, 6);
    // Each earlier silent decision in the same cluster lowered its τ by γα = 0.3 × 0.1.
    const before = seen.get(decision.group) ?? 0;
    expect(decision.threshold, prompt).toBeCloseTo(Math.max(floor, (row.threshold as number) - before * 0.3 * 0.1), 6);
    seen.set(decision.group, before + 1);
  }
  expect([...seen.values()].some((n) => n > 1)).toBe(true); // some cluster saw more than one prompt
});
