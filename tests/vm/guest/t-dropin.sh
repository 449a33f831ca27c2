#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The drop-in build (SPEC section 8), side by side with C vfio-pci in one
# boot: scripts/vm-run --drop-in --pfs 2.  Our vfio_pci is loaded at boot;
# C vfio-pci's own module is at /lib/vfio-pci-c.ko.  TAP.
#
# In the in-tree drop-in boot (scripts/check-intree: vm-run --in-tree
# --drop-in) the kernel's own vfio_pci is the drop-in and the kernel has no
# C vfio-pci: only the cases that need no C module run there (the names,
# binding, loading with parameters), 12 of them (vm-manifest).
. vfio-lib.sh

intree=0
[ "$DRV" = vfio-pci ] && [ ! -f "$cvfio" ] &&
	case $(modinfo -F filename vfio_pci) in
	*/kernel/drivers/vfio/pci/vfio-pci-rs/vfio-pci.ko) intree=1 ;;
	esac
[ "$DRV" = vfio-pci ] && { [ -f "$cvfio" ] || [ "$intree" = 1 ]; } || {
	echo "Bail out! needs the drop-in boot (vm-run --drop-in, or --in-tree --drop-in)"
	exit 1
}
modprobe igb
pf=$(igb_pfs | sed -n 1p)
pf2=$(igb_pfs | sed -n 2p)
[ -n "$pf2" ] || { echo "Bail out! needs two igb PFs (vm-run --pfs 2)"; exit 1; }

