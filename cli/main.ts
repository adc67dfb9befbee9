/**
 * @module cli/main
 * `npm run riskgate -- <command>`: convert, train, calibrate, evaluate, transfer, represent, device-profile, fit, models, manifest, bench, bench-local, recordings, import.
 */
import { RouterError } from '../core/errors.js';
import { CALIBRATE_HELP, calibrate } from './commands/calibrate.js';
import { CONVERT_HELP, convert } from './commands/convert.js';
import { TRAIN_HELP, train } from './commands/train.js';
import { BENCH_LOCAL_HELP, benchLocal } from './commands/bench-local.js';
import { RECORDINGS_HELP, recordings } from './commands/recordings.js';
import { IMPORT_HELP, importData } from './commands/import-data.js';
import { EVALUATE_HELP, evaluate } from './commands/evaluate.js';
import { BENCH_HELP, bench } from './commands/bench.js';
import { TRANSFER_HELP, transfer } from './commands/transfer.js';
import { REPRESENT_HELP, represent } from './commands/represent.js';
import { DEVICE_PROFILE_HELP, deviceProfile } from './commands/device-profile.js';
import { FIT_HELP, fit } from './commands/fit.js';
import { MODELS_HELP, models } from './commands/models.js';
import { MANIFEST_HELP, manifest } from './commands/manifest.js';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  convert: { run: convert, help: CONVERT_HELP },
  train: { run: train, help: TRAIN_HELP },
  calibrate: { run: calibrate, help: CALIBRATE_HELP },
  'bench-local': { run: benchLocal, help: BENCH_LOCAL_HELP },
  recordings: { run: recordings, help: RECORDINGS_HELP },
  import: { run: importData, help: IMPORT_HELP },
  evaluate: { run: evaluate, help: EVALUATE_HELP },
  bench: { run: bench, help: BENCH_HELP },
  transfer: { run: transfer, help: TRANSFER_HELP },
  represent: { run: represent, help: REPRESENT_HELP },
  'device-profile': { run: deviceProfile, help: DEVICE_PROFILE_HELP },
  fit: { run: fit, help: FIT_HELP },
  models: { run: models, help: MODELS_HELP },
  manifest: { run: manifest, help: MANIFEST_HELP },
};

const [name, ...argv] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  console.log(
    `usage: npm run riskgate -- <command> [--help]\n\n${Object.values(COMMANDS)
      .map((c) => c.help)
      .join('\n\n')}`,
  );
  process.exit(name && name !== '--help' ? 2 : 0);
} else if (argv.includes('--help')) {
  console.log(command.help);
} else {
  try {
    await command.run(argv);
  } catch (error) {
    // Bad input is a message with its code, not a stack trace.
    if (!(error instanceof RouterError)) throw error;
    console.error(`riskgate ${name}: ${error.code}: ${error.message}`);
    process.exit(2);
  }
}
