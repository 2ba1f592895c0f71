#!/usr/bin/env python3
"""Parses stdin as the output of IOS command ARGV[1] with ntc-templates'
TextFSM template (platform cisco_ios), as Netmiko's use_textfsm does, and
prints one record a line: key=value pairs joined by '|', keys sorted, list
values joined by ','. Exits 1 if the template raises."""
import sys

from ntc_templates.parse import parse_output

try:
    rows = parse_output(platform="cisco_ios", command=sys.argv[1], data=sys.stdin.read())
except Exception as e:  # the template's own error, for the test to show
    print("TextFSM: %s" % e, file=sys.stderr)
    sys.exit(1)
for r in rows:
    print("|".join("%s=%s" % (k, ",".join(v) if isinstance(v, list) else v) for k, v in sorted(r.items())))
