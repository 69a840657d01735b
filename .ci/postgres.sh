# Start a throwaway PostgreSQL server for the test suite; source this file.
# Sets DATABASE_URL and registers a trap that stops the server and removes its folder.
# PostgreSQL refuses to run as root, so as root the server runs as the postgres user.

pg_bin=""
initdb_on_path=$(command -v initdb 2>/dev/null || true)
for candidate in /usr/lib/postgresql/15/bin ${initdb_on_path:+"$(dirname "$(readlink -f "$initdb_on_path")")"} /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/createdb" ]; then pg_bin=$candidate; break; fi
done
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL not found: installing it with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

pg_port=${PG_TEST_PORT:-54329}
pg_dir=$(mktemp -d /tmp/civicdata-pg.XXXXXX)
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$pg_dir" postgres
  chown postgres "$pg_dir"
fi
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start >/dev/null

stop_postgres() {
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT

as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres civicdata
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/civicdata"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') running for the tests at 127.0.0.1:$pg_port"
