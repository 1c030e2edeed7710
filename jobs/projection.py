#!/usr/bin/env python3
"""Round time and efficiency of synchronous parameter averaging for 8..256 executors, on paper.

The inputs marked "measured" come from BENCHMARKS.md (issue 5: `jobs/bench-cluster.sh` on the local
standalone cluster and `attnspark bench sync`); the ones marked "assumed" are stated there. One replica per
executor, one round = broadcast + load + K local steps (slowest replica) + task result + treeAggregate
(Spark's algorithm: scale = max(ceil(E^(1/depth)), 2), a level while E > scale + ceil(E/scale)) + the
driver's final merge + task scheduling + checkpoint. Prints Markdown tables.
    python3 jobs/projection.py
"""
import math

NET = 1.25e9          # assumed: 10 Gb/s per node, driver included, bytes/s
SCHED = 0.75e-3       # assumed: driver time to launch one task (Spark launches ~1,000-2,000 tasks/s)
STAGES = 2            # stages per round with an aggregation level (map + reduce); 1 without
SPREAD = 0.03         # measured: task-time spread between 2 executors (1.91 s vs 2.00 s at K = 10)
CKPT_BW = 200e6       # assumed: checkpoint write bandwidth to HDFS/S3, bytes/s
MAX_RESULT = 1 << 30  # Spark's default spark.driver.maxResultSize

MODELS = {
    # name: state bytes (params + momentum, float32), serialise s, deserialise s, merge s  (bench sync, measured),
    #       seconds per local step (ResNet-20: measured on 1 CPU core, batch 64; ResNet-50: assumed GPU, batch 64)
    "ResNet-20 (1 CPU core per executor)": dict(state=2.2e6, ser=0.0090, de=0.0092, merge=0.0038, step=0.197),
    "ResNet-50 (1 GPU per executor, assumed 0.20 s/step)": dict(state=204.5e6, ser=0.2879, de=0.0641, merge=0.3586,
                                                                 step=0.20),
}


