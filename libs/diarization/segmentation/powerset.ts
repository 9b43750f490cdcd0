/**
 * Powerset classes in the order pyannote uses: the empty set, then every set of one speaker,
 * then every pair, ... up to `maxSetSize`, each size in lexicographic order. Class i is
 * returned as a bit mask over the local speakers.
 */
export function powersetMasks(numSpeakers: number, maxSetSize: number): number[] {
  const masks: number[] = [];
  for (let size = 0; size <= maxSetSize; size++) {
    addCombinations(numSpeakers, size, 0, 0, masks);
  }
  return masks;
}

function addCombinations(
  numSpeakers: number,
  size: number,
  first: number,
  mask: number,
  out: number[],
): void {
  if (size === 0) {
    out.push(mask);
    return;
  }
  for (let speaker = first; speaker <= numSpeakers - size; speaker++) {
    addCombinations(numSpeakers, size - 1, speaker + 1, mask | (1 << speaker), out);
  }
}
