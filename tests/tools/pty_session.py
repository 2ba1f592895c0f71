#!/usr/bin/env python3
"""Drives a program through a pseudo-terminal, as a person at a keyboard
would, expect-style: a JSON list of steps on stdin, each ["send", TEXT]
(keystrokes; "\\t" is Tab, "\\x1a" Ctrl-Z, "\\r" Enter) or ["expect", TEXT]
(wait up to 10 s for TEXT in the output since the last expect). Prints the
whole transcript; exits 1 if an expect timed out (saying which).

    echo '[["expect","lisa>"],["send","en\\r"],["expect","lisa#"]]' | \\
        pty_session.py swcli --socket /run/lisa/lisa.sock
"""
import json
import os
import pty
import select
import sys
import time


def main():
    steps = json.load(sys.stdin)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(sys.argv[1], sys.argv[1:])
    transcript = b""
    seen = 0
    failed = None
    for kind, text in steps:
        if kind == "send":
            os.write(fd, text.encode())
            time.sleep(0.15)
            continue
        deadline = time.time() + 10
        want = text.encode()
        while want not in transcript[seen:]:
            left = deadline - time.time()
            if left <= 0:
                failed = text
                break
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    failed = text
                    break
                transcript += chunk
        if failed:
            break
        seen = transcript.index(want, seen) + len(want)
    # Let the program finish what it prints, then end it.
    end = time.time() + 1
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    if failed:
        sys.stdout.write("\n--- timed out waiting for %r ---\n" % failed)
        sys.exit(1)


if __name__ == "__main__":
    main()
