/** Demo page for `npm start`: one section per model in the manifest (the sample game replaces it later). */
import { createWorkerClient } from '../src/worker/client.ts';
import { composeSheet } from '../src/models/sheet.ts';
import { levelPreview } from '../src/levels/export.ts';
import type { RgbaImage } from '../src/models/codecs.ts';
import type { GenerateResult, ModelSummary } from '../src/runtime/types.ts';

const SITE_MANIFEST = '/models/manifest.json';

/** `?manifest=URL`, else the site's models/manifest.json, else undefined (a clone whose models are not trained or exported yet). */
async function findManifest(): Promise<string | undefined> {
  const asked = new URLSearchParams(location.search).get('manifest');
  if (asked) return asked;
  const response = await fetch(SITE_MANIFEST, { method: 'HEAD' }).catch(() => undefined);
  const isJson = response?.ok && (response.headers.get('content-type') ?? '').includes('json');
  return isJson ? SITE_MANIFEST : undefined;
}

function draw(image: RgbaImage, scale: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.style.width = `${image.width * scale}px`;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas;
}

function picture(result: GenerateResult): HTMLCanvasElement {
  if (result.kind === 'level') return draw(composeSheet(result.levels.map((l) => levelPreview(l, 6)), 1), 1);
  return draw(composeSheet(result.images), 4);
}

const manifest = await findManifest();
const client = manifest === undefined ? undefined : createWorkerClient({ manifest });

function section(model: ModelSummary): HTMLElement {
  const el = document.createElement('section');
  el.innerHTML = `<strong>${model.id}</strong> <span class="meta">${model.kind} ${model.version}, ${model.layout.width}x${model.layout.height}, ${model.classes.length} classes</span>`;
  const button = document.createElement('button');
  button.textContent = 'new seed';
  const status = document.createElement('div');
  status.className = 'meta';
  const out = document.createElement('div');
  el.append(button, status, out);
  let seed = 1;
  const run = async (): Promise<void> => {
    status.textContent = 'queued';
    try {
      const count = model.kind === 'level' ? 1 : 16;
      const result = await client!.generate(
        { model: model.id, count, seed },
        { onProgress: (p) => (status.textContent = p.phase === 'sample' ? `sampling ${p.step}/${p.steps}` : p.phase === 'download' ? `downloading ${p.loaded}/${p.total} bytes` : `queued (${p.ahead} ahead)`) },
      );
      out.replaceChildren(picture(result));
      status.textContent = `seed ${seed} · ${result.cached ? 'cache hit' : `generated on ${result.device}`} · ${result.ms.toFixed(0)} ms`;
      document.getElementById('backend')!.textContent = `(${result.device})`;
    } catch (e) {
      status.className = 'meta error';
      status.textContent = `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  button.onclick = () => {
    seed++;
    void run();
  };
  void run();
  return el;
}

try {
  if (!client) throw new Error(`no models manifest at ${SITE_MANIFEST}: train or export the models (models/README.md), or open this page with ?manifest=URL`);
  const models = await client.models();
  document.getElementById('models')!.replaceChildren(...models.map(section));
} catch (e) {
  document.getElementById('models')!.textContent = `${(e as Error).name}: ${(e as Error).message}`;
}
