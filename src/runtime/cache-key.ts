import { canonicalRequest, type NormalizedRequest } from './request.ts';
import { canonicalLevelRequest, type NormalizedLevelRequest } from './level-request.ts';
import type { NormalizedDungeonRequest } from './dungeon-request.ts';
import { sha256Hex } from '../models/source.ts';

/** What the cache keys: a normalized `generate` request or a normalized long-level request. */
export type CacheableRequest = NormalizedRequest | NormalizedLevelRequest | NormalizedDungeonRequest;

/**
 * Cache key = sha256(model sha256 + canonical request): a new model file never serves old results.
 * A long-level request is tagged `level` so it never shares a key with a raw-window request.
 */
export async function cacheKey(modelSha256: string, request: CacheableRequest): Promise<string> {
  const canonical =
    request.kind === 'dungeon' ? `dungeon\n${JSON.stringify(request, Object.keys(request).sort())}` : 'constraints' in request ? `level\n${canonicalLevelRequest(request)}` : canonicalRequest(request);
  return sha256Hex(new TextEncoder().encode(`${modelSha256}\n${canonical}`));
}
