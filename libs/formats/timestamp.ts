/**
 * `HH:MM:SS<sep>mmm` from whole milliseconds: hours keep at least two digits and grow past 99,
 * which both SRT readers and the WebVTT grammar accept.
 */
export function formatCueTimestamp(totalMs: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(totalMs));
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  const millis = ms % 1000;
  return (
    `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:` +
    `${String(seconds).padStart(2, '0')}${separator}${String(millis).padStart(3, '0')}`
  );
}
