/**
 * Transition samples averaged over fixed windows of `performance.now()`
 * time, so the interval gauges don't depend on who scrapes, or how often.
 *
 * @module
 */

import { type TxAverages, TxStats } from "./tx_stats.ts";
import type { Transition } from "../machine/mod.ts";

/**
 * Samples of the open window; {@linkcode TxWindow.roll} hands over a
 * window's averages once, after it ended. Windows are aligned to multiples
 * of their length.
 *
 * @example Usage
 * ```ts
 * import { TxWindow } from "./tx_window.ts";
 * const win = new TxWindow(1000, 500); // the window [0, 1000) is open
 * win.roll(900); // undefined: still open
 * win.roll(1200)?.transitionsCount; // 0: [0, 1000) had no transitions
 * ```
 */
export class TxWindow {
  /** Length of a window, ms (at least 1). */
  readonly length: number;
  #stats = new TxStats();
  /** Index of the open window (its start / length). */
  #index = 0;
  /** When the open window ends: samples before it skip the roll. */
  #end = 0;

  /**
   * Opens the window `now` falls in.
   *
   * @param length Length of a window, ms.
   * @param now `performance.now()`.
   */
  constructor(length: number, now: number) {
    this.length = Math.max(1, length);
    this.#open(now);
  }

  #open(now: number): void {
    this.#index = Math.floor(now / this.length);
    this.#end = (this.#index + 1) * this.length;
  }

  /** Whether the open window ended before `now` (roll before sampling). */
  endedBy(now: number): boolean {
    return now >= this.#end;
  }

  /** Samples an accepted transition; true when Exception was among its targets. */
  sample(tx: Transition, micros: number): boolean {
    return this.#stats.sample(tx, micros);
  }

  /**
   * Once the open window ended: the averages of the last completed window
   * (zeros when that wasn't the open one: a skipped window was empty), and
   * the window `now` falls in opens. Undefined while the window is open.
   *
   * @param now `performance.now()`.
   */
  roll(now: number): TxAverages | undefined {
    const index = Math.floor(now / this.length);
    // only forward: a window closes once
    if (index <= this.#index) return undefined;
    const avg = this.#stats.take();
    const fresh = index === this.#index + 1;
    this.#open(now);
    // a take of nothing: zeros
    return fresh ? avg : this.#stats.take();
  }

  /**
   * The averages of the samples so far, whatever the window (upstream's
   * Sync); the window `now` falls in opens.
   *
   * @param now `performance.now()`.
   */
  restart(now: number): TxAverages {
    this.#open(now);
    return this.#stats.take();
  }
}
