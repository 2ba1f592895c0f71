#!/usr/bin/env python3
"""Scrapes an OpenMetrics endpoint as Prometheus would and parses it with
Prometheus' own Python parser (prometheus_client.openmetrics.parser, which
refuses text that breaks the format). Prints one JSON object:
{"content_type": ..., "samples": {"NAME{label=value,...}": value}}.

Usage: metrics_scrape.py URL
"""
import json
import sys
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        content_type = r.headers.get("Content-Type", "")
        text = r.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
            samples["%s{%s}" % (s.name, labels)] = s.value
    print(json.dumps({"content_type": content_type, "samples": samples}))


if __name__ == "__main__":
    main()
