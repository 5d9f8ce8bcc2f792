# Throwaway PostgreSQL clusters for the test and benchmark scripts: a
# cluster in a temporary folder on a free port, deleted on exit (also on
# failure). Source this file, then call pg_start; it sets pg_port, pg_dir
# and pg_bin, and pg_stop (also run on exit) removes the cluster.

# Finds the server binaries (initdb, pg_ctl); empty when there are none.
pg_find_bin() {
  pg_bin=""
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && pg_bin=$candidate
  done
  if [ -z "$pg_bin" ] && command -v initdb >/dev/null 2>&1; then
    pg_bin=$(dirname "$(command -v initdb)")
  fi
}

pg_stop() {
  if [ -n "${pg_dir:-}" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
    pg_dir=""
  fi
}

# pg_start [--tls]: with --tls the server accepts TLS connections only (a
# throwaway self-signed certificate).
pg_start() {
  local tls=${1:-}
  pg_find_bin
  [ -n "$pg_bin" ] || return 1
  pg_dir=$(mktemp -d /tmp/rightsdesk-pg.XXXXXX)
  chmod 755 "$pg_dir"
  as_pg() { "$@"; }
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root.
    chown postgres "$pg_dir"
    as_pg() { runuser -u postgres -- "$@"; }
  fi
  trap pg_stop EXIT
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
  local ssl="off"
  if [ "$tls" = "--tls" ]; then
    if ! command -v openssl >/dev/null 2>&1; then
      echo "openssl is missing: installing Debian's openssl package"
      if [ "$(id -u)" = 0 ]; then apt-get install -y -qq openssl >/dev/null; else sudo apt-get install -y -qq openssl >/dev/null; fi
    fi
    openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" \
      -keyout "$pg_dir/data/server.key" -out "$pg_dir/data/server.crt" 2>/dev/null
    chmod 600 "$pg_dir/data/server.key"
    [ "$(id -u)" = 0 ] && chown postgres "$pg_dir/data/server.key" "$pg_dir/data/server.crt"
    printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n' \
      > "$pg_dir/data/pg_hba.conf"
    ssl="on"
  fi
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c ssl=$ssl -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
}
