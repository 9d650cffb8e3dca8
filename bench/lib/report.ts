/** Result rows and their Markdown table. */
export interface Row {
  scenario: string;
  metric: string;
  ours: string;
  baseline: string;
  /** ours / baseline, or a dash when a ratio says nothing. */
  ratio: string;
  goal: string;
  /**
   * `yes`, `no` or a dash when the row has no goal; for a goal in absolute units, followed by the
   * baseline's own verdict (`no (baseline: no)`): the machine decides whether it can be met.
   */
  met: string;
}

export interface ScenarioResult {
  rows: Row[];
  /** Lines printed under the table: CPU of server and generators, counts, caveats. */
  notes: string[];
}

export const fmt = {
  ms: (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)),
  int: (v: number): string => Math.round(v).toLocaleString('en-US'),
  kb: (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`,
  ratio: (ours: number, base: number): string =>
    base > 0 && Number.isFinite(ours / base) ? `${(ours / base).toFixed(2)}x` : '—',
  pct: (cpuMs: number, wallMs: number): string => `${Math.round((100 * cpuMs) / wallMs)}%`,
};

/**
 * A row of ours beside the baseline, both in one format (milliseconds unless told otherwise),
 * with the ratio and, when the figure is held to one, the goal and whether ours meets it (and,
 * given `baselineMet`, whether the baseline does).
 */
export function compareRow(
  scenario: string,
  metric: string,
  ours: number,
  base: number,
  options: {
    format?: (v: number) => string;
    goal?: string;
    met?: boolean;
    baselineMet?: boolean;
  } = {},
): Row {
  const format = options.format ?? fmt.ms;
  const verdict = (met: boolean): string => (met ? 'yes' : 'no');
  return {
    scenario,
    metric,
    ours: format(ours),
    baseline: format(base),
    ratio: fmt.ratio(ours, base),
    goal: options.goal ?? '',
    met:
      options.met === undefined
        ? '—'
        : verdict(options.met) +
          (options.baselineMet === undefined ? '' : ` (baseline: ${verdict(options.baselineMet)})`),
  };
}

export function table(rows: Row[]): string {
  const head =
    '| scenario | metric | Parley | baseline | ratio | goal | met |\n| --- | --- | --: | --: | --: | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.metric} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.met} |`,
  );
  return [head, ...body].join('\n');
}
