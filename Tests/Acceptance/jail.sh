#!/usr/bin/env bash
# The gateway host of the stock-install acceptance test (stock-install.sh starts it as
# `ip netns exec JAIL unshare -m --propagation private jail.sh WORK`): a private mount namespace
# in the jail's network namespace (loopback down: no 127.0.0.1). It puts the emitted Debian tree
# at its real paths, runs the emitted host-setup.sh for real (twice: the second run must change
# nothing), starts every daemon as the Debian packages do, as their package users, then waits
# for WORK/stop. Nothing is switched off; freshclam alone does not run (no Internet).
set -euo pipefail
W=$1
log() { echo "jail: $*"; }
die() { echo "jail: FAIL: $*" >&2; touch "$W/failed"; exit 1; }

# /etc: the host's, with the emitted tree copied over the package files (stock-install.sh made
# the copy); state and runtime directories: fresh ones with the packages' owners.
mount --bind "$W/etc" /etc || die "bind mount of /etc refused (mount namespaces unavailable?)"
for d in /var/spool/postfix /var/lib/postfix /var/lib/postgrey /var/lib/amavis /var/lib/clamav /var/log /run; do
    mount --bind "$W/root$d" "$d" || die "bind mount of $d refused"
done
# /dev with its own /dev/log, so the daemons' syslog goes to this test's rsyslogd (the host has
# none, and creating a socket in the host's /dev would outlive the test).
mkdir -p "$W/hostdev"
mount --rbind /dev "$W/hostdev"
mount -t tmpfs -o mode=0755 tmpfs /dev
for n in null zero full random urandom tty; do touch "/dev/$n"; mount --bind "$W/hostdev/$n" "/dev/$n"; done
mkdir -p /dev/pts /dev/shm
mount --rbind "$W/hostdev/pts" /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr

cat >"$W/rsyslog.conf" <<EOF
module(load="imuxsock" SysSock.Name="/dev/log")
*.* $W/syslog
EOF
rsyslogd -f "$W/rsyslog.conf" -i "$W/rsyslogd.pid" || die "rsyslogd did not start"

# The admin's step: the emitted script, as root, for real.
sh /etc/gatewayctl/host-setup.sh >"$W/host-setup-1.log" 2>&1 || die "host-setup.sh failed: $(cat "$W/host-setup-1.log")"
sh /etc/gatewayctl/host-setup.sh >"$W/host-setup-2.log" 2>&1 || die "host-setup.sh failed on its second run: $(cat "$W/host-setup-2.log")"
log "host-setup.sh ran twice"

# Daemons, each the way its Debian unit or init script starts it.
clamd || die "clamd did not start: $(tail -5 /var/log/clamav/clamav.log 2>/dev/null)"
/etc/init.d/postgrey start >"$W/postgrey.start" 2>&1 || die "postgrey did not start: $(cat "$W/postgrey.start")"
/etc/init.d/policyd-weight start >"$W/policyd-weight.start" 2>&1 || die "policyd-weight did not start: $(cat "$W/policyd-weight.start")"
/etc/init.d/amavis start >"$W/amavis.start" 2>&1 || die "amavis did not start: $(cat "$W/amavis.start")"
postfix post-install create-missing >"$W/postfix.install" 2>&1 || die "postfix post-install failed: $(cat "$W/postfix.install")"
postfix check >"$W/postfix.check" 2>&1 || die "postfix check failed: $(cat "$W/postfix.check")"
postfix start >"$W/postfix.start" 2>&1 || die "postfix did not start: $(cat "$W/postfix.start")"

touch "$W/ready"
log "ready"
while [ ! -e "$W/stop" ]; do sleep 0.2; done

postfix stop >/dev/null 2>&1 || true
/etc/init.d/amavis stop >/dev/null 2>&1 || true
/etc/init.d/policyd-weight stop >/dev/null 2>&1 || true
/etc/init.d/postgrey stop >/dev/null 2>&1 || true
[ -f /run/clamav/clamd.pid ] && kill "$(cat /run/clamav/clamd.pid)" 2>/dev/null || true
kill "$(cat "$W/rsyslogd.pid")" 2>/dev/null || true
log "stopped"
