#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vfio-pci-rs as a PCI driver: binding, module parameters, SR-IOV gating,
# driver_override of new VFs, unbind and unload.  TAP.
. vfio-lib.sh

# expect_err ERRNO-TEXT DESC CMD...: CMD fails and its stderr names ERRNO-TEXT.
expect_err() {
	want=$1 desc=$2; shift 2
	if err=$("$@" 2>&1); then not_ok "$desc (succeeded)"; return; fi
	case "$err" in *"$want"*) ok "$desc" ;; *) not_ok "$desc (got: $err)" ;; esac
}
params=/sys/module/vfio_pci_rs/parameters

pf=$(igb_pfs | head -n1)
echo "1..14"

check "PF is unbound after load (override-only ID table)" [ "$(driver_of "$pf")" = none ]
check "PF binds through driver_override" bind "$pf" vfio-pci-rs
check "PF has a vfio group node" [ -c "/dev/vfio/$(group_of "$pf")" ]
check "PF has a vfio cdev" [ -n "$(ls "/sys/bus/pci/devices/$pf/vfio-dev/" 2>/dev/null)" ]
# One condition: "check ... [ ] && [ ]" would leave the second test
# outside the case, its failure unseen.
check "enable_sriov is 0644 and off by default" \
	[ "$(stat -c %a $params/enable_sriov):$(cat $params/enable_sriov)" = 644:N ]
expect_err "No such file or directory" "sriov_numvfs is ENOENT while enable_sriov=0" \
	set_numvfs "$pf" 2
echo 1 > $params/enable_sriov
check "enable_sriov=1: sriov_numvfs=2 creates 2 VFs" \
	sh -c ". vfio-lib.sh; set_numvfs $pf 2 && [ \$(vfs_of $pf | wc -l) = 2 ]"
vfs=$(vfs_of "$pf")
all_rs=1
for vf in $vfs; do
	[ "$(cat "/sys/bus/pci/devices/$vf/driver_override")" = vfio-pci-rs ] || all_rs=0
	[ "$(driver_of "$vf")" = vfio-pci-rs ] || all_rs=0
done
# ... and there are two of them: the loop above passes when it is empty.
check "new VFs carry driver_override=vfio-pci-rs and bind to it" \
	[ "$all_rs:$(echo $vfs | wc -w)" = 1:2 ]
vf1=$(echo "$vfs" | head -n1)
check "PF and VF are in different IOMMU groups" [ "$(group_of "$pf")" != "$(group_of "$vf1")" ]
echo 0 > $params/enable_sriov
expect_err "No such file or directory" "disable is ENOENT too while enable_sriov=0" \
	set_numvfs "$pf" 0
echo 1 > $params/enable_sriov
check "sriov_numvfs=0 removes the VFs" \
	sh -c ". vfio-lib.sh; set_numvfs $pf 0 && [ -z \"\$(vfs_of $pf)\" ]"
check "PF unbinds" sh -c ". vfio-lib.sh; unbind $pf && [ \$(driver_of $pf) = none ]"
check "rmmod vfio_pci_rs" rmmod vfio_pci_rs
echo > "/sys/bus/pci/devices/$pf/driver_override"
modprobe vfio_pci_rs ids=8086:10c9,zz:1,8086
check "ids=8086:10c9 binds the PF without driver_override (bad entries skipped)" \
	[ "$(driver_of "$pf")" = vfio-pci-rs ]
unbind "$pf"
rmmod vfio_pci_rs
modprobe vfio_pci_rs
[ "$fails" = 0 ]
