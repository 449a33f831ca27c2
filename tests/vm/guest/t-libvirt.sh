#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# libvirt as a consumer of the VF token: Debian sid's libvirtd (12.8) with
# sid's QEMU (11.1) as its emulator, unmodified, in a root of their own
# (scripts/guest-pack virt-sid; virt-sid runs a program chrooted there),
# against the drop-in vfio-pci and then C vfio-pci in the same boot, or
# (vm-run without --drop-in) against vfio-pci-rs under its own name, as the
# variant driver a hostdev's <driver model=...> names, beside C vfio-pci.
#
# The domain has the VF as <hostdev mode='subsystem' type='pci'
# managed='yes'>, and the token reaches QEMU's vf-token property through
# <qemu:override>, as Documentation/vfio-pci-rs-dropin.rst gives it (libvirt
# has no element of its own for the token).  The VF starts on igbvf, its
# kernel driver; managed='yes' makes libvirt bind it to "vfio-pci" (by that
# name: the drop-in, or C), or to the model named, before QEMU starts, and
# give it back to igbvf
# when the domain ends or fails to start.  `virsh start --paused` starts
# QEMU with its vCPUs stopped: QEMU realizes its devices before libvirt
# sees it running, so a running domain whose QEMU has the VF's device
# realized has opened it.  With a wrong or no token QEMU's open is refused
# and the start fails with QEMU's error (the group, EPERM); the kernel's
# line names the token.  With <iommufd enabled='yes'/> libvirt hands QEMU
# the VF's cdev, which QEMU 11.1 binds without the token: refused, even
# with the right one.
#
# libvirt runs with the configuration a test VM allows: QEMU as root,
# no cgroups, namespaces, security driver or virtlogd (QEMU's output goes
# to its log file).  Needs scripts/vm-run --pack virt-sid.  TAP.
. vfio-lib.sh

T=52ac9bff-3a88-4fbd-901a-0d767c3b6c97
W=88594674-90a0-47a9-aea8-9d9b352ac08a
R=/opt/virt-sid
[ "$DRV" != vfio-pci ] || [ -f "$cvfio" ] || {
	echo "Bail out! drop-in mode without C's module at $cvfio"
	exit 1
}
command -v virt-sid > /dev/null || {
	echo "Bail out! needs vm-run --pack virt-sid"
	exit 1
}
pf=$(igb_pfs | sed -n 1p)
modprobe igbvf

# libvirt's configuration, in its root (the first virt-sid mounts /proc,
# /sys, /dev and a /run and /tmp of its own there).
mkdir -p "$R/etc/libvirt" "$R/var/log/libvirt" "$R/var/lib/libvirt" "$R/var/cache/libvirt"
cat > "$R/etc/libvirt/libvirtd.conf" <<-EOF
	auth_unix_rw = "none"
	auth_unix_ro = "none"
	log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
cat > "$R/etc/libvirt/qemu.conf" <<-EOF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	cgroup_controllers = [ ]
	namespaces = [ ]
	stdio_handler = "file"
EOF
virt-sid /usr/sbin/libvirtd > /tmp/libvirtd.out 2>&1 &
lvpid=$!
virsh() {
	timeout 300 virt-sid /usr/bin/virsh -c qemu:///system "$@"
}
i=0
while [ $i -lt 60 ] && ! [ -S "$R/run/libvirt/libvirt-sock" ]; do
	sleep 1
	i=$((i + 1))
done
virsh version > /tmp/virsh.out 2>&1
sed 's/^/# /' /tmp/virsh.out
check "baseline: libvirtd 12.8 answers, its emulator QEMU 11.1" \
	sh -c 'grep -q "^Using library: libvirt 12\.8\." /tmp/virsh.out &&
		grep -q "^Running hypervisor: QEMU 11\.1\." /tmp/virsh.out'

