#!/bin/sh
# The model against real QEMU without QEMU: each validation scenario's kept
# real run (validate/recorded/, QEMU 7.2 under TCG with Linux 6.1) must stay
# admitted by the model under real-qemu-7.2, and the runs must still tell the
# model apart from the variants they refute (a QEMU crash counts when the
# model crashes there too). Then --recorded's input errors.
. "$(dirname "$0")/common.sh"

# judge DESC WANT_EXIT PATTERN SCENARIO FILE [ENV...]: validate --recorded, exit and a line
judge() {
    desc=$1 want=$2 pat=$3 scn=$4 file=$5
    shift 5
    env "$@" "$DRCSIM" validate "validate/$scn.scn" --recorded "$file" >"$tmp/out" 2>&1
    exit_and_line "$desc" "$want" $? -F "$pat"
}

# variant_with LINE...: real-qemu-7.2 with these lines added, in $tmp/var
variant_with() {
    rm -rf "$tmp/var" && mkdir "$tmp/var" && cp variants/*.var "$tmp/var/"
    grep -v '^knob libvirt\.dst-' variants/real-qemu-7.2.var >"$tmp/var/real-qemu-7.2.var"
    for l in "$@"; do echo "$l" >>"$tmp/var/real-qemu-7.2.var"; done
}

# variant_turned KNOB VALUE: real-qemu-7.2 with its line for KNOB set to VALUE, in $tmp/var
variant_turned() {
    rm -rf "$tmp/var" && mkdir "$tmp/var" && cp variants/*.var "$tmp/var/"
    sed "s/^knob $1=.*\$/knob $1=$2/" variants/real-qemu-7.2.var >"$tmp/var/real-qemu-7.2.var"
    grep -q "^knob $1=$2\$" "$tmp/var/real-qemu-7.2.var" || bad "real-qemu-7.2 has no knob $1"
}

n=0
for f in validate/recorded/*.json; do
    s=$(basename "$f" .json)
    n=$((n + 1))
    case $s in
    del-before-migrate-cpu|cpu-unplug-then-*|libvirt-start-vcpu-del)
        judge "$s: the recorded run is admitted with QEMU 7.2's crash" 0 \
            "observables: admitted, QEMU's crash too" "$s" "$f" ;;
    *)
        judge "$s: the recorded real run is admitted" 0 "observables: admitted (" "$s" "$f" ;;
    esac
done
[ "$n" -eq "$(ls validate/*.scn | wc -l)" ] && ok "one recorded run per validation scenario ($n)" \
    || bad "one recorded run per validation scenario ($n recorded)"

# What the kept runs refute. The destination's devices come by device_add on a started
# QEMU; with libvirt's command line the model coldplugs them instead.
variant_with "knob libvirt.dst-pci=device-add"
judge "dimm-base-migration: refutes DIMMs on the destination's command line" 1 \
    'after 42 of 64 observables, real QEMU shows "spapr_drc_attach 0x80000006" where the model allows "spapr_drc_unplug_request 0x80000004"' \
    dimm-base-migration validate/recorded/dimm-base-migration.json DRCSIM_VARIANTS="$tmp/var"
variant_with "knob libvirt.dst-dimms=device-add"
judge "pci-migrate-unplug: refutes PCI devices on the destination's command line" 1 \
    'after 4 of 9 observables, real QEMU shows "spapr_drc_attach 0x40000008" where the model allows "spapr_drc_unplug_request 0x40000008"' \
    pci-migrate-unplug validate/recorded/pci-migrate-unplug.json DRCSIM_VARIANTS="$tmp/var"
# libvirt device_adds a hotpluggable vCPU after QEMU starts with -S
# (qemuProcessSetupHotpluggableVcpus); on the command line QEMU would attach it at creation.
variant_with "knob libvirt.dst-vcpus=command-line"
judge "libvirt-start-vcpu: refutes hotpluggable vCPUs on the command line at start" 1 \
    'after 0 of 11 observables, real QEMU shows "spapr_drc_attach 0x10000001" where the model allows "spapr_drc_unplug_request 0x10000001"' \
    libvirt-start-vcpu validate/recorded/libvirt-start-vcpu.json DRCSIM_VARIANTS="$tmp/var"
# QEMU before ab8584349c does not migrate a DRC's unplug_requested.
variant_with "knob libvirt.dst-dimms=device-add" "knob libvirt.dst-pci=device-add" \
    "knob qemu.migrate-unplug-requested=off"
judge "pci-pending-unplug-migration: refutes a pending unplug lost in migration" 1 \
    'after 10 of 11 observables, the model stops while real QEMU still shows "DEVICE_DELETED net1"' \
    pci-pending-unplug-migration validate/recorded/pci-pending-unplug-migration.json \
    DRCSIM_VARIANTS="$tmp/var"

# QEMU 5.2 and before refused a DIMM device_del until CAS negotiated OV5_HP_EVT; without the
# DRC reset at CAS (before ad334d89a6) the pending unplug stays and the queued add is delivered.
variant_with "knob qemu.memory-unplug-before-cas=off"
judge "dimm-del-before-cas: refutes the refusal of a DIMM device_del before CAS" 1 \
    'after 3 of 13 observables, real QEMU shows "device_del dimm1 -> ok" where the model allows "device_del dimm1 -> error: Memory hot unplug not supported for this guest"' \
    dimm-del-before-cas validate/recorded/dimm-del-before-cas.json DRCSIM_VARIANTS="$tmp/var"
variant_with "knob qemu.cas-drc-reset=off"
judge "dimm-del-before-cas: refutes a CAS that resets no DRC" 1 \
    'after 12 of 13 observables, the model produces "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s)", which the real run never shows' \
    dimm-del-before-cas validate/recorded/dimm-del-before-cas.json DRCSIM_VARIANTS="$tmp/var"

# Under TCG an interrupt presented at switchover is not signalled on the destination;
# with the in-kernel XIVE or XICS it is, and the guest would hot-add the DIMM after cont.
variant_turned qemu.kvm-irqchip on
judge "paused-hotplug-migration: refutes the interrupt signalled after a TCG migration" 1 \
    'after 10 of 10 observables, the model produces "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004", which the real run never shows' \
    paused-hotplug-migration validate/recorded/paused-hotplug-migration.json \
    DRCSIM_VARIANTS="$tmp/var"
judge "paused-hotplug-migration-xics: refutes it for XICS too (icp_post_load)" 1 \
    'after 10 of 10 observables, the model produces "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004", which the real run never shows' \
    paused-hotplug-migration-xics validate/recorded/paused-hotplug-migration-xics.json \
    DRCSIM_VARIANTS="$tmp/var"

# A second kept run of dimm-base-migration: on the destination the guest logged
# "Attempting to hot-remove" for dimm3 and then offlined its block for 42 s, past
# both waits and the run's end, with no isolate. Admitted, the line in a step of its own
# and the scripts' silent timeouts counted in the time watched; not with 40 s offlines.
stall=tests/cli/dimm-base-migration-offline-stall.json
judge "dimm-base-migration: a 42 s block offline after the line is admitted" 0 \
    "53 observables: admitted (" dimm-base-migration "$stall"
variant_turned guest.lmb-offline 0-40s
judge "dimm-base-migration: the 42 s offline refutes guest.lmb-offline=0-40s" 1 \
    'after 53 of 53 observables, the model produces "spapr_drc_set_isolation_state 0x80000004 0", which the real run never shows' \
    dimm-base-migration "$stall" DRCSIM_VARIANTS="$tmp/var"

# A vCPU on -smp migrates the compat PVR reset gave it (ce03a193e1, in QEMU 7.2): the
# POWER9 destination loads it. Without, vCPU 1 sends POWER8's raw PVR (QEMU 4.1.1).
variant_with "knob qemu.compat-all-on-reset=off"
judge "p8-p9-compat-migration: refutes vCPU 1 without the compat PVR" 1 \
    'after 0 of 1 observables, real QEMU shows "migrate src dst -> completed" where the model allows "migrate src dst -> failed"' \
    p8-p9-compat-migration validate/recorded/p8-p9-compat-migration.json DRCSIM_VARIANTS="$tmp/var"

# The same the other way, POWER9 host to POWER8 (POWER8 compat forces the source to XICS).
judge "p9-p8-compat-migration: refutes vCPU 1 without the compat PVR" 1 \
    'after 0 of 1 observables, real QEMU shows "migrate src dst -> completed" where the model allows "migrate src dst -> failed"' \
    p9-p8-compat-migration validate/recorded/p9-p8-compat-migration.json DRCSIM_VARIANTS="$tmp/var"

# Without max-cpu-compat the POWER8 destination refuses the XIVE sections and exits, though
# a core plug showed CAS past; that exit is the migration's failure, not a death: the
# source's core plug after it counts.
judge "p9-p8-migration-without-compat: the run goes on past the destination's exit" 0 \
    '17 observables: admitted' p9-p8-migration-without-compat \
    validate/recorded/p9-p8-migration-without-compat.json

# QEMU 7.2 under TCG crashes at the migration's start after a vCPU unplug; without
# qemu.tcg-stale-vcpu the model migrates, and the crash stays outside it.
variant_turned qemu.tcg-stale-vcpu off
judge "del-before-migrate-cpu: without tcg-stale-vcpu the crash is outside the model" 0 \
    'the model has no such crash (after 16 of 17 observables, the model produces "migrate src dst -> completed", which the real run never shows)' \
    del-before-migrate-cpu validate/recorded/del-before-migrate-cpu.json DRCSIM_VARIANTS="$tmp/var"
env DRCSIM_VARIANTS="$tmp/var" "$DRCSIM" validate validate/del-before-migrate-cpu.scn \
    --recorded validate/recorded/del-before-migrate-cpu.json --json "$tmp/v.json" >/dev/null 2>&1
python3 - "$tmp/v.json" <<'PY' && ok "validate --json: the divergence's quoted text, as JSON" || bad "validate --json: the divergence's quoted text, as JSON"
import json, sys
r = json.load(open(sys.argv[1]))
run = r["runs"][0]
assert r["scenario"] == "validate/del-before-migrate-cpu.scn", r
assert run["verdict"] == "reference-invalid" and not run["crashed"], run
assert run["first_divergence"].endswith(
    'the model produces "migrate src dst -> completed", which the real run never shows)'), run
PY
judge "libvirt-start-vcpu-del: without tcg-stale-vcpu the firmware's crash is outside the model" 0 \
    'the model has no such crash (after 3 of 4 observables, the model stops while real QEMU still shows "QEMU killed by a signal")' \
    libvirt-start-vcpu-del validate/recorded/libvirt-start-vcpu-del.json DRCSIM_VARIANTS="$tmp/var"
# QEMU crashed at the DIMM's device_add before the guest had detached the unplugged
# CPU's node: without guest.cpu-detach-step the guest logs its removal in the release's
# step, before libvirt can go on.
variant_turned guest.cpu-detach-step off
judge "cpu-unplug-then-dimm: without cpu-detach-step the crash comes too late in the model" 0 \
    'the model has no such crash (after 15 of 16 observables, the model produces "pseries-hotplug-cpu: Successfully removed CPU, drc index: 10000001", which the real run never shows)' \
    cpu-unplug-then-dimm validate/recorded/cpu-unplug-then-dimm.json DRCSIM_VARIANTS="$tmp/var"

# A run is all of the model's behaviour: one that ends before a line the model must
# still show is not admitted.
python3 - validate/recorded/cpu-plug-unplug.json "$tmp/cut.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["observations"] = d["observations"][:-1]
json.dump(d, open(sys.argv[2], "w"))
PY
judge "a run cut before its last guest line diverges at its end" 1 \
    'after 15 of 15 observables, the model produces "pseries-hotplug-cpu: Successfully removed CPU, drc index: 10000001", which the real run never shows' \
    cpu-plug-unplug "$tmp/cut.json"

# Input errors: one line, the place, exit 2.
judge "--recorded of another scenario's run is refused where it says so" 2 \
    "validate/recorded/pci-plug-unplug.json:1:33: error: recorded from another scenario (cpu-del-twice.scn)" \
    cpu-del-twice validate/recorded/pci-plug-unplug.json
sed '3s/"machine":"m"/"machine":"x"/' validate/recorded/cpu-plug-unplug.json >"$tmp/badm.json"
judge "--recorded: a machine the scenario lacks is refused at it" 2 \
    "$tmp/badm.json:3:25: error: no machine of the scenario has this name" cpu-plug-unplug "$tmp/badm.json"
sed '$ s/]}$//' validate/recorded/cpu-plug-unplug.json >"$tmp/short.json"
judge "--recorded: a cut file is a parse error with its place" 2 "$tmp/short.json:21:119: error: " \
    cpu-plug-unplug "$tmp/short.json"
judge "--recorded: a missing file is one line" 2 "$tmp/none.json" cpu-plug-unplug "$tmp/none.json"
"$DRCSIM" validate validate/cpu-plug-unplug.scn --recorded validate/recorded/cpu-plug-unplug.json \
    --runs 2 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "^drcsim validate: --recorded judges kept runs again: it takes no --runs, --keep or --setup$" "$tmp/out" \
    && ok "--recorded with --runs is refused" || bad "--recorded with --runs is refused"

total
