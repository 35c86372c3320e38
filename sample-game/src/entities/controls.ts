/** Keyboard: arrows or WASD to move, Space / Up / W to jump, P or Esc to pause. */
import Phaser from 'phaser';

export interface Controls {
  left(): boolean;
  right(): boolean;
  jumpHeld(): boolean;
  jumpPressed(): boolean;
}

export function keyboardControls(scene: Phaser.Scene): Controls {
  const kb = scene.input.keyboard!;
  const k = kb.addKeys('LEFT,RIGHT,UP,A,D,W,SPACE') as Record<string, Phaser.Input.Keyboard.Key>;
  const jumpKeys = [k.UP!, k.W!, k.SPACE!];
  return {
    left: () => k.LEFT!.isDown || k.A!.isDown,
    right: () => k.RIGHT!.isDown || k.D!.isDown,
    jumpHeld: () => jumpKeys.some((key) => key.isDown),
    jumpPressed: () => jumpKeys.some((key) => Phaser.Input.Keyboard.JustDown(key)),
  };
}
