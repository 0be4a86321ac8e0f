// A k-d tree for exact k-nearest-neighbour queries in a few dimensions (photo-z colour space).
// Points live in one flat Float64Array (n × dim); the tree is a permutation of point indices plus flat node
// arrays, built by median splits on the dimension of largest spread, with leaves of up to LEAF_SIZE points.
// Queries descend to the nearest leaf first and prune subtrees farther than the current k-th neighbour, so
// a query costs ~log n + k distance evaluations instead of n. Ties are broken by point index, so results are
// deterministic.

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
        const v = this.points[this.perm[i] * this.dim + d];
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
    this.splitValue[node] = this.points[this.perm[mid] * this.dim + best];
    this.left[node] = this.build(lo, mid);
    this.right[node] = this.build(mid, hi);
    return node;
  }

  private key(i: number, d: number): number {
    return this.points[this.perm[i] * this.dim + d];
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
          const t = p[i];
          p[i] = p[j];
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

  /**
   * The k nearest points to `query` (read from query[offset .. offset+dim)), nearest first: their indices into
   * the original point array go to outIndex and squared distances to outDist2. Returns how many were found
   * (k, or n when n < k).
   */
  nearest(query: ArrayLike<number>, offset: number, k: number, outIndex: Int32Array, outDist2: Float64Array): number {
    const kk = Math.min(k, this.n);
    if (kk === 0) return 0;
    // Max-heap of the best kk so far, keyed by (distance, index).
    let size = 0;
    const heapD = outDist2;
    const heapI = outIndex;
    const worse = (a: number, b: number) => heapD[a] > heapD[b] || (heapD[a] === heapD[b] && heapI[a] > heapI[b]);
    const push = (d2: number, idx: number) => {
      if (size < kk) {
        let c = size++;
        heapD[c] = d2;
        heapI[c] = idx;
        while (c > 0) {
          const par = (c - 1) >> 1;
          if (!worse(c, par)) break;
          swap(heapD, heapI, c, par);
          c = par;
        }
      } else if (d2 < heapD[0] || (d2 === heapD[0] && idx < heapI[0])) {
        heapD[0] = d2;
        heapI[0] = idx;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          const r = l + 1;
          let m = c;
          if (l < size && worse(l, m)) m = l;
          if (r < size && worse(r, m)) m = r;
          if (m === c) break;
          swap(heapD, heapI, c, m);
          c = m;
        }
      }
    };
    const visit = (node: number) => {
      const d = this.splitDim[node];
      if (d < 0) {
        for (let i = this.start[node]; i < this.end[node]; i++) {
          const idx = this.perm[i];
          const base = idx * this.dim;
          let d2 = 0;
          for (let q = 0; q < this.dim; q++) {
            const diff = this.points[base + q] - query[offset + q];
            d2 += diff * diff;
          }
          push(d2, idx);
        }
        return;
      }
      const diff = query[offset + d] - this.splitValue[node];
      const near = diff < 0 ? this.left[node] : this.right[node];
      const far = diff < 0 ? this.right[node] : this.left[node];
      visit(near);
      if (size < kk || diff * diff <= heapD[0]) visit(far);
    };
    visit(0);
    // Heap-sort in place: nearest first.
    for (let last = size - 1; last > 0; last--) {
      swap(heapD, heapI, 0, last);
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < last && worse(l, m)) m = l;
        if (r < last && worse(r, m)) m = r;
        if (m === c) break;
        swap(heapD, heapI, c, m);
        c = m;
      }
    }
    return size;
  }
}

function swap(d: Float64Array, i: Int32Array, a: number, b: number): void {
  const td = d[a];
  d[a] = d[b];
  d[b] = td;
  const ti = i[a];
  i[a] = i[b];
  i[b] = ti;
}
