#!/usr/bin/env python3
"""CloudTrail logs spread over many days, for the lake's benchmarks (`bench/lake-bench.sh`).

    python3 bench/lake_gen.py OUT [--gb 1.0] [--days 180] [--seed 7]

The events of bench/trail_gen.py (same principals, calls, resources and error rates),
written in CloudTrail's layout for one account and several regions, with files spread
evenly over --days days from 2024-01-01, so that a 90-day window is part of the data.
"""

import argparse
import datetime
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trail_gen  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    people, weights = trail_gen.principals(rng)
    target = int(a.gb * (1 << 30))
    # About 1.7 MB of JSON per file (trail_gen's files average 1,350 events).
    files_expected = max(1, target // 1_700_000)
    step = datetime.timedelta(seconds=a.days * 86400 / files_expected)
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    written = files = events = 0
    while written < target:
        region = rng.choice(trail_gen.REGIONS)
        when = start + step * files
        recs = []
        for _ in range(rng.randrange(200, 2500)):
            p = rng.choices(people, weights)[0]
            t = (when + datetime.timedelta(seconds=rng.randrange(300))).strftime("%Y-%m-%dT%H:%M:%SZ")
            recs.append(trail_gen.event(rng, t, region, p, rng.choice(trail_gen.CALLS)))
        body = json.dumps({"Records": recs}, separators=(",", ":")).encode()
        d = os.path.join(a.out, "AWSLogs", trail_gen.ACCOUNT, "CloudTrail", region, when.strftime("%Y/%m/%d"))
        os.makedirs(d, exist_ok=True)
        name = f"{trail_gen.ACCOUNT}_CloudTrail_{region}_{when.strftime('%Y%m%dT%H%MZ')}_{rng.getrandbits(64):016x}.json.gz"
        with open(os.path.join(d, name), "wb") as f:
            f.write(gzip.compress(body, compresslevel=6, mtime=0))
        written += len(body)
        files += 1
        events += len(recs)
    print(f"{files} files, {events} events, {written / (1 << 30):.2f} GiB uncompressed, {a.days} days, under {a.out}")


if __name__ == "__main__":
    main()
