import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FbankExtractor } from '../../libs/diarization';

// An independent, deliberately naive Kaldi fbank: direct DFT, explicit triangles on the 1127 ln(1 + f/700) scale.
function referenceFbank(
  frame: Float64Array,
  options: { bins: number; window: 'povey' | 'hamming' },
): Float64Array {
  const n = frame.length;
  const x = Float64Array.from(frame);
  const mean = x.reduce((a, b) => a + b, 0) / n;
  for (let i = 0; i < n; i++) x[i] -= mean;
  for (let i = n - 1; i > 0; i--) x[i] -= 0.97 * x[i - 1];
  x[0] -= 0.97 * x[0];
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    x[i] *=
      options.window === 'povey' ? Math.pow(hann, 0.85) : 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1));
  }
  const size = 512;
  const power = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += x[i] * Math.cos((2 * Math.PI * k * i) / size);
      im -= x[i] * Math.sin((2 * Math.PI * k * i) / size);
    }
    power[k] = re * re + im * im;
  }
  const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
  const low = mel(20);
  const step = (mel(8000) - low) / (options.bins + 1);
  const out = new Float64Array(options.bins);
  for (let b = 0; b < options.bins; b++) {
    const [l, c, r] = [low + b * step, low + (b + 1) * step, low + (b + 2) * step];
    let energy = 0;
    for (let k = 0; k < size / 2; k++) {
      const m = mel((k * 16000) / size);
      if (m > l && m < r) energy += power[k] * (m <= c ? (m - l) / (c - l) : (r - m) / (r - c));
    }
    out[b] = Math.log(Math.max(energy, 1.1920928955078125e-7));
  }
  return out;
}

function noise(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1664525 + 1013904223) % 4294967296;
    out[i] = (state / 4294967296 - 0.5) * 0.5;
  }
  return out;
}

describe('Kaldi-compatible fbank', () => {
  test('matches a direct-DFT computation frame by frame (povey and hamming)', () => {
    const signal = noise(16000, 7);
    for (let i = 0; i < signal.length; i++) signal[i] += 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000);
    for (const window of ['povey', 'hamming'] as const) {
      const fbank = new FbankExtractor({ numMelBins: 40, window });
      const features = fbank.compute(signal);
      assert.equal(features.length, fbank.numFrames(signal.length) * 40);
      for (const t of [0, 17, 60, 97]) {
        const expected = referenceFbank(Float64Array.from(signal.subarray(t * 160, t * 160 + 400)), {
          bins: 40,
          window,
        });
        for (let b = 0; b < 40; b++) {
          assert.ok(
            Math.abs(features[t * 40 + b] - expected[b]) < 1e-3,
            `${window} frame ${t} bin ${b}: ${features[t * 40 + b]} vs ${expected[b]}`,
          );
        }
      }
    }
  });

  test("a pure tone's energy lands in the mel bin centred nearest its frequency", () => {
    const bins = 80;
    const fbank = new FbankExtractor({ numMelBins: bins });
    const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
    const step = (mel(8000) - mel(20)) / (bins + 1);
    const centre = (b: number): number => 700 * (Math.exp((mel(20) + (b + 1) * step) / 1127) - 1);
    for (const frequency of [250, 1000, 3000, 6000]) {
      const tone = new Float32Array(4000);
      for (let i = 0; i < tone.length; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * frequency * i) / 16000);
      const features = fbank.compute(tone);
      const frame = features.subarray(10 * bins, 11 * bins);
      const loudest = frame.indexOf(Math.max(...frame));
      let nearest = 0;
      for (let b = 1; b < bins; b++) {
        if (Math.abs(centre(b) - frequency) < Math.abs(centre(nearest) - frequency)) nearest = b;
      }
      assert.ok(
        Math.abs(loudest - nearest) <= 1,
        `${frequency} Hz: loudest bin ${loudest}, nearest centre ${nearest}`,
      );
    }
  });

  test('frame count follows snip_edges, silence sits on the float-epsilon floor, scaling shifts every bin', () => {
    const fbank = new FbankExtractor();
    assert.equal(fbank.numFrames(399), 0);
    assert.equal(fbank.numFrames(400), 1);
    assert.equal(fbank.numFrames(16000), 98);
    const silence = fbank.compute(new Float32Array(800));
    assert.ok(silence.every((v) => Math.abs(v - Math.log(1.1920928955078125e-7)) < 1e-6));
    const signal = noise(1600, 3);
    const plain = fbank.compute(signal);
    const scaled = new FbankExtractor({ inputScale: 32768 }).compute(signal);
    const shift = 2 * Math.log(32768);
    for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(scaled[i] - plain[i] - shift) < 1e-3);
  });

  test('rejects impossible options', () => {
    assert.throws(() => new FbankExtractor({ lowFreq: 9000 }), RangeError);
    assert.throws(() => new FbankExtractor({ numMelBins: 0 }), RangeError);
  });
});
