#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# QEMU as a consumer of the VF token: Debian's qemu-system-x86_64 (10.0),
# unmodified, run inside the test VM, assigns an igb VF with
# -device vfio-pci,host=VF,vf-token=UUID, on the legacy group backend and on
# the iommufd backend, against $DRV and against C vfio-pci side by side.
#
# The inner QEMU runs no guest OS: it is started with -S (vCPUs stopped)
# under TCG, answers QMP query-pci on stdio and quits.  Device realize
# happens before QMP is served, so a query-pci listing the assigned device
# proves QEMU opened it (and a refused open makes QEMU exit 1 before QMP).
# Debian's QEMU has no qtest accelerator ("invalid accelerator qtest"), so
# -accel qtest is not an option; -S also leaves the TCG translator idle.
#
# QEMU=PROGRAM runs another QEMU, e.g. Debian sid's 11.x packed apart from
# the host's (scripts/check-sid: QEMU=qemu-sid-system-x86_64).  What a
# QEMU does with vf-token on the iommufd backend is recorded below per
# version; a version with nothing recorded bails out.
#
# Needs two igb PFs and QEMU in the guest:
#   scripts/vm-run --pfs 2 --pack qemu -- t-qemu.sh
#   scripts/vm-run --pfs 2 --pack virt-sid -- QEMU=qemu-sid-system-x86_64 t-qemu.sh
# TAP.
. vfio-lib.sh

T1=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
T2=88594674-90a0-47a9-aea8-9d9b352ac08a

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" > /dev/null || {
	echo "Bail out! no $QEMU (scripts/vm-run --pack qemu, or --pack virt-sid)"
	exit 1
}
# "QEMU emulator version 11.1.3 (Debian 1:11.1.3+ds-1)"
version=$("$QEMU" --version | sed -n '1s/^QEMU emulator version \([0-9.]*\).*/\1/p')
echo "# $QEMU: $("$QEMU" --version | head -n1)"
# Does this QEMU pass vf-token on VFIO_DEVICE_BIND_IOMMUFD
# (VFIO_DEVICE_BIND_FLAG_TOKEN)?  Upstream's iommufd_cdev_connect_and_bind()
# (hw/vfio/iommufd.c) binds with flags 0 in 10.0 and 11.1: the token given
# is dropped, the kernel sees none (Documentation/vfio-pci-rs-consumers.rst).
case $version in
10.0.* | 11.1.*) bind_token=no ;;
*)
	echo "Bail out! QEMU $version: what it does with vf-token on iommufd is not recorded here"
	exit 1
	;;
esac
pf=$(igb_pfs | sed -n 1p)
pf2=$(igb_pfs | sed -n 2p)
[ -n "$pf" ] && [ -n "$pf2" ] || {
	echo "Bail out! needs two igb PFs (scripts/vm-run --pfs 2)"
	exit 1
}

echo 1 > "$PARAMS/enable_sriov"
modprobe igb
drivers=$DRV
if [ "$DRV" != vfio-pci ]; then
	# The baseline: C vfio-pci, loaded next to us.  In drop-in mode
	# vfio-pci *is* the driver under test and the C module cannot load.
	# A case of its own: a baseline that fails to load must not vanish
	# from the comparison in silence.
	if modprobe vfio-pci && echo 1 > /sys/module/vfio_pci/parameters/enable_sriov; then
		ok "baseline: C vfio-pci loads beside $DRV (enable_sriov=1)"
		drivers="$DRV vfio-pci"
	else
		not_ok "baseline: C vfio-pci loads beside $DRV (enable_sriov=1)"
	fi
else
	echo "# drop-in mode: vfio-pci is the driver under test, no C baseline"
fi

# qemu_run LOG ARGS...: start QEMU with ARGS, query-pci over QMP, quit.
# Its exit status is in $qrc, its output in LOG.
qemu_run() {
	log=$1
	shift
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-pci"}' \
		'{"execute":"quit"}' |
		timeout 300 "$QEMU" -nodefaults -display none \
			-machine q35 -accel tcg,tb-size=32 -m 64M -S -qmp stdio \
			"$@" > "$log" 2>&1
	qrc=$?
}

# reasons BDF TEXT: how many kernel log lines give TEXT as the reason for
# refusing BDF.
reasons() {
	dmesg | grep -i " $1: " | grep -ci "$2"
}

# realized DESC DEVICE-ID ARGS...: QEMU started, listed the assigned device
# (qdev id hostdev0) with the host device's ID in query-pci, and quit with 0.
realized() {
	desc=$1 id=$2
	shift 2
	qemu_run /tmp/qemu.log "$@"
	if [ "$qrc" = 0 ] && grep -q '"qdev_id": "hostdev0"' /tmp/qemu.log &&
		grep -q "\"device\": $id," /tmp/qemu.log; then
		ok "$desc"
	else
		not_ok "$desc (exit $qrc: $(grep -v '^{"return": {}}' /tmp/qemu.log | head -c 400))"
	fi
}

