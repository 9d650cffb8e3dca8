import { estimateHeight } from './rows.js';
import type { Row } from './rows.js';

/**
 * The arithmetic of a virtual list of variable-height rows: measured heights by key, estimates
 * for the rest, prefix offsets and a binary search from a scroll position to a row index.
 * Recomputing offsets is O(n); for 10,000 rows that is well under a millisecond.
 */
export class VirtualWindow {
  rows: Row[] = [];
  private heights = new Map<string, number>();
  private index = new Map<string, number>();
  private offsets = new Float64Array(1);

  setRows(rows: Row[]): void {
    this.rows = rows;
    this.index = new Map(rows.map((row, i) => [row.key, i]));
    this.layout();
  }

  /** Recomputes offsets; call after heights change. */
  layout(): void {
    const n = this.rows.length;
    const offsets = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const row = this.rows[i]!;
      offsets[i + 1] = offsets[i]! + (this.heights.get(row.key) ?? estimateHeight(row));
    }
    this.offsets = offsets;
  }

  /** Records a measured height; true when it differs from what the layout assumed. */
  measure(key: string, height: number): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    const before = this.offsets[i + 1]! - this.offsets[i]!;
    this.heights.set(key, height);
    return Math.abs(before - height) > 0.5;
  }

  indexOf(key: string): number | undefined {
    return this.index.get(key);
  }

  offsetOf(i: number): number {
    return this.offsets[Math.max(0, Math.min(i, this.rows.length))]!;
  }

  get total(): number {
    return this.offsets[this.rows.length]!;
  }

  /** Index of the row that contains the vertical position `y`. */
  rowAt(y: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid + 1]! <= y) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo);
  }

  /** The rows to render for a viewport, with `overscan` pixels on each side. */
  range(scrollTop: number, height: number, overscan: number): [number, number] {
    if (!this.rows.length) return [0, 0];
    const start = this.rowAt(Math.max(0, scrollTop - overscan));
    const end = this.rowAt(scrollTop + height + overscan) + 1;
    return [start, Math.min(end, this.rows.length)];
  }
}
