#!/usr/bin/env bash
# Installs everything gatewayctl's build and tests need on a fresh Debian 12 machine (as root).
# Idempotent: re-running only refreshes the package lists and skips what is installed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  libdb-dev libpcre2-dev db-util             # MapBuilder: Berkeley DB and PCRE2
  liblmdb-dev libcdb-dev                     # MapBuilder: lmdb and cdb (tinycdb) tables
  postfix postfix-pcre                       # the oracle: postmap, postconf, postfix, smtpd, smtp-sink
  postfix-lmdb postfix-cdb tinycdb           # postmap lmdb:/cdb:, and `cdb -d` to list a cdb file
  clamav clamav-daemon clamav-freshclam      # clamconf, clamd, sigtool
  spamassassin amavisd-new                   # spamassassin --lint, amavisd-new
  postgrey policyd-weight                    # policy services
  rspamd redis-server                        # the rspamd engine: rspamadm configtest, rspamd, Redis
  swaks                                      # SMTP client for end-to-end checks (--tls too)
  dnsmasq-base                               # a DNS fixture server on loopback
  iproute2 procps psmisc time                # ip netns, ps, killall, /usr/bin/time
  strace                                     # syscall traces: read-once and crash-point tests
  man-db                                     # man: the rule man page renders without warnings
  libssl-dev openssl                         # probe's STARTTLS (OpenSSL); test certificates
  nftables                                   # nft -c: the emitted packet filter validates
  rsyslog                                    # syslog inside the stock-install acceptance jail
  valgrind linux-perf                        # bench/: instruction counts (callgrind) and CPU time (perf stat)
)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Postfix asks how to configure itself; the tests bring their own main.cf.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
# Debian packages start nothing here (no init system); tests start what they need themselves.
echo "setup: Debian packages present: ${#packages[@]}"