def tree(executors, depth):
    """(partials the driver merges, results merged per reduce task; 0 when there is no level)."""
    scale = max(math.ceil(executors ** (1.0 / depth)), 2)
    n, fan_in = executors, 0
    while n > scale + math.ceil(n / scale):
        fan_in = max(fan_in, math.ceil(n / (n // scale)))
        n //= scale
    return n, fan_in


def round_time(m, executors, k, depth, checkpoint_every):
    s = m["state"]
    bcast = m["ser"] + s / NET + math.log2(max(executors, 2)) * 4e6 / NET  # torrent: 4 MB blocks from peers
    load = s / NET * 0 + m["de"] + s / 2e9                                 # deserialise + copy into the replica
    compute = k * m["step"] * (1 + SPREAD * math.sqrt(2 * math.log(executors)))
    result = m["ser"]
    finals, fan_in = tree(executors, depth)
    level = 0.0 if fan_in == 0 else fan_in * (s / NET + m["de"] + m["merge"]) + m["ser"]
    driver = finals * (s / NET + m["de"] + m["merge"])
    sched = executors * SCHED * (STAGES if fan_in else 1)
    ckpt = s / CKPT_BW / checkpoint_every
    total = bcast + load + compute + result + level + driver + sched + ckpt
    return dict(total=total, compute=k * m["step"], comm=total - compute, level=level, driver=driver,
                bcast=bcast, sched=sched, finals=finals, fan_in=fan_in, driver_bytes=finals * s)


# sync.method = sharded (issue 15). Two stages per round: training (each task reads the P averaged slices from
# the executors' block managers, trains, encodes and writes P payloads to shuffle files) and averaging (slice
# j's task fetches its E payloads, sums, divides, keeps the slice replicated). Measured on this project's
# machine (BENCHMARKS.md, "Sharded averaging"): encode and average per state (bench sync), the fixed cost of
# the averaging stage (bench-cluster.sh: sharded aggregate_s minus tree's at 2 executors), the driver's cost
# per task (SCHED_MEASURED). Assumed: shuffle files go to the page cache at DISK bytes/s; a fetched shuffle
# block costs BLOCK seconds, BLOCKS_IN_FLIGHT at a time.
DISK = 2e9
BLOCK = 0.5e-3
BLOCKS_IN_FLIGHT = 8
SCHED_MEASURED = 0.5e-3  # marginal driver time per task, 1,024 -> 4,096 trivial tasks on the local cluster
STAGE = 0.13             # measured: the averaging stage's fixed cost (submit, tasks, replicate, collect)
# measured: the averaging stage's cost per byte of state it handles beyond the arithmetic, on this machine:
# ResNet-50-sized state (188 MB), 2 executors: 2.2 s of aggregate_s for S bytes per averaging task.
AVERAGE_BYTES_S = (2.2 - 0.13 - 0.168) / 188e6
SHARDED = {
    # name: encode s (a whole state into its payloads), average s (sum one state's bytes of payloads), bench sync
    "ResNet-20 (1 CPU core per executor)": dict(encode=0.0017, average=0.0038),
    "ResNet-50 (1 GPU per executor, assumed 0.20 s/step)": dict(encode=0.060, average=0.168),
}


def sharded_round_time(m, c, executors, k, slices, checkpoint_every, wire=1.0, per_byte=0.0):
    """One sharded round (see ShardedExchange); wire = payload bytes / float32 bytes (0.75 for bfloat16)."""
    s, e = m["state"], executors
    p = slices or e
    fetch = s * (e - 1) / e / NET + m["de"]                             # slices from other block managers
    compute = k * m["step"] * (1 + SPREAD * math.sqrt(2 * math.log(e)))
    send = c["encode"] * wire + s * wire / DISK                          # encode, write P payloads
    average = (STAGE + e * s * wire / p / NET + e * BLOCK / BLOCKS_IN_FLIGHT
               + c["average"] * e / p + s / p / NET                      # fetch E payloads, sum, replicate
               + per_byte * e * s / p)                                   # the rest, as measured here
    sched = (e + p) * SCHED
    ckpt = s / p / CKPT_BW / checkpoint_every
    total = fetch + compute + send + average + sched + ckpt
    return dict(total=total, compute=k * m["step"], sched=sched, task_bytes=max(2 * s, e * s / p + s / p))


def main():
    for name, m in MODELS.items():
        for k, depth, every in ((10, 2, 1), (50, 2, 10), (10, 3, 10)):
            print(f"\n{name}, K = {k}, tree depth {depth}, checkpoint every {every} rounds\n")
            print("| executors | driver merges | fan-in per level | round s | of which local steps | broadcast s"
                  " | aggregation level s | driver merge s | scheduling s | efficiency | results to driver |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for e in (2, 8, 16, 32, 64, 128, 256):
                r = round_time(m, e, k, depth, every)
                over = " (> maxResultSize 1g)" if r["driver_bytes"] > MAX_RESULT else ""
                print(f"| {e} | {r['finals']} | {r['fan_in'] or '-'} | {r['total']:.2f} | {r['compute']:.2f} |"
                      f" {r['bcast']:.2f} | {r['level']:.2f} | {r['driver']:.2f} | {r['sched']:.2f} |"
                      f" {r['compute'] / r['total']:.0%} | {r['driver_bytes'] / 1e6:.0f} MB{over} |")


    print("\n## tree vs sharded, K = 10, checkpoint every 10 rounds, driver cost per task as measured"
          f" ({SCHED_MEASURED * 1e3:.2f} ms)\n")
    global NET, SCHED
    SCHED = SCHED_MEASURED
    for name, m in MODELS.items():
        c = SHARDED[name]
        print(f"\n{name}\n")
        print("| executors | tree, 10 Gb/s | sharded, 10 Gb/s | tree, 25 Gb/s | sharded, 25 Gb/s"
              " | sharded, 25 Gb/s, bfloat16 | sharded, 25 Gb/s, averaging at this machine's measured rate"
              " | sharded: state bytes per task"
              " | sharded: scheduling s |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for e in (2, 8, 16, 32, 64, 128, 256):
            row = []
            for net in (1.25e9, 3.125e9):
                NET = net
                row.append(round_time(m, e, 10, 2, 10))
                row.append(sharded_round_time(m, c, e, 10, 0, 10))
            row.append(sharded_round_time(m, c, e, 10, 0, 10, wire=0.75))
            row.append(sharded_round_time(m, c, e, 10, 0, 10, per_byte=AVERAGE_BYTES_S))
            NET = 1.25e9
            cells = " | ".join(f"{r['total']:.2f} s ({r['compute'] / r['total']:.0%})" for r in row)
            print(f"| {e} | {cells} | {row[3]['task_bytes'] / 1e6:.0f} MB | {row[3]['sched']:.2f} |")
    SCHED = 0.75e-3


if __name__ == "__main__":
    main()
