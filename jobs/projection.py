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


# sync.method = sharded (issue 15). Measured: encode/average per state (bench sync), the fixed per-round cost
# of its extra stages on the local cluster (bench-cluster.sh, sharded aggregate_s minus the data costs).
# Assumed: shuffle files written to the page cache at DISK bytes/s; each fetched shuffle block costs
# BLOCK seconds, BLOCKS_IN_FLIGHT at a time.
DISK = 2e9
BLOCK = 0.5e-3
BLOCKS_IN_FLIGHT = 8
SHARDED = {
    # name: encode s (a whole state into its payloads), average s (sum the payloads of one state's bytes)
    "ResNet-20 (1 CPU core per executor)": dict(encode=0.0013, average=0.0082),
    "ResNet-50 (1 GPU per executor, assumed 0.20 s/step)": dict(encode=0.060, average=0.164),
}
STAGE = 0.02          # measured (calibrated): fixed cost of one extra stage on the local cluster, s


def sharded_round_time(m, c, executors, k, slices, checkpoint_every, wire_share=1.0):
    """One sharded round: all-gather stage, training stage, averaging stage (see ShardedExchange)."""
    s, e = m["state"], executors
    p = slices or e
    net = s * (e - 1) / e / NET
    gather = STAGE + e * s / p / DISK                                    # each slice task writes E copies
    fetch = net + p * BLOCK / BLOCKS_IN_FLIGHT + c["encode"]             # read P blocks, unpack (~ encode)
    compute = k * m["step"] * (1 + SPREAD * math.sqrt(2 * math.log(e)))
    send = c["encode"] * wire_share + s * wire_share / DISK              # encode and write P payloads
    average = (STAGE + e * s * wire_share / p / NET + e * BLOCK / BLOCKS_IN_FLIGHT
               + c["average"] * e / p + 2 * s / p / NET)                 # fetch N payloads, sum, replicate
    sched = (e + 2 * p) * SCHED
    ckpt = s / p / CKPT_BW / checkpoint_every
    total = gather + fetch + compute + send + average + sched + ckpt
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


    print("\n## sync.method = sharded: round time (efficiency) by link speed, K and slices\n")
    for name, m in MODELS.items():
        c = SHARDED[name]
        print(f"\n{name}; checkpoint every 10 rounds; P = slices (E: one per executor)\n")
        print("| executors | tree K = 10, 10 Gb/s | sharded K = 10, 10 Gb/s | tree K = 10, 25 Gb/s"
              " | sharded K = 10, 25 Gb/s, P = E | sharded K = 10, 25 Gb/s, P = E/4 | sharded, bytes per task"
              " | scheduling s (P = E) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        global NET
        for e in (2, 8, 16, 32, 64, 128, 256):
            cells = []
            for net in (1.25e9, 3.125e9):
                NET = net
                t = round_time(m, e, 10, 2, 10)
                sh = sharded_round_time(m, c, e, 10, 0, 10)
                cells.append((t, sh))
            NET = 3.125e9
            quarter = sharded_round_time(m, c, e, 10, max(1, e // 4), 10)
            NET = 1.25e9
            (t10, s10), (t25, s25) = cells
            print(f"| {e} | {t10['total']:.2f} s ({t10['compute'] / t10['total']:.0%}) |"
                  f" {s10['total']:.2f} s ({s10['compute'] / s10['total']:.0%}) |"
                  f" {t25['total']:.2f} s ({t25['compute'] / t25['total']:.0%}) |"
                  f" {s25['total']:.2f} s ({s25['compute'] / s25['total']:.0%}) |"
                  f" {quarter['total']:.2f} s ({quarter['compute'] / quarter['total']:.0%}) |"
                  f" {s25['task_bytes'] / 1e6:.0f} MB | {s25['sched']:.2f} |")


if __name__ == "__main__":
    main()
