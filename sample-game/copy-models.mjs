// After `vite build`: copy the models the pages fetch at run time (manifest + the files it names)
// into the static site, and the tiny fixture the pages fall back to in a clone without trained models.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const out = process.argv[2] ?? 'dist';
for (const manifest of ['models/manifest.json', 'tests/fixtures/tiny/manifest.json']) {
  if (!existsSync(manifest)) continue;
  const dir = dirname(manifest);
  const files = JSON.parse(readFileSync(manifest, 'utf8')).models.map((m) => m.file);
  mkdirSync(join(out, dir), { recursive: true });
  for (const file of ['manifest.json', ...files]) copyFileSync(join(dir, file), join(out, dir, file));
  console.log(`copied ${manifest} and ${files.length} model file(s) into ${out}/${dir}`);
}
