/**
 * Fingerprints of training rooms, for the novelty guard: Zelda builds its dungeons from a few room
 * templates, and a faithful model of it hands back Nintendo's own rooms about half the time (the
 * level-dungeon card). The manifest ships one fingerprint per training room (`knownRooms`, written
 * by models/export.py from the same definition) and the pipeline re-samples a room that matches one,
 * so what a game receives is never a verbatim copy. A fingerprint is a hash, not the room: the
 * package does not carry the data.
 *
 * Fingerprint: the room as VGLC text (one line per row, the legend's characters), the least of its
 * four flips (the training augmentations), sha256, the first 16 hex digits.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { LevelGrid } from '../../models/codecs.ts';

export function roomFingerprint(room: LevelGrid): string {
  const lines: string[] = [];
  for (let r = 0; r < room.rows; r++) {
    let line = '';
    for (let c = 0; c < room.cols; c++) line += room.legend[room.cells[r * room.cols + c]!]!.char;
    lines.push(line);
  }
  const mirror = (rows: string[]) => rows.map((l) => [...l].reverse().join(''));
  const flips = [lines, mirror(lines), [...lines].reverse(), mirror([...lines].reverse())].map((rows) => rows.join('\n'));
  const least = flips.reduce((a, b) => (b < a ? b : a));
  return bytesToHex(sha256(utf8ToBytes(least))).slice(0, 16);
}
