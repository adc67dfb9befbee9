/**
 * @module cli/evaluation/suites
 * What `--data` means to the evaluation: a folder laid out like ../shared/data gives two suites
 * (RouteLLM MMLU+GSM8K with Mixtral as the device and GPT-4 at the edge; RouterBench's three
 * tasks with mistral-7b as the device and ten edge models with real USD cost); a single file gives
 * one suite, its roles chosen from the models it records unless `--config` names them.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import { defaultRolesFor, ROUTELLM_ROLES, ROUTERBENCH_ROLES } from '../../core/routing/routing-config.js';
import type { Roles } from '../../core/data/routing-dataset.js';
import { loadRoutingData } from '../data/load-routing-data.js';
import { importRouteLlm } from '../data/routellm.js';
import { importRouterBench } from '../data/routerbench.js';

export type Suite = {
  readonly name: string;
  readonly description: string;
  readonly records: RoutingRecord[];
  readonly roles: Roles;
  /** What loading removed: extra copies of a prompt, prompts whose copies disagree, scores that were null or not numbers. */
  readonly removed?: { readonly duplicates: number; readonly conflicting: number; readonly dropped_scores: number };
};

const ROUTERBENCH_FILES = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'];

export function loadSuites(dataPath: string): Suite[] {
  if (statSync(dataPath).isDirectory() && existsSync(resolve(dataPath, 'routellm/gsm8k'))) {
    const suites: Suite[] = [
      {
        name: 'routellm',
        description: 'RouteLLM MMLU + GSM8K (device: Mixtral-8x7B, edge: GPT-4-1106)',
        records: importRouteLlm(dataPath),
        roles: ROUTELLM_ROLES,
      },
    ];
    const rb = resolve(dataPath, 'routerbench');
    if (existsSync(rb)) {
      suites.push({
        name: 'routerbench',
        description:
          'RouterBench arc-challenge + mbpp + winogrande (device: mistral-7b-chat, edge: 10 models, real USD)',
        records: ROUTERBENCH_FILES.filter((f) => existsSync(resolve(rb, f))).flatMap((f) =>
          importRouterBench(resolve(rb, f)),
        ),
        roles: ROUTERBENCH_ROLES,
      });
    }
    return suites;
  }
  const { records, duplicates, conflicting, droppedScores } = loadRoutingData(dataPath);
  return [
    {
      name: basename(dataPath).replace(/\.[a-z]+$/, ''),
      description: dataPath,
      records,
      roles: defaultRolesFor(new Set(records.flatMap((r) => Object.keys(r.outcomes)))),
      removed: { duplicates, conflicting, dropped_scores: droppedScores },
    },
  ];
}
