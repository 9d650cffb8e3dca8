/**
 * Prints a suite's figures as one JSON line (`PARLEY-FIGURES {...}`), so that a CI log or a soak
 * run can be grepped for them; docs/reliability.md quotes these lines.
 */
export function report(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(`PARLEY-FIGURES ${JSON.stringify({ suite: name, ...figures })}\n`);
}
