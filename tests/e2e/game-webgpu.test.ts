/** The sample game on WebGPU (Chromium's SwiftShader adapter, on the CPU). */
import { describeGame } from './game-suite.ts';

describeGame('webgpu');
