/** Small helpers every scene uses. */
import Phaser from 'phaser';
import type { Session } from '../session.ts';

export const FONT = 'monospace';

export function sessionOf(scene: Phaser.Scene): Session {
  return scene.registry.get('session') as Session;
}

export function label(scene: Phaser.Scene, x: number, y: number, text: string, size = 16, colour = '#ffffff'): Phaser.GameObjects.Text {
  return scene.add.text(x, y, text, { fontFamily: FONT, fontSize: `${size}px`, color: colour, stroke: '#000000', strokeThickness: 4 });
}

export function backendName(device: string | undefined): string {
  return device === 'webgpu' ? 'WebGPU' : device === 'wasm' ? 'wasm' : device === 'cpu' ? 'CPU' : '…';
}
