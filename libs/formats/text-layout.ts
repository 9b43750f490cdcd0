/**
 * A piece of cue text that must not be broken, with the text that joins it to the piece before it:
 * `' '` between words, `''` between CJK characters or before punctuation that Whisper emits as its own token.
 */
export interface TextToken {
  text: string;
  gap: string;
}

// East Asian wide characters take two columns on screen, so 42 columns hold about 21 of them,
// which is close to the usual 16-20 characters per line of CJK subtitle guidelines.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

const CLOSING_PUNCTUATION =
  /[\u3001\u3002\u300d\u300f\u3011\u3015\u3009\u300b\uff01\uff09\uff0c\uff0e\uff1a\uff1b\uff1f]/u;

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

/** Collapses all whitespace (a newline would end an SRT/VTT cue early) and trims. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Words split at spaces; runs of wide characters split further into single characters, since CJK text has
 * no spaces and may break between any two characters.
 */
export function tokenize(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  for (const word of normalizeSpace(text).split(' ')) {
    if (word === '') continue;
    let gap = tokens.length === 0 ? '' : ' ';
    let run = '';
    const flush = (piece: string): void => {
      tokens.push({ text: piece, gap });
      gap = '';
    };
    for (const char of word) {
      if (!WIDE.test(char)) {
        run += char;
        continue;
      }
      if (run) flush(run);
      run = '';
      // Closing punctuation stays with the character before it: a CJK line never starts with it.
      if (CLOSING_PUNCTUATION.test(char) && tokens.length > 0 && gap === '') {
        tokens[tokens.length - 1].text += char;
        continue;
      }
      flush(char);
    }
    if (run) flush(run);
  }
  return tokens;
}

export function joinTokens(tokens: readonly TextToken[]): string {
  return tokens.map((token, index) => (index === 0 ? token.text : token.gap + token.text)).join('');
}

/** Greedy line filling at `width` columns; a token wider than a line gets a line of its own. */
function fillLines(tokens: readonly TextToken[], width: number, firstLineIndent: number): TextToken[][] {
  const lines: TextToken[][] = [];
  let line: TextToken[] = [];
  let used = firstLineIndent;
  for (const token of tokens) {
    const added = (line.length === 0 ? 0 : textWidth(token.gap)) + textWidth(token.text);
    if (line.length > 0 && used + added > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    used += line.length === 0 ? textWidth(token.text) : added;
    line.push(token);
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/**
 * Wraps tokens into at most `maxLines` lines of at most `maxWidth` columns, as evenly as possible
 * (the narrowest width that still needs no more lines), or null when they do not fit.
 * `firstLineIndent` reserves room for a label written before the first line.
 */
export function wrapTokens(
  tokens: readonly TextToken[],
  maxWidth: number,
  maxLines: number,
  firstLineIndent = 0,
): string[] | null {
  if (tokens.length === 0) return [];
  const needed = fillLines(tokens, maxWidth, firstLineIndent).length;
  if (needed > maxLines) return null;
  const total = firstLineIndent + textWidth(joinTokens(tokens));
  // Fewest lines first, then the narrowest width that keeps that many: the line count only falls as the
  // width grows, so a binary search finds it.
  let low = Math.max(1, Math.ceil(total / needed));
  let high = maxWidth;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (fillLines(tokens, mid, firstLineIndent).length <= needed) high = mid;
    else low = mid + 1;
  }
  return fillLines(tokens, high, firstLineIndent).map(joinTokens);
}
