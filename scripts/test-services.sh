#!/usr/bin/env bash
# Make sure the real services the tests use are here: PostgreSQL (trusting local connections
# from 127.0.0.1, as CI does), Redis, Chromium and the libraries WeasyPrint needs. Installs
# what is missing and starts what is stopped (as root, or through sudo). Safe to run again:
# a second run finds everything in place and changes nothing.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql postgresql-client)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # the load generator of `make bench`
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || missing+=(libharfbuzz-subset0)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s fonts-liberation2 >/dev/null 2>&1 || missing+=(fonts-liberation2)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pg_version="$(ls /etc/postgresql | sort -V | tail -n 1)"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "Starting PostgreSQL $pg_version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do
  if pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    break
  fi
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL did not start" >&2; exit 1; }
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { echo "Redis did not start" >&2; exit 1; }

# The tests connect as postgres without a password, from 127.0.0.1 only.
if ! psql -h 127.0.0.1 -U postgres -w -Atc "select 1" >/dev/null 2>&1; then
  echo "Trusting local PostgreSQL connections from 127.0.0.1 for the tests"
  hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
  as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
  sleep 1
  psql -h 127.0.0.1 -U postgres -w -Atc "select 1" >/dev/null
fi
echo "PostgreSQL, Redis and Chromium are ready"
