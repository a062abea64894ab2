#!/usr/bin/env bash
# A throw-away single-node Slurm cluster on this machine, for REMAP's cluster tests and for
# trying `remap workers submit --slurm` without a real cluster.
#
#   eval "$(scripts/slurm.sh start)"   # idempotent; prints `export SLURM_CONF=…`
#   scripts/slurm.sh stop              # stops munged, slurmctld and slurmd, deletes the state
#   scripts/slurm.sh env               # prints `export SLURM_CONF=…`
#
# munged, slurmctld and slurmd from Debian's `slurm-wlm` and `munge` run on loopback without
# systemd, their sockets, state, logs and a slurm.conf under $REMAP_SLURM_DIR (default
# /tmp/remap-slurm); the ports are $REMAP_SLURM_PORT and the next one (default 16817). One
# node (this machine's short hostname) offers every core to one partition, `remap`, one task
# per core; finished jobs are kept for `sacct --completion` in a job completion file.
# Clients (sbatch, squeue, sacct, scancel) find the cluster through SLURM_CONF.
set -euo pipefail

DIR="${REMAP_SLURM_DIR:-/tmp/remap-slurm}"
PORT="${REMAP_SLURM_PORT:-16817}"
CONF="$DIR/slurm.conf"
NODE="$(hostname -s)"

need() {
    for cmd in munged slurmctld slurmd sbatch; do
        if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then
            echo "slurm.sh: $cmd not found; install it: sudo apt-get install -y slurm-wlm munge" >&2
            exit 1
        fi
    done
}

sbin() { if command -v "$1" >/dev/null 2>&1; then command -v "$1"; else echo "/usr/sbin/$1"; fi; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

running() { alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid" && alive "$DIR/munged.pid"; }

write_conf() {
    local cpus memory
    cpus=$(nproc)
    memory=$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 - 512 ))
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
    cat >"$CONF" <<EOF
# Written by scripts/slurm.sh: a single-node cluster on loopback.
ClusterName=remap
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/%n
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
KillWait=30
MinJobAge=300
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=remap Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

start() {
    need
    if running; then
        echo "export SLURM_CONF=$CONF"
        return
    fi
    stop >/dev/null 2>&1 || true
    write_conf
    local key="$DIR/munge.key"
    head -c 1024 /dev/urandom >"$key"
    chmod 400 "$key"
    "$(sbin munged)" --force --key-file="$key" --socket="$DIR/munge.socket" \
        --pid-file="$DIR/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge.seed"
    export SLURM_CONF="$CONF"
    "$(sbin slurmctld)" -i -f "$CONF"
    "$(sbin slurmd)" -f "$CONF" -N "$NODE"
    # Ready when the node takes jobs.
    for _ in $(seq 1 100); do
        if sinfo -h -N -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then
            echo "export SLURM_CONF=$CONF"
            return
        fi
        sleep 0.2
    done
    echo "slurm.sh: the node did not come up; logs in $DIR/log" >&2
    tail -n 20 "$DIR"/log/*.log >&2 || true
    exit 1
}

stop() {
    for daemon in slurmd slurmctld munged; do
        if alive "$DIR/$daemon.pid"; then
            local pid
            pid=$(cat "$DIR/$daemon.pid")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$DIR"
    echo "slurm.sh: stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) echo "export SLURM_CONF=$CONF" ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
