// Pure parsers: sizes for --max-size and their display; sacct's durations, sizes and step lines.
import { describe, expect, it } from "vitest";
import { formatBytes, parseByteSize } from "../../src/cache/byte-size.ts";
import { parseSlurmDuration, parseSlurmSize, pickStep } from "../../src/slurm/step-usage.ts";

describe("sizes", () => {
  it("reads sizes as people write them, in powers of 1024", () => {
    expect(parseByteSize("20G")).toBe(20 * 1024 ** 3);
    expect(parseByteSize("20GB")).toBe(20 * 1024 ** 3);
    expect(parseByteSize("1.5T")).toBe(1.5 * 1024 ** 4);
    expect(parseByteSize("500m")).toBe(500 * 1024 ** 2);
    expect(parseByteSize("0")).toBe(0);
    expect(parseByteSize("4096")).toBe(4096);
    for (const bad of ["", "G", "-1G", "20X", "twenty"]) expect(parseByteSize(bad)).toBeUndefined();
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatBytes(200 * 1024 ** 2)).toBe("200 MiB");
  });
});

describe("sacct", () => {
  it("reads Elapsed/TotalCPU durations and MaxRSS sizes", () => {
    expect(parseSlurmDuration("00:01:02")).toBe(62);
    expect(parseSlurmDuration("01:02.500")).toBe(62.5);
    expect(parseSlurmDuration("1-02:00:00")).toBe(26 * 3600);
    expect(parseSlurmDuration("")).toBeUndefined();
    expect(parseSlurmSize("123456K")).toBe(123456 * 1024);
    expect(parseSlurmSize("1.5G")).toBe(1.5 * 1024 ** 3);
    expect(parseSlurmSize("")).toBeUndefined();
  });

  it("picks the newest completed step of the stage", () => {
    const out = [
      "77|lbg-build|RUNNING|00:10:00|00:00:01|",
      "77.batch|batch|RUNNING|00:10:00|00:00:01|",
      "77.0|SplitCatalog|COMPLETED|00:00:04|00:03.200|51200K",
      "77.1|TrainPhotoz|COMPLETED|00:00:09|00:08.100|1.2G",
      "77.2|SplitCatalog|COMPLETED|00:00:05|00:04.000|61440K",
      "77.3|SplitCatalog|FAILED|00:00:01|00:00.100|1024K",
    ].join("\n");
    expect(pickStep(out, "77", "SplitCatalog")).toEqual({ wallSeconds: 5, cpuSeconds: 4, maxRssBytes: 61440 * 1024 });
    expect(pickStep(out, "77", "TrainPhotoz")?.maxRssBytes).toBe(Math.round(1.2 * 1024 ** 3));
    expect(pickStep(out, "77", "EvaluatePhotoz")).toBeUndefined();
    expect(pickStep("77.0|X|COMPLETED|00:00:01|00:00.500|\n", "77", "X")).toEqual({ wallSeconds: 1, cpuSeconds: 0.5 });
  });
});
