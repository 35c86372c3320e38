// After `vite build`: copy the models the pages fetch at run time (manifest + the files it names)
// into the static site. Without trained models the pages say so (test fixtures are not shipped).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const out = process.argv[2] ?? 'dist';
const manifest = 'models/manifest.json';
if (!existsSync(manifest)) {
  console.warn(`${manifest} not found: the site has no models (see models/README.md)`);
} else {
  const dir = dirname(manifest);
  const files = JSON.parse(readFileSync(manifest, 'utf8')).models.map((m) => m.file);
  mkdirSync(join(out, dir), { recursive: true });
  for (const file of ['manifest.json', ...files]) copyFileSync(join(dir, file), join(out, dir, file));
  console.log(`copied ${manifest} and ${files.length} model file(s) into ${out}/${dir}`);
}
