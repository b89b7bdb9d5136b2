/** The 1Flow emulator: what tests, the demo, dev and the benchmark use of it. */
export { OneFlowEmulator, type EmulatorOptions } from './emulator';
export { DEMO_WEBHOOK, demoDocIds } from './demo';
export { MAX_BODY_BYTES, type RecordedRequest } from './exchange';
export { mulberry32, type FaultAction, type FaultConfig } from './faults';
