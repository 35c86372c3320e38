/** The sample game with WebGPU disabled: device 'auto' falls back to wasm. */
import { describeGame } from './game-suite.ts';

describeGame('wasm');