# domain VF OVERRIDE [XML]: a q35 domain "vf" with VF as a managed hostdev,
# defined from OVERRIDE (a <qemu:override>, or nothing) and XML (more of
# the domain's elements).
domain() {
	local b=${1#*:} s f
	s=${b#*:}
	f=${s#*.}
	cat > "$R/tmp/vf.xml" <<-EOF
	<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
	  <name>vf</name>
	  <uuid>3c0e5c1a-9f5e-4d0b-8d7e-2b6a4f1c9e70</uuid>
	  <memory unit='MiB'>64</memory>
	  <vcpu>1</vcpu>
	  ${3:-}
	  <os><type arch='x86_64' machine='q35'>hvm</type></os>
	  <devices>
	    <emulator>/usr/bin/qemu-system-x86_64</emulator>
	    <hostdev mode='subsystem' type='pci' managed='yes'>
	      <driver name='vfio'$model/>
	      <source><address domain='0x0000' bus='0x${b%%:*}' slot='0x${s%%.*}' function='0x$f'/></source>
	      <alias name='ua-vf0'/>
	    </hostdev>
	    <memballoon model='none'/>
	  </devices>
	  $2
	</domain>
	EOF
	virsh define /tmp/vf.xml > /dev/null
}
override() {
	printf "<qemu:override><qemu:device alias='ua-vf0'><qemu:frontend>%s</qemu:frontend></qemu:device></qemu:override>" \
		"<qemu:property name='vf-token' type='string' value='$1'/>"
}
# start: virsh start --paused vf; its exit status in $st, its output in
# /tmp/start.out, the kernel's lines meanwhile in /tmp/start.dmesg.
start() {
	dmesg -c > /dev/null
	virsh start --paused vf > /tmp/start.out 2>&1
	st=$?
	dmesg | sed 's/^\[[ 0-9.]*\] //' > /tmp/start.dmesg
	sed 's/^/# virsh: /' /tmp/start.out
	grep -i token /tmp/start.dmesg | sed 's/^/# dmesg: /'
}
# lines VF RE: how many of the kernel's lines for VF match RE.
lines() {
	grep -F "$1" /tmp/start.dmesg | grep -ci "$2"
}
# realized VF: the domain runs paused, QEMU was given the token, its device
# ua-vf0 is realized (QOM; query-pci lists no device behind a root port
# before the firmware has numbered the buses) on VF, and the kernel had no
# token line for VF.
realized() {
	virsh qemu-monitor-command vf \
		'{"execute":"qom-get","arguments":{"path":"/machine/peripheral/ua-vf0","property":"realized"}}' \
		> /tmp/qom.out 2>&1
	virsh qemu-monitor-command vf \
		'{"execute":"qom-get","arguments":{"path":"/machine/peripheral/ua-vf0","property":"host"}}' \
		>> /tmp/qom.out 2>&1
	grep -o '"vfio-pci","host":"[^}]*' "$R/var/log/libvirt/qemu/vf.log" | tail -n1 |
		sed 's/^/# qemu: -device /'
	grep . /tmp/qom.out | sed 's/^/# qom-get ua-vf0 realized, host: /'
	[ "$st" = 0 ] && [ "$(virsh domstate vf)" = paused ] &&
		grep -q '"return":true' /tmp/qom.out && grep -q "\"return\":\"$1\"" /tmp/qom.out &&
		grep -q "\"vf-token\":\"$T\"" "$R/var/log/libvirt/qemu/vf.log" &&
		[ "$(lines "$1" token)" = 0 ]
}
# refused VF WRONG REQUIRED [TEXT]: the start failed, virsh gave QEMU's
# error (TEXT, by default the group open's, and EPERM), the domain is shut
# off, and the kernel refused VF WRONG times for a wrong token and REQUIRED
# times for a missing one.
refused() {
	[ "$st" = 1 ] && grep -q "${4:-error getting device from group}" /tmp/start.out &&
		grep -q "Permission denied" /tmp/start.out &&
		[ "$(virsh domstate vf)" = "shut off" ] &&
		[ "$(lines "$1" 'incorrect VF token provided for device')" = "$2" ] &&
		[ "$(lines "$1" 'VF token required to access device')" = "$3" ]
}
# given_back VF: on igbvf again, its driver_override cleared.
given_back() {
	[ "$(driver_of "$1")" = igbvf ] &&
		[ "$(cat "/sys/bus/pci/devices/$1/driver_override")" = "(null)" ]
}

# cases LABEL DRIVER [MODEL]: the runs with the PF and, by libvirt, the VF
# on DRIVER: the <driver> element of the hostdev names it as its model
# (model='MODEL'), or nothing for vfio-pci.
cases() {
	local label=$1 drv=$2 vf
	model=${3:+" model='$3'"}
	bind "$pf" "$drv"
	echo 1 > "/sys/module/$(echo "$drv" | tr - _)/parameters/enable_sriov"
	set_numvfs "$pf" 1
	vf=$(vfs_of "$pf" | sed -n 1p)
	# The PF's user sets the token (C10); the VF goes to its own driver.
	vfio-open --token "$T" "$pf" > /dev/null
	echo > "/sys/bus/pci/devices/$vf/driver_override"
	unbind "$vf"
	echo "$vf" > /sys/bus/pci/drivers/igbvf/bind
	check "$label: the VF $vf starts on igbvf" given_back "$vf"

	domain "$vf" "$(override "$T")"
	start
	driver=$(driver_of "$vf")
	check "$label: the right vf-token: the domain starts paused, its QEMU realized the VF" \
		realized "$vf"
	check "$label: managed='yes' bound the VF to $drv for QEMU" [ "$driver" = "$drv" ]
	virsh destroy vf > /tmp/destroy.out 2>&1
	check_show /tmp/destroy.out "$label: virsh destroy ends the domain" \
		grep -q "Domain 'vf' destroyed" /tmp/destroy.out
	check "$label: after destroy the VF is on igbvf, driver_override cleared" given_back "$vf"

	domain "$vf" "$(override "$W")"
	start
	check "$label: a wrong vf-token: the start fails (kernel: 1 incorrect, 0 required)" \
		refused "$vf" 1 0
	check "$label: after the failed start the VF is back on igbvf" given_back "$vf"

	domain "$vf" ""
	start
	check "$label: no vf-token: the start fails (kernel: 0 incorrect, 1 required)" \
		refused "$vf" 0 1
	check "$label: after the failed start the VF is back on igbvf" given_back "$vf"

	# libvirt's iommufd backend: libvirt opens /dev/iommu and the VF's
	# cdev and hands QEMU the descriptors; QEMU 11.1 binds the cdev
	# without the token (as on its own iommufd backend, t-qemu.sh), so
	# even the right one is refused as missing: fail closed.
	domain "$vf" "$(override "$T")" "<iommufd enabled='yes'/>"
	start
	check "$label: <iommufd enabled='yes'/>, the right vf-token: the start fails, QEMU binds the VF's cdev without it (kernel: 0 incorrect, 1 required)" \
		refused "$vf" 0 1 "error bind device fd=[0-9]* to iommufd=[0-9]*"
	check "$label: after the failed start the VF is back on igbvf" given_back "$vf"

	# A domain left running by a failed case would hold the VF open, and
	# removing the VFs would wait for QEMU to let it go.
	virsh destroy vf > /dev/null 2>&1
	virsh undefine vf > /dev/null
	set_numvfs "$pf" 0
	unbind "$pf"
}

if [ "$DRV" = vfio-pci ]; then
	echo "# vfio-pci-rs as the drop-in vfio-pci"
	cases "drop-in" vfio-pci
	c_in_place
	cases "baseline: C vfio-pci" vfio-pci
	drop_in_back
else
	# vfio-pci-rs under its own name, as the variant driver libvirt is
	# told to use; C vfio-pci beside it as libvirt's default.
	echo "# $DRV as a variant driver: <driver name='vfio' model='$DRV'/>"
	cases "$DRV" "$DRV" "$DRV"
	modprobe vfio-pci
	cases "baseline: C vfio-pci" vfio-pci
fi

kill "$lvpid"
wait "$lvpid" 2> /dev/null
grep -E ': (error|warning) : ' "$R/var/log/libvirt/libvirtd.log" | grep -v /dev/kvm |
	sed 's/^[-0-9]* [0-9:.+]*: /# libvirtd: /' | sort | uniq -c | sed 's/^ *//'
tap_end
