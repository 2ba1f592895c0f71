#!/usr/bin/env python3
"""Pastes every ../shared/ios-corpus config into a fresh lisad (physical interfaces mapped to
Ethernet1..N null ports in order of first appearance) and counts swcli's refusals, by message
and by line. Run as root after `cargo build --release --workspace`: python3 bench/ios_corpus.py [N]"""
import collections, os, re, subprocess, sys, tempfile, time
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("LISA_IOS_CORPUS") or os.path.join(os.path.dirname(ROOT), "shared", "ios-corpus")
PHYS = re.compile(r"^(?:[A-Za-z]*Ethernet|Gi|Fa|Te|Eth?)\s*[0-9][0-9/.:]*$", re.I)
# Messages IOS prints for lines it takes.
NOTICES = ("% Access VLAN does not exist. Creating vlan",)
total = 0
reasons = collections.Counter()
lines_by_kind = collections.Counter()
per_file = {}
def mapped(f):
    """The config `f` with its physical interfaces renamed Ethernet1..N
    (in order of first appearance), and N."""
    text = open(os.path.join(CORPUS, f), errors="replace").read()
    names = []
    for m in re.finditer(r"(?m)^interface\s+(?:range\s+)?(\S+(?:\s+\d\S*)?)", text):
        n = m.group(1).strip()
        # lisad takes at most 32 ports: the interfaces beyond stay unknown.
        if PHYS.match(n) and n not in names and len(names) < 32:
            names.append(n)
    # longest first so Gi1/0/10 is not cut by Gi1/0/1
    mapping = {n: "Ethernet%d" % (i + 1) for i, n in enumerate(names)}
    for n in sorted(mapping, key=len, reverse=True):
        text = re.sub(r"(?<![\w/])%s(?![\w/])" % re.escape(n), mapping[n], text)
    return text, names


if len(sys.argv) > 2 and sys.argv[1] == "--map":
    # For tests/e2e/ios_corpus.rs: the mapped text, after a first line "PORTS N".
    text, names = mapped(sys.argv[2])
    sys.stdout.write("PORTS %d\n%s" % (len(names), text))
    sys.exit(0)
for f in sorted(os.listdir(CORPUS)):
    if not f.endswith(".cfg"):
        continue
    text, names = mapped(f)
    work = tempfile.mkdtemp(prefix="corp-")
    sock = os.path.join(work, "s.sock")
    cmd = [ROOT + "/target/release/lisad", "--socket", sock, "--memory", "256", "--workers", "1",
           "--file-prefix", "corp", "--startup-config", os.path.join(work, "startup"),
           "--vhost-dir", "", "--log", "error"]
    for i in range(max(1, len(names))):
        cmd += ["--port", "Ethernet%d=null" % (i + 1)]
    d = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    out = subprocess.run([ROOT + "/target/release/swcli"], input="configure terminal\n" + text,
                         capture_output=True, text=True, env=dict(os.environ, LISA_SOCKET=sock), timeout=120)
    d.terminate(); d.wait()
    o = out.stdout.splitlines()
    # IOS's notices for taken lines start with "%" too; they are no refusal.
    errs = [i for i, l in enumerate(o) if l.startswith("%") and not l.startswith(NOTICES)]
    per_file[f] = len(errs)
    total += len(errs)
    for i in errs:
        reasons[o[i][:50]] += 1
        # the offending line is printed before the caret line for invalid input
        if i >= 2 and o[i].startswith("% Invalid") and o[i - 1].strip().endswith("^"):
            lines_by_kind[" ".join(o[i - 2].split()[:2])] += 1
        else:
            lines_by_kind["(" + o[i][:60] + ")"] += 1
print("total refusals:", total)
for f, n in per_file.items():
    print("  %-40s %d" % (f, n))
print("\nby message:")
for r, n in reasons.most_common(10):
    print("  %5d %s" % (n, r))
print("\nby line (first two words):")
for r, n in lines_by_kind.most_common(int(sys.argv[1]) if len(sys.argv) > 1 else 60):
    print("  %5d %s" % (n, r))
