import { createNodeEngine } from '../../node/local-model.js';
import { FakeEngine } from './fake-engine.js';
import { runLocalEngineContract } from './local-engine.contract.js';

runLocalEngineContract('OnnxCausalLm (onnxruntime-node, stories260K)', () => createNodeEngine());
runLocalEngineContract('FakeEngine (tests only)', async () => new FakeEngine());
runLocalEngineContract('OnnxCausalLm (onnxruntime-node, stories260K in the transformers.js layout)', () =>
  createNodeEngine('transformers'),
);
