/** Deterministic test audio: a quiet tone with a little noise, never digital silence. */
export function toneSamples(seconds: number, sampleRate = 16000, seed = 1): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  let state = seed >>> 0 || 1;
  for (let i = 0; i < samples.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const noise = state / 2 ** 32 - 0.5;
    samples[i] = 0.1 * Math.sin((2 * Math.PI * 220 * i) / sampleRate) + 0.01 * noise;
  }
  return samples;
}
