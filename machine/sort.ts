/**
 * Go's `sort.SliceStable` (insertion sort in blocks of 20, then SymMerge).
 * The After relation is not a strict weak order, so the result depends on
 * the algorithm: porting it keeps handler order and steps identical to
 * upstream's.
 *
 * @module
 */

/**
 * Sorts `list` in place exactly as Go's `sort.SliceStable` would, with
 * `less(a, b)` comparing elements (not indexes).
 *
 * @example Usage
 * ```ts
 * import { goSliceStable } from "./sort.ts";
 * const l = [3, 1, 2];
 * goSliceStable(l, (a, b) => a < b); // l is [1, 2, 3]
 * ```
 */
export function goSliceStable<T>(list: T[], less: (a: T, b: T) => boolean): void {
  const n = list.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(list, less, a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(list, less, a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(list, less, a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(list, less, a, m, n);
    blockSize *= 2;
  }
}

function swap<T>(l: T[], i: number, j: number): void {
  const t = l[i];
  l[i] = l[j];
  l[j] = t;
}

function insertionSort<T>(l: T[], less: (a: T, b: T) => boolean, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(l[j], l[j - 1]); j--) swap(l, j, j - 1);
  }
}

function symMerge<T>(
  l: T[],
  less: (a: T, b: T) => boolean,
  a: number,
  m: number,
  b: number,
): void {
  if (m - a === 1) {
    let i = m;
    let j = b;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (less(l[h], l[a])) i = h + 1;
      else j = h;
    }
    for (let k = a; k < i - 1; k++) swap(l, k, k + 1);
    return;
  }
  if (b - m === 1) {
    let i = a;
    let j = m;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (!less(l[m], l[h])) i = h + 1;
      else j = h;
    }
    for (let k = m; k > i; k--) swap(l, k, k - 1);
    return;
  }
  const mid = (a + b) >>> 1;
  const n = mid + m;
  let start: number;
  let r: number;
  if (m > mid) {
    start = n - b;
    r = mid;
  } else {
    start = a;
    r = m;
  }
  const p = n - 1;
  while (start < r) {
    const c = (start + r) >>> 1;
    if (!less(l[p - c], l[c])) start = c + 1;
    else r = c;
  }
  const end = n - start;
  if (start < m && m < end) rotate(l, start, m, end);
  if (a < start && start < mid) symMerge(l, less, a, start, mid);
  if (mid < end && end < b) symMerge(l, less, mid, end, b);
}

function rotate<T>(l: T[], a: number, m: number, b: number): void {
  let i = m - a;
  let j = b - m;
  while (i !== j) {
    if (i > j) {
      swapRange(l, m - i, m, j);
      i -= j;
    } else {
      swapRange(l, m - i, m + j - i, i);
      j -= i;
    }
  }
  swapRange(l, m - i, m, i);
}

function swapRange<T>(l: T[], a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) swap(l, a + i, b + i);
}
