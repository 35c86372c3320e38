import { canonicalRequest, type NormalizedRequest } from './request.ts';
import { sha256Hex } from '../models/source.ts';

/** Cache key = sha256(model sha256 + canonical request): a new model file never serves old results. */
export async function cacheKey(modelSha256: string, request: NormalizedRequest): Promise<string> {
  return sha256Hex(new TextEncoder().encode(`${modelSha256}\n${canonicalRequest(request)}`));
}
