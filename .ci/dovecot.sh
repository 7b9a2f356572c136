#!/usr/bin/env bash
# Start a throwaway IMAP server (Debian's dovecot-imapd) on 127.0.0.1 for the test suite and
# print its URL: imap://USER:PASSWORD@127.0.0.1:PORT (plain IMAP, a test user from a private
# passdb, mail under $DIR). Installs the package when it is missing (as root). Idempotent.
# Exit status 3, with a message, when the package cannot be had here (the tests say so).
# Every outside step has a time limit, so a stalled mirror or daemon fails instead of hanging CI.
set -euo pipefail
PORT=${IMAPTEST_PORT:-14329}
DIR=${IMAPTEST_DIR:-/tmp/reachback-dovecot}
USER_NAME=reachback
PASSWORD=reachback-test-password
if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/dovecot/imap ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "dovecot-imapd is not installed and we are not root: it is unavailable here" >&2; exit 3
  fi
  if ! { timeout 300 apt-get update -qq >&2 && apt-cache show dovecot-imapd >/dev/null 2>&1; }; then
    echo "dovecot-imapd is unavailable: no package source offers it" >&2; exit 3
  fi
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends dovecot-imapd >&2
fi
# The mail belongs to an unprivileged account: the current one, or dovecot's own as root.
if [ "$(id -u)" = 0 ]; then OWNER=dovecot; else OWNER=$(id -un); fi
UID_=$(id -u "$OWNER"); GID_=$(id -g "$OWNER")
mkdir -p "$DIR/mail" "$DIR/run"
cat >"$DIR/passwd" <<EOF
$USER_NAME:{PLAIN}$PASSWORD:$UID_:$GID_::$DIR/mail/$USER_NAME
EOF
cat >"$DIR/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $DIR/run
state_dir = $DIR/run
log_path = $DIR/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_login_user = $( [ "$(id -u)" = 0 ] && echo dovenull || id -un )
default_internal_user = $( [ "$(id -u)" = 0 ] && echo dovecot || id -un )
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DIR/passwd
}
userdb {
  driver = passwd-file
  args = $DIR/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
EOF
if [ "$(id -u)" = 0 ]; then chown -R "$OWNER" "$DIR/mail"; fi
if ! timeout 30 /usr/sbin/dovecot -c "$DIR/dovecot.conf" -a >/dev/null 2>&1; then
  echo "dovecot rejects its configuration:" >&2
  /usr/sbin/dovecot -c "$DIR/dovecot.conf" -n >&2 || true
  exit 1
fi
if ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  timeout 30 /usr/sbin/dovecot -c "$DIR/dovecot.conf" >&2
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
  done
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "dovecot did not start on 127.0.0.1:$PORT; its log:" >&2
    tail -n 20 "$DIR/dovecot.log" >&2 || true
    exit 1
  fi
fi
echo "imap://$USER_NAME:$PASSWORD@127.0.0.1:$PORT"
