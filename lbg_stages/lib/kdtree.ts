// A k-d tree for exact k-nearest-neighbour queries in a few dimensions (photo-z colour space).
// Points live in one flat Float64Array (n × dim); the tree is a permutation of point indices plus flat node
// arrays, built by median splits on the dimension of largest spread, with leaves of up to LEAF_SIZE points.
// After the build the points are copied in tree order, so a leaf's points are contiguous in memory (1.5×
// faster queries at 10^5 points than reading them through the permutation).
// Queries descend to the nearest leaf first and prune subtrees farther than the current k-th neighbour, so
// a query costs ~log n + k distance evaluations instead of n. Ties are broken by point index, so results are
// deterministic. A tree answers one query at a time (it keeps the query's scratch state).

const LEAF_SIZE = 12;

export class KdTree {
  readonly n: number;
  private readonly perm: Uint32Array;
  // Node arrays: a leaf has splitDim = −1 and covers perm[start, end); an inner node has two children.
  private readonly splitDim: Int32Array;
  private readonly splitValue: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly start: Uint32Array;
  private readonly end: Uint32Array;
  private nodeCount = 0;
  /** The points in tree order: the point at perm[i] is at sorted[i * dim ...]. */
  private readonly sorted: Float64Array;

  constructor(
    private readonly points: Float64Array,
    readonly dim: number,
  ) {
    this.n = points.length / dim;
    if (!Number.isInteger(this.n)) throw new Error(`KdTree: ${points.length} values is not a multiple of ${dim}`);
    this.perm = Uint32Array.from({ length: this.n }, (_, i) => i);
    const maxNodes = 2 * Math.ceil(this.n / LEAF_SIZE) * 2 + 1;
    this.splitDim = new Int32Array(maxNodes);
    this.splitValue = new Float64Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.start = new Uint32Array(maxNodes);
    this.end = new Uint32Array(maxNodes);
    if (this.n > 0) this.build(0, this.n);
    this.sorted = new Float64Array(points.length);
    for (let i = 0; i < this.n; i++) {
      const from = this.perm[i]! * dim;
      for (let c = 0; c < dim; c++) this.sorted[i * dim + c] = points[from + c]!;
    }
  }

  private build(lo: number, hi: number): number {
    const node = this.nodeCount++;
    this.start[node] = lo;
    this.end[node] = hi;
    if (hi - lo <= LEAF_SIZE) {
      this.splitDim[node] = -1;
      return node;
    }
    // Split on the dimension of largest spread, at the median.
    let best = 0;
    let bestSpread = -1;
    for (let d = 0; d < this.dim; d++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = this.points[this.perm[i]! * this.dim + d]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (mx - mn > bestSpread) {
        bestSpread = mx - mn;
        best = d;
      }
    }
    const mid = (lo + hi) >> 1;
    this.select(lo, hi - 1, mid, best);
    this.splitDim[node] = best;
    this.splitValue[node] = this.points[this.perm[mid]! * this.dim + best]!;
    this.left[node] = this.build(lo, mid);
    this.right[node] = this.build(mid, hi);
    return node;
  }

  private key(i: number, d: number): number {
    return this.points[this.perm[i]! * this.dim + d]!;
  }

