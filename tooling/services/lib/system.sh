# shellcheck shell=bash
# The machine's own services (installed from Debian packages and normally
# started before a session). `up.sh system` checks each by TCP connect and,
# if it is down, starts it with the machine's standard command. down.sh never
# stops them.

# name|port|start command
SW_SYSTEM_SERVICES=(
  "postgresql|5432|pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
  "mariadb|3306|start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
  "redis|6379|redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
  "rabbitmq|5672|rabbitmq-server -detached"
  "mosquitto|1883|mosquitto -d -c /etc/mosquitto/mosquitto.conf"
  "nats|4222|start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log"
)

SW_SYSTEM_STARTED=()

sw_system_launch() {
  local entry name port cmd
  SW_SYSTEM_STARTED=()
  for entry in "${SW_SYSTEM_SERVICES[@]}"; do
    IFS='|' read -r name port cmd <<<"$entry"
    if sw_port_open "$SW_HOST" "$port"; then continue; fi
    sw_info "$name is down (port $port): starting it with: $cmd"
    local log="$SW_LOGS/system-$name.log"
    sw_rotate_log "$log"
    # Each command daemonizes itself; run it detached from this script's session.
    if ! (setsid bash -c "$cmd" >>"$log" 2>&1 </dev/null 9>&-); then
      sw_warn "start command for $name exited non-zero (see $log); waiting for the port anyway"
    fi
    SW_SYSTEM_STARTED+=("$name|$port")
  done
}

sw_system_wait() {
  local rc=0 entry name port cmd
  for entry in "${SW_SYSTEM_SERVICES[@]}"; do
    IFS='|' read -r name port cmd <<<"$entry"
    if sw_port_open "$SW_HOST" "$port"; then continue; fi
    # Not up yet (just started above, or failed): bounded wait.
    sw_wait_ready "$name" "$SW_HOST" "$port" "" "$SW_LOGS/system-$name.log" || rc=1
  done
  if ((rc == 0)); then
    sw_info "system services up: postgresql:5432 mariadb:3306 redis:6379 rabbitmq:5672 mosquitto:1883 nats:4222"
  fi
  return $rc
}

sw_system_status() {
  local rc=0 entry name port cmd state
  for entry in "${SW_SYSTEM_SERVICES[@]}"; do
    IFS='|' read -r name port cmd <<<"$entry"
    if sw_port_open "$SW_HOST" "$port"; then state=up; else state=down; rc=1; fi
    printf '  %-12s %-8s %s:%s\n' "$name" "$state" "$SW_HOST" "$port"
  done
  return $rc
}