# refused DESC BDF QEMU-TEXT REASON ARGS...: QEMU exited 1 at start, printed
# QEMU-TEXT and "Permission denied", and the kernel logged REASON for BDF.
refused() {
	desc=$1 bdf=$2 text=$3 why=$4
	shift 4
	before=$(reasons "$bdf" "$why")
	qemu_run /tmp/qemu.log "$@"
	after=$(reasons "$bdf" "$why")
	echo "# qemu (exit $qrc): $(grep -m1 "$text" /tmp/qemu.log)"
	echo "# dmesg: $(dmesg | grep -i " $bdf: " | grep -i "$why" | tail -n1 | sed 's/^\[[ 0-9.]*\] //')"
	if [ "$qrc" = 1 ] && grep -q "$text" /tmp/qemu.log &&
		grep -q 'Permission denied' /tmp/qemu.log && [ "$after" -gt "$before" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $qrc, reason lines $before -> $after: $(head -c 400 /tmp/qemu.log))"
	fi
	# Keep under the kernel's rate limit of reasons (10 per 5 s).
	sleep 1
}

GROUP="error getting device from group"
BIND="error bind device"
REQUIRED="VF token required to access device"
INCORRECT="incorrect VF token provided for device"
IGB_VF=4298	# 0x10ca
IGB_PF=4297	# 0x10c9
IOMMUFD="-object iommufd,id=iommufd0"

summary=
for d in $drivers; do
	n0=$n f0=$fails
	# $pf for the driver under test, $pf2 for C vfio-pci, whose cases are
	# the baseline.
	p=$pf
	[ "$d" = "$DRV" ] || p=$pf2
	b=$(baseline_if "$d")
	bind "$p" "$d" || { not_ok "$b$d: bind $p"; summary="$summary $d setup failed,"; continue; }
	set_numvfs "$p" 1
	vf=$(vfs_of "$p" | sed -n 1p)
	[ "$(driver_of "$vf")" = "$d" ] || { not_ok "$b$d: the VF $vf is auto-bound"; summary="$summary $d setup failed,"; continue; }
	# The PF's user sets the token by opening the PF with it (C10).
	vfio-open --token "$T1" "$p" > /dev/null

	echo "# $d: legacy group backend (VFIO_GROUP_GET_DEVICE_FD \"BDF vf_token=UUID\")"
	realized "$b$d group: a VF with the right vf-token realizes" $IGB_VF \
		-device "vfio-pci,host=$vf,vf-token=$T1,id=hostdev0"
	refused "$b$d group: a VF with a wrong vf-token is refused" "$vf" "$GROUP" "$INCORRECT" \
		-device "vfio-pci,host=$vf,vf-token=$T2,id=hostdev0"
	refused "$b$d group: a VF without vf-token is refused" "$vf" "$GROUP" "$REQUIRED" \
		-device "vfio-pci,host=$vf,id=hostdev0"

	echo "# $d: iommufd backend (VFIO_DEVICE_BIND_IOMMUFD, QEMU $version passes the token: $bind_token)"
	# shellcheck disable=SC2086
	realized "$b$d iommufd: the PF realizes (no VF users, no token needed)" $IGB_PF \
		$IOMMUFD -device "vfio-pci,host=$p,iommufd=iommufd0,id=hostdev0"
	if [ "$bind_token" = no ]; then
		# vf-token is dropped on this backend: the kernel sees no token,
		# so the reason is "required", not "incorrect", even for the
		# right one, and the VF stays closed (fail closed).
		# shellcheck disable=SC2086
		refused "$b$d iommufd: a VF with the right vf-token is refused, the token is not passed" \
			"$vf" "$BIND" "$REQUIRED" \
			$IOMMUFD -device "vfio-pci,host=$vf,vf-token=$T1,iommufd=iommufd0,id=hostdev0"
		# shellcheck disable=SC2086
		refused "$b$d iommufd: a VF with a wrong vf-token is refused, the token is not passed" \
			"$vf" "$BIND" "$REQUIRED" \
			$IOMMUFD -device "vfio-pci,host=$vf,vf-token=$T2,iommufd=iommufd0,id=hostdev0"
	else
		# shellcheck disable=SC2086
		realized "$b$d iommufd: a VF with the right vf-token realizes" $IGB_VF \
			$IOMMUFD -device "vfio-pci,host=$vf,vf-token=$T1,iommufd=iommufd0,id=hostdev0"
		# shellcheck disable=SC2086
		refused "$b$d iommufd: a VF with a wrong vf-token is refused" "$vf" "$BIND" "$INCORRECT" \
			$IOMMUFD -device "vfio-pci,host=$vf,vf-token=$T2,iommufd=iommufd0,id=hostdev0"
	fi
	# shellcheck disable=SC2086
	refused "$b$d iommufd: a VF without vf-token is refused" "$vf" "$BIND" "$REQUIRED" \
		$IOMMUFD -device "vfio-pci,host=$vf,iommufd=iommufd0,id=hostdev0"
	realized "$b$d group: the workaround, the same VF on the group backend, realizes" $IGB_VF \
		-device "vfio-pci,host=$vf,vf-token=$T1,id=hostdev0"
	set_numvfs "$p" 0

	echo "# $d: a VF whose PF stays on its kernel driver needs no token (C1)"
	bind "$p" igb && set_numvfs "$p" 1
	vf=$(vfs_of "$p" | sed -n 1p)
	bind "$vf" "$d"
	# shellcheck disable=SC2086
	realized "$b$d iommufd: a VF of a PF on igb realizes without vf-token" $IGB_VF \
		$IOMMUFD -device "vfio-pci,host=$vf,iommufd=iommufd0,id=hostdev0"
	realized "$b$d group: a VF of a PF on igb realizes without vf-token" $IGB_VF \
		-device "vfio-pci,host=$vf,id=hostdev0"
	set_numvfs "$p" 0
	unbind "$p"
	summary="$summary $d $((n - n0 - fails + f0))/$((n - n0)),"
done

echo "# side by side, passed/run:${summary%,}"
tap_end