  /** Quickselect (Hoare partition, middle pivot): perm[k] gets the k-th smallest along d within [lo, hi]. */
  private select(lo: number, hi: number, k: number, d: number): void {
    const p = this.perm;
    while (hi > lo) {
      const pivot = this.key((lo + hi) >> 1, d);
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (this.key(i, d) < pivot) i++;
        while (this.key(j, d) > pivot) j--;
        if (i <= j) {
          const t = p[i]!;
          p[i] = p[j]!;
          p[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  // Query state, reused across queries (one query at a time; allocation-free in the hot loop).
  private heapD: Float64Array = new Float64Array(0);
  private heapI: Int32Array = new Int32Array(0);
  private heapSize = 0;
  private heapCap = 0;
  private q = new Float64Array(0);
  private offsets = new Float64Array(0);

  /**
   * The k nearest points to `query` (read from query[offset .. offset+dim)), nearest first: their indices into
   * the original point array go to outIndex and squared distances to outDist2. Returns how many were found
   * (k, or n when n < k).
   */
  nearest(query: ArrayLike<number>, offset: number, k: number, outIndex: Int32Array, outDist2: Float64Array): number {
    const kk = Math.min(k, this.n);
    if (kk === 0) return 0;
    if (this.q.length !== this.dim) {
      this.q = new Float64Array(this.dim);
      this.offsets = new Float64Array(this.dim);
    }
    for (let d = 0; d < this.dim; d++) {
      this.q[d] = query[offset + d]!;
      this.offsets[d] = 0;
    }
    this.heapD = outDist2;
    this.heapI = outIndex;
    this.heapSize = 0;
    this.heapCap = kk;
    this.visit(0, 0);
    // Heap-sort in place: nearest first.
    for (let last = this.heapSize - 1; last > 0; last--) {
      this.swap(0, last);
      this.siftDown(0, last);
    }
    return this.heapSize;
  }

  /**
   * Visits a node whose cell lies at squared distance ≥ `rd` from the query. `offsets[d]` is the query's
   * distance to the cell along d (Arya & Mount's incremental distance), so crossing one split plane
   * updates the bound in O(1) and whole cells beyond the current k-th distance are skipped.
   */
  private visit(node: number, rd: number): void {
    const d = this.splitDim[node]!;
    if (d < 0) {
      const dim = this.dim;
      const pts = this.sorted;
      const q = this.q;
      for (let i = this.start[node]!; i < this.end[node]!; i++) {
        const base = i * dim;
        let d2 = 0;
        for (let c = 0; c < dim; c++) {
          const diff = pts[base + c]! - q[c]!;
          d2 += diff * diff;
        }
        // push() would reject it too; testing here first skips the call for most candidates.
        if (this.heapSize < this.heapCap || d2 <= this.heapD[0]!) this.push(d2, this.perm[i]!);
      }
      return;
    }
    const diff = this.q[d]! - this.splitValue[node]!;
    const near = diff < 0 ? this.left[node]! : this.right[node]!;
    const far = diff < 0 ? this.right[node]! : this.left[node]!;
    this.visit(near, rd);
    const old = this.offsets[d]!;
    const farRd = rd - old * old + diff * diff;
    if (this.heapSize < this.heapCap || farRd <= this.heapD[0]!) {
      this.offsets[d] = diff;
      this.visit(far, farRd);
      this.offsets[d] = old;
    }
  }

  /** Whether heap entry a ranks after b: larger distance, ties by larger index. */
  private worse(a: number, b: number): boolean {
    const da = this.heapD[a]!;
    const db = this.heapD[b]!;
    return da > db || (da === db && this.heapI[a]! > this.heapI[b]!);
  }

  private swap(a: number, b: number): void {
    swap(this.heapD, this.heapI, a, b);
  }

  private siftDown(c: number, size: number): void {
    for (;;) {
      const l = 2 * c + 1;
      const r = l + 1;
      let m = c;
      if (l < size && this.worse(l, m)) m = l;
      if (r < size && this.worse(r, m)) m = r;
      if (m === c) return;
      this.swap(c, m);
      c = m;
    }
  }

  /** Offers a candidate to the max-heap of the best heapCap points so far. */
  private push(d2: number, idx: number): void {
    const hd = this.heapD;
    const hi = this.heapI;
    if (this.heapSize < this.heapCap) {
      let c = this.heapSize++;
      hd[c] = d2;
      hi[c] = idx;
      while (c > 0) {
        const par = (c - 1) >> 1;
        if (!this.worse(c, par)) break;
        this.swap(c, par);
        c = par;
      }
    } else if (d2 < hd[0]! || (d2 === hd[0] && idx < hi[0]!)) {
      hd[0] = d2;
      hi[0] = idx;
      this.siftDown(0, this.heapSize);
    }
  }
}

function swap(d: Float64Array, i: Int32Array, a: number, b: number): void {
  const td = d[a]!;
  d[a] = d[b]!;
  d[b] = td;
  const ti = i[a]!;
  i[a] = i[b]!;
  i[b] = ti;
}
