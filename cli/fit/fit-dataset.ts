/**
 * @module cli/fit/fit-dataset
 * Turns answered prompts into what `train` and `calibrate` read: a routing dataset whose "local"
 * outcome is the deployed model's own graded answer (not another model's recording), the
 * representations of the prefill that answer was decoded from, and the roles. Only prompts the
 * gate really decides are written: a prompt the widget defers for its length, or one either side
 * could not be graded on, is counted and left out.
 */
import { writeFileSync } from 'node:fs';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import type { RepresentationInfo } from '../../core/gate/gate-graph.js';
import { promptSha256, writeRepresentationsFile } from '../representations/representation-file.js';
import { datasetSha256 } from '../representations/representations.js';
import { decodeRepresentation, type AnsweredPrompt } from './answer-prompts.js';
import type { FitPrompt } from './fit-prompts.js';

export type FitFiles = { readonly data: string; readonly representations: string; readonly roles: string };
export type FitCounts = { readonly gated: number; readonly contextDeferred: number; readonly unlabelled: number };

const quality = (grade: 'correct' | 'wrong') => (grade === 'correct' ? 1 : 0);
/** The prompt text a record is keyed by (what the representation file hashes and the cost model reads). */
export const promptKey = (p: FitPrompt) =>
  p.messages.length === 1 ? p.messages[0]!.content : p.messages.map((m) => `${m.role}: ${m.content}`).join('\n');

export function writeFitDataset(
  prompts: readonly FitPrompt[],
  answered: readonly AnsweredPrompt[],
  localModel: string,
  representation: RepresentationInfo,
  wireless: Record<string, number>,
  files: FitFiles,
): FitCounts & { readonly edgeModels: string[] } {
  const records: RoutingRecord[] = [];
  const vectors: Float32Array[] = [];
  let contextDeferred = 0;
  let unlabelled = 0;
  const edgeModels = new Set<string>();
  answered.forEach((a, i) => {
    if (a.contextDeferred) return void contextDeferred++;
    const local = a.local;
    const edge = a.edge;
    if (!local || !edge || local.grade === 'unknown' || edge.grade === 'unknown' || !a.representation)
      return void unlabelled++;
    edgeModels.add(edge.model);
    const prompt = promptKey(prompts[i]!);
    records.push({
      id: a.id,
      source: a.task,
      prompt,
      outcomes: {
        [localModel]: { quality: quality(local.grade), output_tokens: Math.max(1, local.tokens) },
        [edge.model]: {
          quality: quality(edge.grade),
          ...(edge.costUsd !== undefined ? { cost_usd: edge.costUsd } : {}),
          ...(edge.outputTokens ? { output_tokens: edge.outputTokens } : {}),
        },
      },
    });
    vectors.push(decodeRepresentation(a.representation));
  });
  writeFileSync(files.data, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeRepresentationsFile(
    files.representations,
    {
      format: 'riskgate.representations/1',
      representation,
      prompt_sha256: records.map((r) => promptSha256(r.prompt)),
      data_sha256: datasetSha256(records),
      models_url: 'node',
      engine: { kind: 'onnx', backend: 'cpu', via: 'riskgate fit' },
      truncated_prompts: 0,
    },
    vectors,
  );
  const roles = { local: localModel, edge: [...edgeModels].sort() };
  writeFileSync(files.roles, `${JSON.stringify({ source: 'riskgate fit', roles, wireless }, null, 1)}\n`);
  return { gated: records.length, contextDeferred, unlabelled, edgeModels: roles.edge };
}
