#!/bin/sh
# Installs tg-invite-tracker from this checkout, as root, after `npm ci && npm prune --omit=dev`.
#
#   deploy/install.sh systemd          tg-handler.service and tg-get.timer (and the @ templates)
#   deploy/install.sh cron             tg-get every minute from /etc/cron.d, logging to /var/log
#   deploy/install.sh instance NAME    one more bot: tg-handler@NAME and tg-get@NAME.timer
#
# It creates the user tg-tracker, gives it data/ and LINKS/, makes /etc/tg-invite-tracker/env and an
# empty bot-token for you to fill in, and never overwrites a file you have edited. Run it again at
# any time: it only repairs owners and modes. ROOT=DIR installs into DIR instead of / (the tests use
# a scratch root); NODE=PATH names the node to run (default: the one on PATH).
set -eu

USER_NAME=tg-tracker
ROOT=${ROOT:-}
APP=$(cd "$(dirname "$0")/.." && pwd)
# Where the checkout is once ROOT is the machine's /: the path the units and the cron line name.
APP_PATH=${APP#"$ROOT"}
CONF=/etc/tg-invite-tracker

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 2; }

mode=${1:-}
case "$mode" in
  systemd|cron) ;;
  instance) name=${2:-}; printf '%s' "$name" | grep -Eq '^[A-Za-z0-9_-]{1,64}$' || die "instance needs a NAME of letters, digits, _ or - (e.g. club-a)" ;;
  *) die "usage: deploy/install.sh systemd | cron | instance NAME" ;;
esac
[ "$(id -u)" = 0 ] || die "run it as root (it creates a user and files in /etc)"
NODE=${NODE:-$(command -v node || true)}
[ -n "$NODE" ] && [ -x "$NODE" ] || die "node not found; install Node.js 20.12 or newer, or set NODE=/path/to/node"
"$NODE" "$APP/bin/node-version.js" || exit 2
[ -f "$APP/dist/get-exec/main.js" ] || die "$APP/dist is missing; run npm ci in $APP first"

# The user: a system account without a login shell, in a group of its own.
if ! grep -q "^$USER_NAME:" "$ROOT/etc/passwd"; then
  if [ -n "$ROOT" ]; then prefix="--prefix $ROOT"; else prefix=; fi
  # shellcheck disable=SC2086
  useradd $prefix --system --user-group --no-create-home --home-dir "$APP_PATH" --shell /usr/sbin/nologin "$USER_NAME"
  say "made the user $USER_NAME"
fi
uid=$(awk -F: -v u="$USER_NAME" '$1 == u { print $3 }' "$ROOT/etc/passwd")
gid=$(awk -F: -v u="$USER_NAME" '$1 == u { print $4 }' "$ROOT/etc/passwd")

# install_new MODE OWNER:GROUP SOURCE TARGET: copies only when TARGET is missing, then sets owner and mode.
install_new() {
  [ -e "$4" ] || cp "$3" "$4"
  chown "$2" "$4"
  chmod "$1" "$4"
}

# Settings and token: /etc/tg-invite-tracker (or a folder per instance) is root's; the service's
# group may read the settings. The token is root's alone under systemd, which hands it over as a
# credential; a cron job has no such help, so there its group may read it too.
conf_dir=$ROOT$CONF
[ "$mode" = instance ] && conf_dir=$ROOT$CONF/$name
[ -d "$ROOT$CONF" ] || install -d -m 755 "$ROOT$CONF"
install -d -m 750 -o 0 -g "$gid" "$conf_dir"
install_new 640 "0:$gid" "$APP/deploy/env.example" "$conf_dir/env"
if [ "$mode" = cron ]; then token_mode=640 token_owner=0:$gid; else token_mode=600 token_owner=0:0; fi
install_new "$token_mode" "$token_owner" /dev/null "$conf_dir/bot-token"

if [ "$mode" = instance ]; then
  # Each bot works in a folder of its own. It starts with the data files' header rows (never the
  # rows of another bot) and with this checkout's menu.json and key_bb.txt, to edit for this bot.
  work=$ROOT/var/lib/tg-invite-tracker/$name
  [ -d "$ROOT/var/lib/tg-invite-tracker" ] || install -d -m 755 "$ROOT/var/lib/tg-invite-tracker"
  install -d -m 750 -o "$uid" -g "$gid" "$work" "$work/data" "$work/LINKS" "$work/assets"
  for file in "$APP"/data/*; do
    target=$work/data/$(basename "$file")
    case $(basename "$file") in
      invite_data.txt|text_schedule.txt|responde_data.txt) [ -e "$target" ] || head -n 1 "$file" > "$target" ;;
    esac
    install_new 640 "$uid:$gid" "$file" "$target"
  done
  say "bot $name: settings in $CONF/$name/env, token in $CONF/$name/bot-token, files in /var/lib/tg-invite-tracker/$name"
  say "then: systemctl enable --now tg-handler@$name.service tg-get@$name.timer"
  exit 0
fi

# The checkout stays root's; the service writes only data/ and LINKS/.
chown -R "$uid:$gid" "$APP/data" "$APP/LINKS"
chmod 750 "$APP/data" "$APP/LINKS"
# tg-get and tg-handler read .env from their working folder: the same settings as the units get,
# so a cron run and a hand-run `tg-get report` see CHAT_ID and TZ too.
if [ -L "$APP/.env" ] || [ ! -e "$APP/.env" ]; then
  ln -sfn "$CONF/env" "$APP/.env"
else
  say "kept your $APP_PATH/.env; the settings in $CONF/env apply where the environment does not set them"
fi

# The units and the cron line name /opt/tg-invite-tracker and /usr/bin/node; write the real ones.
render() { sed -e "s#/opt/tg-invite-tracker#$APP_PATH#g" -e "s#/usr/bin/node#$NODE#g" "$1"; }

if [ "$mode" = systemd ]; then
  install -d -m 755 "$ROOT/etc/systemd/system"
  for unit in tg-handler.service tg-get.service tg-get.timer tg-handler@.service tg-get@.service tg-get@.timer; do
    render "$APP/deploy/$unit" > "$ROOT/etc/systemd/system/$unit"
    chmod 644 "$ROOT/etc/systemd/system/$unit"
  done
  if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
  say "next: put the token in $CONF/bot-token and CHAT_ID, TZ in $CONF/env, then"
  say "      systemctl enable --now tg-handler.service tg-get.timer"
else
  install -d -m 750 -o "$uid" -g "$gid" "$ROOT/var/log/tg-invite-tracker"
  install -d -m 755 "$ROOT/etc/cron.d"
  # cron ignores a file in /etc/cron.d that is group- or world-writable, or has a dot in its name.
  render "$APP/deploy/crontab" > "$ROOT/etc/cron.d/tg-invite-tracker"
  chmod 644 "$ROOT/etc/cron.d/tg-invite-tracker"
  say "next: put the token in $CONF/bot-token and CHAT_ID, TZ in $CONF/env; cron runs tg-get every minute"
  say "      and logs to /var/log/tg-invite-tracker/tg-get.log"
fi
