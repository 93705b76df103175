#!/usr/bin/env bash
# Restart=always for one process of `make cluster` (what systemd does for the units in
# deploy/systemd/): runs the command, and when it exits by itself (a task worker gives up while
# the database is away) starts it again 2 s later. SIGTERM/SIGINT stop the command and this loop.
# Killing the process group (cluster.sh kill NAME) ends both, as a node that dies.
stopping=
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ -z "$stopping" ]; do
  # The Prometheus files of the workers that ran before belong to no one now: an empty directory.
  if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  fi
  "$@" &
  child=$!
  wait "$child"
  status=$?
  # A trapped signal interrupts `wait`: wait again for the command to finish its work.
  [ -n "$stopping" ] && { wait "$child"; exit 0; }
  echo "$(date -u +%FT%TZ) supervise: ${MPP_NODE:-$1} exited with $status; starting it again in 2 s" >&2
  sleep 2
done
