#!/bin/sh
# Installs (or upgrades) Connector from a published folder on Debian or Ubuntu:
#   - a system user without login (default "connector");
#   - the program in PREFIX (default /opt/connector), owned by root and readable by the service's group,
#     with data/ and outbox/ writable by the service alone (mode 0700);
#   - /etc/connector/connector.env (mode 0600, root) for the secrets, never overwritten once made;
#   - the systemd unit connector.service, and the `connector` command in /usr/local/bin.
# On an upgrade the program, profiles, calendars and the demo are replaced; config/appsettings.json and the
# message templates, which the school edits, are kept. Migrations run when the service starts.
#
#   sudo ./deploy/install.sh [--prefix DIR] [--user NAME] [--env-file FILE] [--unit-dir DIR] [--bin-dir DIR] [--no-systemctl]
#
# Run it from the published folder (dotnet publish src/Connector -c Release -o connector-publish), where it
# lies in deploy/. Messages are in Russian: a school's IT person reads them.
set -eu

prefix=/opt/connector
user=connector
env_file=/etc/connector/connector.env
unit_dir=/etc/systemd/system
bin_dir=/usr/local/bin
systemctl=yes

say() { printf '%s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?}; shift 2 ;;
        --user) user=${2:?}; shift 2 ;;
        --env-file) env_file=${2:?}; shift 2 ;;
        --unit-dir) unit_dir=${2:?}; shift 2 ;;
        --bin-dir) bin_dir=${2:?}; shift 2 ;;
        --no-systemctl) systemctl=no; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "неизвестный параметр «$1»; справка: $0 --help" ;;
    esac
done

[ "$(id -u)" = 0 ] || fail "нужны права root: запустите через sudo"
case "$prefix" in /*) ;; *) fail "--prefix должен быть абсолютным путём, а не «$prefix»" ;; esac
source_dir=$(dirname "$(dirname "$(readlink -f "$0")")")
[ -f "$source_dir/Connector.dll" ] || fail "рядом нет опубликованной программы ($source_dir/Connector.dll); сначала: dotnet publish src/Connector -c Release -o connector-publish"
[ -f "$source_dir/config/appsettings.json" ] || fail "в $source_dir нет config/appsettings.json"

# A framework-dependent build needs the .NET 10 runtime; a self-contained one carries its own.
dotnet_root_line="# DOTNET_ROOT: not needed"
if [ ! -f "$source_dir/libcoreclr.so" ]; then
    dotnet=$(command -v dotnet || true)
    [ -n "$dotnet" ] || fail "не найден .NET 10 (dotnet): установите пакет dotnet-runtime-10.0 или опубликуйте с --self-contained -r linux-x64"
    dotnet_root=$(dirname "$(readlink -f "$dotnet")")
    "$dotnet" --list-runtimes 2>/dev/null | grep -q '^Microsoft.NETCore.App 10\.' \
        || fail "в $dotnet_root нет среды Microsoft.NETCore.App 10: установите dotnet-runtime-10.0"
    dotnet_root_line="Environment=DOTNET_ROOT=$dotnet_root"
fi

# The service's own user: no login, no home of its own.
if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$prefix" --no-create-home --shell /usr/sbin/nologin "$user"
    say "Создан системный пользователь $user."
fi

# The program: replaced on every install; the school's settings and templates kept.
mkdir -p "$prefix"
for item in "$source_dir"/* "$source_dir"/.[!.]*; do
    [ -e "$item" ] || continue
    name=$(basename "$item")
    case "$name" in config|data|outbox) continue ;; esac
    rm -rf "${prefix:?}/$name"
    cp -a "$item" "$prefix/$name"
done
mkdir -p "$prefix/config"
for item in "$source_dir"/config/*; do
    name=$(basename "$item")
    case "$name" in
        appsettings.json) [ -e "$prefix/config/$name" ] || cp -a "$item" "$prefix/config/$name" ;;
        templates) mkdir -p "$prefix/config/templates"; cp -an "$item"/. "$prefix/config/templates/" ;;
        *) rm -rf "${prefix:?}/config/$name"; cp -a "$item" "$prefix/config/$name" ;;
    esac
done

# Owned by root, readable by the service's group; only data/, outbox/ (and the demo's journal folder) are its own.
program_files() { find "$prefix" \( -path "$prefix/data" -o -path "$prefix/outbox" \) -prune -o -print; }
program_files | xargs -d '\n' chown root:"$user"
program_files | xargs -d '\n' chmod u=rwX,g=rX,o=
for dir in data outbox; do
    mkdir -p "$prefix/$dir"
    chown -R "$user:$user" "$prefix/$dir"
    chmod 0700 "$prefix/$dir"
done
chown -R "$user:$user" "$prefix/config/demo"
chmod 0750 "$prefix"

# The secrets: root alone reads the file; systemd hands them to the service.
env_dir=$(dirname "$env_file")
mkdir -p "$env_dir"
chmod 0755 "$env_dir"
if [ ! -e "$env_file" ]; then
    umask 077
    cat > "$env_file" <<'ENV'
# Секреты Connector: одна строка ИМЯ='значение' на переменную; значение в одинарных кавычках.
# Файл читает только root (режим 0600); systemd передаёт переменные службе, команда connector — себе.
# Пароль почтового сервера:
#CONNECTOR__Email__Smtp__Password='…'
# Ключ SMS.ru или пароль SMSC:
#CONNECTOR__Sms__ApiId='…'
#CONNECTOR__Sms__Password='…'
# Пароль учётной записи «Сетевого Города» школы N (с нуля, в порядке Connector:Schools):
#CONNECTOR__Schools__0__Adapter__Password='…'
ENV
    umask 022
    say "Создан файл секретов $env_file (режим 0600): впишите в него пароли."
fi
chown root:root "$env_file"
chmod 0600 "$env_file"

# The unit, with this installation's paths.
mkdir -p "$unit_dir"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@USER@|$user|g" -e "s|@ENVFILE@|$env_file|g" -e "s|@DOTNET_ROOT@|$dotnet_root_line|" \
    "$source_dir/deploy/connector.service" > "$unit_dir/connector.service"
chmod 0644 "$unit_dir/connector.service"

# The connector command: as root it becomes the service's user with the service's secrets, so that
# `connector check` and `connector once` see what the service sees.
mkdir -p "$bin_dir"
cat > "$bin_dir/connector" <<CMD
#!/bin/sh
# Written by Connector's install.sh: the connector command of $prefix.
if [ "\$(id -u)" = 0 ]; then
    if [ -r "$env_file" ]; then set -a; . "$env_file"; set +a; fi
    exec runuser -u "$user" -- "$prefix/connector" "\$@"
fi
exec "$prefix/connector" "\$@"
CMD
chmod 0755 "$bin_dir/connector"

if [ "$systemctl" = yes ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable connector.service >/dev/null
    say "Служба connector.service включена (запустится при загрузке системы)."
fi

say "Connector установлен в $prefix."
say "Дальше:"
say "  1. Опишите школу в $prefix/config/appsettings.json и поставьте \"Demo\": { \"Enabled\": false }."
say "  2. Впишите пароли в $env_file."
say "  3. Проверьте: connector check"
say "  4. Запустите: systemctl restart connector; состояние: connector status; журнал: journalctl -u connector -p warning"
