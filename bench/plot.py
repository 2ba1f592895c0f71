#!/usr/bin/env python3
"""Summarises bench/dataplane.sh's results: a Markdown table of each DUT's
median and best Mpps with both ratios against testpmd-io of the same run,
and a PNG bar chart of Mpps by DUT and traffic shape (needs matplotlib).

    python3 bench/plot.py target/bench
"""
import json
import os
import sys

SHAPES = [
    ("flows-1", "1 flow"),
    ("flows-1024", "1K MAC pairs"),
    ("flows-65536", "64K MAC pairs"),
    ("flows-1024-1518B", "1K pairs, 1518 B"),
    ("l3-65536", "routed, 64K dst"),
]


def load(out):
    rows = []
    for name, label in SHAPES:
        path = os.path.join(out, name + ".json")
        if not os.path.exists(path):
            continue
        run = json.load(open(path))
        trials = [t for t in run["trials"] if t.get("ok")]
        base = [t["mpps"] for t in trials if t["dut"] == "testpmd-io"]
        for s in run["summary"]:
            best = max((t["mpps"] for t in trials if t["dut"] == s["dut"]), default=0.0)
            rows.append({
                "shape": label,
                "dut": s["dut"],
                "median": s["median"],
                "best": best,
                "ratio_median": s["ratio"],
                "ratio_best": best / max(base) if base else 0.0,
                "n": s["n"],
            })
    return rows


def table(rows):
    out = ["| traffic | DUT | median Mpps | best Mpps | median / testpmd-io median "
           "| best / testpmd-io best | trials |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        out.append("| %s | %s | %.2f | %.2f | %.3f | %.3f | %d |" % (
            r["shape"], r["dut"], r["median"], r["best"], r["ratio_median"],
            r["ratio_best"], r["n"]))
    return "\n".join(out)


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no matplotlib: pip install matplotlib for the plot)")
        return
    shapes = [label for _, label in SHAPES if any(r["shape"] == label for r in rows)]
    duts = []
    for r in rows:
        if r["dut"] not in duts:
            duts.append(r["dut"])
    width = 0.8 / max(len(duts), 1)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for i, d in enumerate(duts):
        xs, ys = [], []
        for j, s in enumerate(shapes):
            m = [r["median"] for r in rows if r["dut"] == d and r["shape"] == s]
            if m:
                xs.append(j + i * width)
                ys.append(m[0])
        ax.bar(xs, ys, width, label=d)
    ax.set_xticks([j + width * (len(duts) - 1) / 2 for j in range(len(shapes))])
    ax.set_xticklabels(shapes)
    ax.set_ylabel("Mpps (median, both directions)")
    ax.set_title("vhost-user loopback, one forwarding core, 64 B unless said")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print("wrote", path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/bench"
    rows = load(out)
    text = table(rows)
    open(os.path.join(out, "summary.md"), "w").write(text + "\n")
    print(text)
    plot(rows, os.path.join(out, "dataplane.png"))


if __name__ == "__main__":
    main()
