/** The benchmarks bench/run-all.ts runs, the arguments of each, and how its JSON line becomes figures. */

export interface Figure {
  figure: string;
  value: number | null;
  unit: string;
  /** The target from the issue that set it, or null where none was set. */
  target: string | null;
  pass: boolean | null;
}

export interface BenchResult {
  bench: string;
  input: string;
  seconds: number;
  /** Why there are no figures: the script was skipped (missing files) or failed. */
  problem: string | null;
  figures: Figure[];
  raw: Record<string, unknown> | null;
}

interface BenchSpec {
  name: string;
  describe(quick: boolean): string;
  args(quick: boolean): string[];
  figures(json: Record<string, unknown>): Figure[];
}

const num = (json: Record<string, unknown>, key: string): number | null =>
  typeof json[key] === 'number' && Number.isFinite(json[key]) ? (json[key] as number) : null;

const atMost = (value: number | null, limit: number): boolean | null =>
  value === null ? null : value <= limit;

export const SUITE: BenchSpec[] = [
  {
    name: 'api-upload-rss',
    describe: (quick) => `one ${quick ? '256 MiB' : '1 GiB'} upload to the API`,
    args: (quick) => (quick ? ['--mib', '256'] : []),
    figures: (json) => [
      {
        figure: 'upload throughput',
        value: num(json, 'mibPerSecond'),
        unit: 'MiB/s',
        target: null,
        pass: json.httpStatus === 200,
      },
      {
        figure: 'API peak RSS during the upload',
        value: num(json, 'peakRssMb'),
        unit: 'MB',
        target: '<= 150 MB',
        pass: atMost(num(json, 'peakRssMb'), 150),
      },
    ],
  },
  {
    name: 'api-event-streams',
    describe: () => '100 idle GET /result/{id}/events streams on one API process',
    args: () => [],
    figures: (json) => [
      {
        figure: 'API RSS added by 100 idle event streams',
        value: num(json, 'rssDeltaMb'),
        unit: 'MB',
        target: null,
        pass: null,
      },
    ],
  },
  {
    name: 'api-poll-latency',
    describe: (quick) => `100 pollers every 250 ms, then flat out, ${quick ? 3 : 10} s each`,
    args: (quick) => (quick ? ['--seconds', '3'] : []),
    figures: (json) => [
      {
        figure: 'GET /result p50, 100 pollers',
        value: num(json, 'p50'),
        unit: 'ms',
        target: null,
        pass: null,
      },
      {
        figure: 'GET /result p99, 100 pollers',
        value: num(json, 'p99'),
        unit: 'ms',
        target: '<= 10 ms',
        pass: atMost(num(json, 'p99'), 10),
      },
      {
        figure: 'GET /result requests/s, 100 connections flat out',
        value: num(json, 'flatOutRequestsPerSecond'),
        unit: 'req/s',
        target: null,
        pass: (num(json, 'non2xx') ?? 1) + (num(json, 'errors') ?? 1) === 0,
      },
    ],
  },
  {
    name: 'api-e2e',
    describe: (quick) => `30 s file, ${quick ? 2 : 5} runs after a warm-up`,
    args: (quick) => (quick ? ['--runs', '2'] : []),
    figures: (json) => [
      {
        figure: 'end-to-end (HTTP + queue) / direct library call',
        value: num(json, 'ratio'),
        unit: '×',
        target: '<= 1.10',
        pass: atMost(num(json, 'ratio'), 1.1),
      },
    ],
  },
  {
    name: 'speech-vs-cli',
    describe: (quick) => `${quick ? 2 : 10} min of speech, library vs whisper-cli`,
    args: (quick) => (quick ? ['--minutes', '2'] : []),
    figures: (json) => [
      {
        figure: 'transcription time / whisper-cli',
        value: num(json, 'ratio'),
        unit: '×',
        target: '<= 1.03',
        pass: atMost(num(json, 'ratio'), 1.03),
      },
    ],
  },
  {
    name: 'speech-vad',
    describe: (quick) => `${quick ? 2 : 10} min, half silence, with / without VAD`,
    args: (quick) => (quick ? ['--minutes', '2'] : []),
    figures: (json) => [
      {
        figure: 'time with VAD / without, half-silent file',
        value: num(json, 'ratio'),
        unit: '×',
        target: '<= 0.6',
        pass: atMost(num(json, 'ratio'), 0.6),
      },
    ],
  },
  {
    name: 'diarization-rtf',
    describe: (quick) => `${quick ? '10 min' : '1 h'} of looped recordings`,
    args: (quick) => (quick ? ['600'] : []),
    figures: (json) => [
      {
        figure: 'diarization real-time factor',
        value: num(json, 'rtf'),
        unit: '',
        target: '<= 0.02',
        pass: atMost(num(json, 'rtf'), 0.02),
      },
      {
        figure: 'diarization peak RSS',
        value: num(json, 'peakRssMb'),
        unit: 'MB',
        target: '<= 500 MB',
        pass: atMost(num(json, 'peakRssMb'), 500),
      },
      {
        figure: 'diarization: longest event-loop block',
        value: num(json, 'maxEventLoopDelayMs'),
        unit: 'ms',
        target: null,
        pass: null,
      },
      {
        figure: 'diarization: speed-up of the inference threads over one',
        value: num(json, 'speedupOverOneThread'),
        unit: '×',
        target: null,
        pass: null,
      },
    ],
  },
  {
    name: 'worker-rss',
    describe: (quick) => `${quick ? '10 min' : '1 h'} of speech through API + worker`,
    args: (quick) => (quick ? ['--minutes', '10'] : []),
    figures: (json) => [
      {
        figure: 'worker peak RSS (whole pipeline)',
        value: num(json, 'peakRssMb'),
        unit: 'MB',
        target: null,
        pass: json.status === 'completed',
      },
      {
        figure: 'worker processing time',
        value: num(json, 'seconds'),
        unit: 's',
        target: null,
        pass: null,
      },
    ],
  },
  {
    name: 'task-list-latency',
    describe: (quick) => `GET /tasks, ${quick ? '2000' : '10 000'} tasks against 20, alternated`,
    args: (quick) => (quick ? ['--tasks', '2000', '--requests', '50'] : []),
    figures: (json) => [
      {
        figure: 'GET /tasks first page p50, many tasks',
        value: num(json, 'p50'),
        unit: 'ms',
        target: null,
        pass: null,
      },
      {
        figure: 'GET /tasks first page p50: many tasks / 20',
        value: num(json, 'firstPageRatio'),
        unit: '×',
        target: null,
        pass: null,
      },
    ],
  },
  {
    name: 'diarize-alongside',
    describe: (quick) => `${quick ? '5 min' : '1 h'} of speech, diarization after vs alongside Whisper`,
    args: (quick) => (quick ? ['--minutes', '5'] : []),
    figures: (json) => [
      {
        figure: 'job time alongside / after, 2 cores',
        value: num(json, 'alongsideOverSequential2Cores'),
        unit: '×',
        target: null,
        pass: json.identical === true,
      },
      {
        figure: 'job time alongside / after, 4-core threads',
        value: num(json, 'alongsideOverSequential4CoreThreads'),
        unit: '×',
        target: null,
        pass: json.identical === true,
      },
    ],
  },
  {
    name: 'load',
    describe: (quick) => `200 pollers + 10 uploaders for ${quick ? 10 : 60} s`,
    args: (quick) => (quick ? ['--seconds', '10'] : []),
    figures: (json) => {
      const polls = (json.polls ?? {}) as Record<string, unknown>;
      const uploads = (json.uploads ?? {}) as Record<string, unknown>;
      const errors = (num(polls, 'errors') ?? 1) + (num(uploads, 'errors') ?? 1);
      return [
        { figure: 'load: errors', value: errors, unit: '', target: '= 0', pass: errors === 0 },
        { figure: 'load: GET /result p99', value: num(polls, 'p99'), unit: 'ms', target: null, pass: null },
        {
          figure: 'load: GET /result requests/s',
          value: num(polls, 'perSecond'),
          unit: 'req/s',
          target: null,
          pass: null,
        },
        {
          figure: 'load: POST /transcribe p99 (paced 1 MiB/s)',
          value: num(uploads, 'p99'),
          unit: 'ms',
          target: null,
          pass: null,
        },
      ];
    },
  },
];

function formatValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4;
  return `${value.toFixed(digits)}${unit && unit !== '×' ? ` ${unit}` : unit}`;
}

/** A plain-text table: figure, value, target, pass/fail, and the input each figure was measured on. */
export function formatTable(results: BenchResult[]): string {
  const rows: string[][] = [['figure', 'value', 'target', 'result', 'input']];
  for (const result of results) {
    if (result.problem) {
      rows.push([
        result.bench,
        '—',
        '—',
        result.problem.startsWith('skipped') ? 'skipped' : 'FAIL',
        result.problem,
      ]);
      continue;
    }
    for (const figure of result.figures) {
      const verdict = figure.pass === null ? '—' : figure.pass ? 'pass' : 'FAIL';
      rows.push([
        figure.figure,
        formatValue(figure.value, figure.unit),
        figure.target ?? '(none set)',
        verdict,
        result.input,
      ]);
    }
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
