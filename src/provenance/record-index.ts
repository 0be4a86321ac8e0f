// Every stage record of every run of a project (`.cache/runs/<run>/records.jsonl`), indexed by output path
// and by output content hash: what `lbg why` needs to say which stage made a file, and which stage made
// the exact content another stage read. Read-only: it never takes a lock or rewrites a record file.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { RecordStore, recordsFile } from "../store/record-store.ts";
import type { StageRecord } from "../store/stage-record.ts";

export interface IndexedRecord {
  /** The run whose records hold it (its folder name under `.cache/runs`). */
  run: string;
  record: StageRecord;
}

export interface IndexedOutput extends IndexedRecord {
  tag: string;
}

export class RecordIndex {
  private byPathMap = new Map<string, IndexedOutput[]>();
  private byHashMap = new Map<string, IndexedOutput[]>();
  private stages = new Map<string, IndexedRecord>();
  /** Damaged record files, reported once by the caller. */
  readonly damage: string[] = [];

  private constructor() {}

  static load(root: string, h64: (s: string) => string): RecordIndex {
    const index = new RecordIndex();
    const runsDir = join(root, ".cache", "runs");
    const runs = existsSync(runsDir)
      ? readdirSync(runsDir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort()
      : [];
    for (const run of runs) {
      const store = new RecordStore(recordsFile(join(runsDir, run)), h64).load();
      if (store.damage) index.damage.push(store.damage);
      for (const record of store.all()) index.add(run, record);
    }
    return index;
  }

  private add(run: string, record: StageRecord): void {
    this.stages.set(`${run}\0${record.stage}`, { run, record });
    for (const [tag, o] of Object.entries(record.outputs ?? {})) {
      const entry = { run, record, tag };
      push(this.byPathMap, o.path, entry);
      push(this.byHashMap, o.hash, entry);
    }
  }

  /** Records with an output at this path (relative to the root). */
  byPath(path: string): IndexedOutput[] {
    return this.byPathMap.get(path) ?? [];
  }

  /** Records with an output of this content hash. */
  byHash(hash: string): IndexedOutput[] {
    return this.byHashMap.get(hash) ?? [];
  }

  get(run: string, stage: string): IndexedRecord | undefined {
    return this.stages.get(`${run}\0${stage}`);
  }

  /** Records (any run) that read this path as an input, for files no stage made. */
  readersOf(path: string): { run: string; stage: string; tag: string }[] {
    const out: { run: string; stage: string; tag: string }[] = [];
    for (const { run, record } of this.stages.values())
      for (const [tag, i] of Object.entries(record.fingerprint?.inputs ?? {}))
        if (i.path === path) out.push({ run, stage: record.stage, tag });
    return out;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
