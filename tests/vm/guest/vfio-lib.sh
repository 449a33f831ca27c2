# SPDX-License-Identifier: GPL-2.0
# Guest helpers, sourced by the VM tests: . vfio-lib.sh

# The igb PFs (8086:10c9), in bus order.
igb_pfs() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x8086:0x10c9 ] && basename "$d"
	done
}

# The VFs of PF $1.
vfs_of() {
	for l in /sys/bus/pci/devices/"$1"/virtfn*; do
		[ -e "$l" ] && basename "$(readlink -f "$l")"
	done
}

# The driver bound to $1, or "none".
driver_of() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink -f "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# Unbind $1 from whatever driver it has.
unbind() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	return 0
}

# Bind $1 to driver $2 through driver_override, as userspace tools do.
bind() {
	unbind "$1"
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(driver_of "$1")" = "$2" ]
}

# The IOMMU group number of $1.
group_of() {
	basename "$(readlink -f "/sys/bus/pci/devices/$1/iommu_group")"
}

# Set the number of VFs of $1 to $2.
set_numvfs() {
	echo "$2" > "/sys/bus/pci/devices/$1/sriov_numvfs"
}
