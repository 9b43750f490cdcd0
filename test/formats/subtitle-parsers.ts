import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSync } from 'subtitle';
import { WebVTTParser, type WebVttNode } from 'webvtt-parser';

/** A cue as read back from a file, in milliseconds, with the speaker taken from its markup. */
export interface ParsedCue {
  startMs: number;
  endMs: number;
  speaker: number | null;
  /** Displayed text, lines joined by '\n', entities decoded, without the speaker label. */
  text: string;
}

const SRT_TIMING = /^\d{2,}:\d{2}:\d{2},\d{3} --> \d{2,}:\d{2}:\d{2},\d{3}$/;

/**
 * Reads SRT with the `subtitle` package, after checking the block grammar it is lenient about:
 * numbering from 1, comma decimal separators, blank-line separation, no empty text.
 */
export function readSrt(srt: string): ParsedCue[] {
  if (srt.trim() !== '') {
    const blocks = srt.replace(/\n$/, '').split('\n\n');
    blocks.forEach((block, index) => {
      const lines = block.split('\n');
      assert.equal(lines[0], String(index + 1), `cue ${index + 1} is numbered ${lines[0]}`);
      assert.match(lines[1], SRT_TIMING);
      assert.ok(
        lines.length >= 3 && lines.slice(2).every((line) => line.trim() !== ''),
        `cue ${index + 1} text`,
      );
    });
  }
  return parseSync(srt).flatMap((node) => {
    if (node.type !== 'cue') return [];
    const label = /^\[SPEAKER (\d+)\] /.exec(node.data.text);
    return [
      {
        startMs: node.data.start,
        endMs: node.data.end,
        speaker: label ? Number(label[1]) : null,
        text: label ? node.data.text.slice(label[0].length) : node.data.text,
      },
    ];
  });
}

// The parser's built-in table knows only `&amp` and a few more without their semicolon; the HTML table it
// ships is what the W3C validator uses.
const htmlEntities = JSON.parse(
  readFileSync(require.resolve('webvtt-parser/html-entities.json'), 'utf8'),
) as Record<string, string>;

function plainText(nodes: readonly WebVttNode[]): string {
  return nodes
    .map((node) => (node.type === 'text' ? (node.value ?? '') : plainText(node.children ?? [])))
    .join('');
}

/**
 * Reads WebVTT with the W3C parser (w3c/webvtt.js), which validates the file and builds each cue's
 * markup tree, so the `<v Speaker N>` voice span and entity decoding are checked as a player would see them.
 * `subtitle` must agree on the cue times.
 */
export function readVtt(vtt: string): ParsedCue[] {
  const result = new WebVTTParser(htmlEntities).parse(vtt, 'metadata');
  assert.deepEqual(result.errors, [], 'the W3C parser reports no errors');
  const cues = result.cues.map((cue) => {
    const voices = cue.tree.children.filter((node) => node.type === 'object');
    assert.ok(
      voices.every((node) => node.name === 'v'),
      `only voice spans are used: ${JSON.stringify(voices.map((node) => node.name))}`,
    );
    const voice = voices.length === 1 ? /^Speaker (\d+)$/.exec(voices[0].value ?? '') : null;
    return {
      startMs: Math.round(cue.startTime * 1000),
      endMs: Math.round(cue.endTime * 1000),
      speaker: voice ? Number(voice[1]) : null,
      text: plainText(cue.tree.children),
    };
  });
  const loose = parseSync(vtt).filter((node) => node.type === 'cue');
  assert.equal(loose.length, cues.length, 'subtitle finds the same number of cues');
  loose.forEach((node, index) => {
    if (node.type !== 'cue') return;
    assert.equal(node.data.start, cues[index].startMs);
    assert.equal(node.data.end, cues[index].endMs);
  });
  return cues;
}
