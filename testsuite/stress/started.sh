# Sourced by the stress guest scripts: wait_started waits (up to 30 s) until
# the module taprun loads has started its probes.
wait_started() {
	i=0
	until grep -qs state=RUNNING /proc/tapc_*/ctl; do
		i=$((i + 1)); [ $i -gt 300 ] && { echo "module never started" >&2; break; }
		sleep 0.1
	done
}
