import { describe, expect, it } from 'vitest';
import { ManifestError, ModelLoadError } from '../../src/errors.ts';
import { parseManifest, parseManifestText } from '../../src/models/manifest.ts';
import { fixtureManifestJson, levelManifest } from '../helpers/fixture.ts';

type M = ReturnType<typeof fixtureManifestJson>;
const model = (m: M) => m.models[0]!;

describe('manifest schema', () => {
  it('accepts the fixture manifest', () => {
    const m = parseManifest(fixtureManifestJson());
    expect(m.models[0]!.id).toBe('tiny');
  });

  it('accepts the training record models/export.py adds', () => {
    const m = fixtureManifestJson();
    model(m).training = { steps: 9000, minutes: 120.5, machines: ['2-core'] };
    expect(parseManifest(m).models[0]!.training?.steps).toBe(9000);
    model(m).training = { steps: 'many', minutes: 1, machines: [] };
    expect(() => parseManifest(m)).toThrow(/models\[0\]\.training\.steps/);
  });

  it('applies a model\'s defaultClass to requests that name no class, and checks it is a class', async () => {
    const { normalizeRequest } = await import('../../src/runtime/request.ts');
    const m = fixtureManifestJson();
    Object.assign(model(m), { defaultClass: 'potion' });
    const parsed = parseManifest(m);
    expect(normalizeRequest(parsed, { kind: 'sprite' }).request.class).toBe('potion');
    expect(normalizeRequest(parsed, { kind: 'sprite', class: 'gem' }).request.class).toBe('gem');
    Object.assign(model(m), { defaultClass: 'spaceship' });
    expect(() => parseManifest(m)).toThrow(/models\[0\]\.defaultClass: must be one of the classes/);
  });

  it('accepts a distilled student listing its teacher, and a request that names no model gets the first of the kind', async () => {
    const { resolveModel } = await import('../../src/runtime/request.ts');
    const m = fixtureManifestJson();
    m.models.unshift({ ...model(m), id: 'tiny-fast', teacher: 'tiny' });
    const parsed = parseManifest(m);
    expect(parsed.models[0]!.teacher).toBe('tiny');
    expect(resolveModel(parsed, { kind: 'sprite' }).id).toBe('tiny-fast');
    expect(resolveModel(parsed, { kind: 'sprite', model: 'tiny' }).id).toBe('tiny');
  });

  it('accepts a level model with a legend', () => {
    const m = fixtureManifestJson();
    levelManifest(m);
    expect(parseManifest(m).models[0]!.tiles).toHaveLength(4);
  });

  const broken: Array<[string, (m: M) => void, RegExp]> = [
    ['missing sha256', (m) => delete model(m).sha256, /models\[0\]\.sha256/],
    ['short sha256', (m) => (model(m).sha256 = 'abc'), /models\[0\]\.sha256: 64 lower-case hex/],
    ['unknown kind', (m) => (model(m).kind = 'music'), /models\[0\]\.kind/],
    ['extra field', (m) => (model(m).colour = 'red'), /models\[0\].*colour/],
    ['nullClass not the class count', (m) => (model(m).nullClass = 3), /models\[0\]\.nullClass: must equal the number of classes \(19\)/],
    ['sprite with 3 channels', (m) => ((model(m).layout as { channels: number }).channels = 3), /models\[0\]\.layout\.channels: must be 4/],
    ['default steps out of range', (m) => (model(m).steps = { default: 0, min: 1, max: 10 }), /models\[0\]\.steps/],
    ['bad schemaVersion', (m) => ((m as { schemaVersion: number }).schemaVersion = 2), /schemaVersion/],
    ['no models', (m) => (m.models = []), /models/],
    ['duplicate ids', (m) => m.models.push({ ...model(m) }), /models\[1\]\.id: duplicate id "tiny"/],
    ['level without legend', (m) => { levelManifest(m); model(m).tiles = null; }, /models\[0\]\.tiles/],
    ['wrong denoiser output', (m) => ((model(m).denoiser as { output: string }).output = 'eps'), /models\[0\]\.denoiser\.output/],
    ['level context as wide as the window', (m) => { levelManifest(m); model(m).context = (model(m).layout as { width: number }).width; }, /models\[0\]\.context: must be smaller than the window width/],
    ['context on a sprite model', (m) => (model(m).context = 4), /models\[0\]\.context: only applies to level models/],
    ['palette on a level model', (m) => { levelManifest(m); model(m).palette = [[0, 0, 0, 0], [9, 9, 9, 255]]; }, /models\[0\]\.palette: only applies to sprite and tile models/],
    ['palette byte out of range', (m) => (model(m).palette = [[0, 0, 0, 0], [256, 9, 9, 255]]), /models\[0\]\.palette\[1\]\[0\]/],
    ['palette with no opaque colour', (m) => (model(m).palette = [[0, 0, 0, 0], [9, 9, 9, 128]]), /models\[0\]\.palette: needs at least one opaque colour/],
    ['draw without a palette', (m) => { delete model(m).palette; model(m).draw = { temperature: 0.7 }; }, /models\[0\]\.draw: needs a palette/],
    ['draw at temperature 0', (m) => (model(m).draw = { temperature: 0 }), /models\[0\]\.draw\.temperature/],
    ['minOpaque with the wrong count', (m) => (model(m).minOpaque = [1, 2]), /models\[0\]\.minOpaque: needs one count per class \(19\)/],
    ['minOpaque on a level model', (m) => { levelManifest(m); model(m).minOpaque = []; }, /models\[0\]\.minOpaque: only applies to sprite models/],
    ['negative bytes', (m) => (model(m).bytes = -5), /models\[0\]\.bytes/],
    ['a student of a model not in the manifest', (m) => (model(m).teacher = 'sprite'), /models\[0\]\.teacher: must name another sprite model in the manifest \(got "sprite"\)/],
    ['a student of itself', (m) => (model(m).teacher = 'tiny'), /models\[0\]\.teacher: must name another sprite model/],
    ['a student of another kind', (m) => { m.models.push({ ...model(m) }); levelManifest({ ...m, models: [m.models[1]!] } as M); model(m).teacher = 'tiny-level'; }, /models\[0\]\.teacher: must name another sprite model/],
  ];

  it.each(broken)('rejects %s with a ManifestError naming the field', (_name, edit, pattern) => {
    const m = fixtureManifestJson();
    edit(m);
    let error: unknown;
    try {
      parseManifest(m, 'manifest.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).name).toBe('ManifestError');
    expect((error as Error).message).toMatch(/^manifest\.json: /);
    expect((error as Error).message).toMatch(pattern);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseManifestText('{"schemaVersion": 1,', 'm.json')).toThrow(/^m\.json: \(root\): not valid JSON/);
  });
});
