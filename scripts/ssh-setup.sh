#!/usr/bin/env bash
# Remote CLI over SSH with Debian's OpenSSH: accounts in group `lisa` get
# swcli instead of a shell (sshd's ForceCommand, no forwarding), members of
# `lisa-admin` start in privileged EXEC, the others in user EXEC (`enable`
# asks the enable secret). Idempotent; run as root.
#
#   sudo scripts/ssh-setup.sh                      # sshd on port 22, /run/lisa/lisa.sock
#   sudo useradd -m -G lisa,lisa-admin netops && sudo passwd netops
#   sudo target/release/lisad --socket-group lisa ...
#   ssh netops@switch                              # edge1#
#
# Options:
#   --socket PATH      lisad's control socket (default /run/lisa/lisa.sock)
#   --swcli PATH       the swcli to install (default target/release/swcli)
#   --standalone DIR   do not touch the system's sshd: write DIR/sshd_config
#                      (with its own host key) and start a second sshd with
#                      it, on --port (the tests do this)
#   --port N           the standalone sshd's port (default 2222)
set -euo pipefail
cd "$(dirname "$0")/.."

SOCKET=/run/lisa/lisa.sock
SWCLI=target/release/swcli
STANDALONE=
PORT=2222
while (($#)); do
  case "$1" in
    --socket) SOCKET=$2; shift 2 ;;
    --swcli) SWCLI=$2; shift 2 ;;
    --standalone) STANDALONE=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "ssh-setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if ! dpkg-query -W -f='${Status}' openssh-server 2>/dev/null | grep -q "install ok installed"; then
  echo "installing openssh-server"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server
fi
for g in lisa lisa-admin; do
  getent group "$g" >/dev/null || groupadd --system "$g"
done
[ -x "$SWCLI" ] || { echo "ssh-setup.sh: no swcli at $SWCLI (cargo build --release --workspace)" >&2; exit 1; }
install -m 0755 "$SWCLI" /usr/local/bin/swcli

# The part both setups share: who gets swcli, and nothing else.
match_block() {
  cat <<EOF
# LiSA-DP: members of group lisa manage the switch and get only swcli.
Match Group lisa
  ForceCommand /usr/local/bin/swcli --login --socket $SOCKET
  DisableForwarding yes
  PermitTTY yes
  PermitUserRC no
# Back to every user for whatever follows this file.
Match all
EOF
}

mkdir -p /run/sshd
if [ -n "$STANDALONE" ]; then
  mkdir -p "$STANDALONE"
  [ -f "$STANDALONE/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$STANDALONE/host_ed25519"
  {
    echo "Port $PORT"
    echo "ListenAddress 127.0.0.1"
    echo "HostKey $STANDALONE/host_ed25519"
    echo "PidFile $STANDALONE/sshd.pid"
    echo "UsePAM yes"
    echo "PasswordAuthentication yes"
    echo "KbdInteractiveAuthentication no"
    match_block
  } >"$STANDALONE/sshd_config"
  /usr/sbin/sshd -t -f "$STANDALONE/sshd_config"
  if [ -f "$STANDALONE/sshd.pid" ] && kill -0 "$(cat "$STANDALONE/sshd.pid")" 2>/dev/null; then
    kill -HUP "$(cat "$STANDALONE/sshd.pid")"
  else
    /usr/sbin/sshd -f "$STANDALONE/sshd_config" -E "$STANDALONE/sshd.log"
  fi
  echo "sshd for LiSA-DP on 127.0.0.1:$PORT (pid $(cat "$STANDALONE/sshd.pid" 2>/dev/null || echo '?'))"
  exit 0
fi

conf=/etc/ssh/sshd_config.d/lisa-dp.conf
match_block >"$conf"
grep -qE '^Include /etc/ssh/sshd_config.d/\*\.conf' /etc/ssh/sshd_config \
  || sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config
ssh-keygen -A >/dev/null
/usr/sbin/sshd -t
if [ -f /run/sshd.pid ] && kill -0 "$(cat /run/sshd.pid)" 2>/dev/null; then
  kill -HUP "$(cat /run/sshd.pid)"
elif command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  systemctl reload-or-restart ssh
else
  /usr/sbin/sshd
fi
echo "sshd: members of group lisa now get swcli ($conf); lisad must run with --socket-group lisa"