# Ours is out of tree, so it taints the kernel with O; C vfio-pci does not.
ours() { grep -q O /sys/module/vfio_pci/taint; }
# What userspace can see of a loaded vfio_pci's parameters: name, mode and
# value, one per line (mode 0 parameters have no file, like ids).
params_view() {
	for f in /sys/module/vfio_pci/parameters/*; do
		echo "$(basename "$f") $(stat -c %a "$f") $(cat "$f")"
	done
}
# The declared parameters and their types, from a module file's modinfo.
parmtypes() { modinfo -F parmtype "$1" | sort; }
# refused DESC INSMOD-OUTPUT RC: an insmod failed with EEXIST.
refused() {
	case "$3:$2" in
	0:*) not_ok "$1 (it loaded)" ;;
	*"File exists"*) ok "$1" ;;
	*) not_ok "$1 (rc $3: $2)" ;;
	esac
}

# Before anything changes them: the drop-in's parameters as loaded.
ours_view=$(params_view)
ours_types=$(parmtypes "$(modinfo -F filename vfio_pci)")
ours_ko=$(modinfo -F filename vfio_pci)

echo "# The names userspace checks"
if [ "$intree" = 1 ]; then
	check "the drop-in is the kernel's own vfio_pci (vfio-pci-rs/vfio-pci.ko, no taint O)" \
		sh -c '! grep -q O /sys/module/vfio_pci/taint'
else
	check "the drop-in is loaded as vfio_pci (out of tree, taint O)" ours
fi
check "/sys/module/vfio_pci exists (DPDK looks for it)" [ -d /sys/module/vfio_pci ]
check "the PCI driver is named vfio-pci" [ -d /sys/bus/pci/drivers/vfio-pci ]
check "PF binds through driver_override=vfio-pci" bind "$pf" vfio-pci
echo 1 > "$PARAMS/enable_sriov"
set_numvfs "$pf" 2
# Both VFs must be there: a loop over no VF would pass.
all=1 nvf=0
for vf in $(vfs_of "$pf"); do
	nvf=$((nvf + 1))
	[ "$(cat "/sys/bus/pci/devices/$vf/driver_override")" = vfio-pci ] &&
		[ "$(driver_of "$vf")" = vfio-pci ] || all=0
done
check "new VFs get driver_override=vfio-pci and bind to the drop-in ($nvf of 2 VFs)" [ "$all/$nvf" = 1/2 ]
set_numvfs "$pf" 0
unbind "$pf"
check "rmmod vfio_pci (the drop-in)" rmmod vfio_pci

if [ "$intree" = 0 ]; then
echo "# C vfio-pci's parameters, the same boot"
check "baseline: C vfio-pci loads once the drop-in is gone" insmod "$cvfio"
check "baseline: it is C vfio-pci (no taint)" sh -c '! grep -q O /sys/module/vfio_pci/taint'
c_view=$(params_view)
c_types=$(parmtypes "$cvfio")
echo "$c_types" | sed 's/^/# C: /'
echo "$ours_types" | sed 's/^/# drop-in: /'
check "the same parameter names and types as C vfio-pci" [ "$ours_types" = "$c_types" ]
if [ "$ours_view" = "$c_view" ]; then ok "the same sysfs parameter files, modes and defaults"
else not_ok "the same sysfs parameter files, modes and defaults (C: $c_view; ours: $ours_view)"; fi

echo "# Never both: the second vfio_pci is refused and nothing is half-registered"
err=$(insmod "$ours_ko" 2>&1)
rc=$?
echo "# insmod drop-in beside C vfio-pci: rc=$rc: $err"
refused "loading the drop-in beside C vfio-pci fails (EEXIST)" "$err" "$rc"
check "C vfio-pci is untouched: still the one loaded" sh -c '! grep -q O /sys/module/vfio_pci/taint'
check "C vfio-pci still binds a device" bind "$pf" vfio-pci
unbind "$pf"
check "baseline: rmmod C vfio-pci" rmmod vfio_pci
check "modprobe vfio-pci now loads the drop-in (updates/ wins)" sh -c 'modprobe vfio-pci && grep -q O /sys/module/vfio_pci/taint'
err=$(insmod "$cvfio" 2>&1)
rc=$?
echo "# insmod C vfio-pci beside the drop-in: rc=$rc: $err"
refused "and C vfio-pci is refused beside it (EEXIST)" "$err" "$rc"
check "the drop-in is untouched" ours
fi

echo "# DPDK's documented recipe and ids="
rmmod vfio_pci
check "modprobe vfio-pci enable_sriov=1" modprobe vfio-pci enable_sriov=1
check "enable_sriov reads Y" [ "$(cat "$PARAMS/enable_sriov")" = Y ]
rmmod vfio_pci
# Dynamic IDs bind devices that no driver holds.
unbind "$pf"
unbind "$pf2"
modprobe vfio-pci ids=8086:10c9
check "ids=8086:10c9 binds both unbound igb PFs to vfio-pci at load" \
	[ "$(driver_of "$pf"):$(driver_of "$pf2")" = vfio-pci:vfio-pci ]
unbind "$pf"
unbind "$pf2"
rmmod vfio_pci

# ids= read as C's sscanf("%x:%x:%x:%x:%x:%x") reads it: each form binds
# exactly the devices C vfio-pci binds, with the same log lines, C's module
# loaded with the same string in the same boot.  Both are loaded by insmod,
# whose argument goes to the kernel as given (busybox's modprobe quotes an
# argument with a space once more).  $pf keeps driver_override=vfio-pci from
# above, so it binds whatever the ids; $pf2 binds only through them.
# ids_run LOAD-CMD...: load, print what bound and the module's id lines,
# unbind, unload.  The lines are those after a marker written before the
# load (not after a count of lines: the log buffer drops old lines once
# full, and a count stops growing); a marker lost from the buffer prints
# itself, and no two runs print the same one.
ids_run() {
	local mark
	mark=$(kmsg_mark "ids_run $1")
	"$@" > /dev/null 2>&1
	echo "bound $(driver_of "$pf") $(driver_of "$pf2")"
	since_mark "$mark" |
		sed -n 's/.*vfio_pci: \(add \[.*\|invalid id string.*\|failed to add.*\)/\1/p; /^since_mark: lost /p'
	unbind "$pf"
	unbind "$pf2"
	rmmod vfio_pci
}
[ "$intree" = 1 ] ||
for ids in "0x8086:0x10c9" "8086:10ca, 8086:10c9" "8086:10c9:" \
	"8086:10c9:ffffffff:ffffffff:0:0:7" "8086:10c9:1af4:1100" \
	"8086 :10c9" "x8086:10c9,,8086:10c9" "100008086:10c9"; do
	c=$(ids_run insmod "$cvfio" "ids=\"$ids\"")
	r=$(ids_run insmod "$ours_ko" "ids=\"$ids\"")
	echo "$c" | sed "s/^/# C ids=$ids: /"
	if [ "$c" = "$r" ] && [ -n "$c" ] && ! echo "$c$r" | grep -q '^since_mark: lost '; then
		ok "ids=\"$ids\": the same devices and lines as C vfio-pci"
	else not_ok "ids=\"$ids\": the same devices and lines as C vfio-pci (ours: $(echo "$r" | tr '\n' ';'))"; fi
done
mark=$(kmsg_mark "ids wider than 32 bits")
ids_run modprobe vfio-pci "ids=100008086:10c9,100008086:10c9" > /dev/null
trunc=$(since_mark "$mark" | grep -c "wider than 32 bits")
check "a number wider than 32 bits is cut as in C, and said once ($trunc)" [ "$trunc" = 1 ]
# In-tree the drop-in has no modalias (Documentation/vfio-pci-rs-intree.rst).
[ "$intree" = 1 ] ||
check "the drop-in carries C vfio-pci's modalias ($(modinfo -F alias "$ours_ko"))" \
	[ "$(modinfo -F alias "$ours_ko")" = "$(modinfo -F alias "$cvfio")" -a \
	  "$(modinfo -F alias "$cvfio")" = "vfio_pci:v*d*sv*sd*bc*sc*i*" ]

modprobe vfio-pci nointxmask=1 disable_idle_d3=1
check "nointxmask and disable_idle_d3 are taken and read Y" \
	sh -c "[ \"\$(cat $PARAMS/nointxmask)\" = Y ] && [ \"\$(cat $PARAMS/disable_idle_d3)\" = Y ]"
check "a device binds with them set" bind "$pf" vfio-pci
unbind "$pf"
rmmod vfio_pci
modprobe vfio-pci
tap_end
