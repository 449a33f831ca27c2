/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-pci-rs trace events: every VF-token decision, every token set, the
 * VF users of a PF and sriov_configure, under the system "vfio_pci_rs"
 * (the default and the drop-in build alike).
 *
 * As Rust Binder's: the events are defined here, created in
 * src/vfio/trace.c (CREATE_TRACE_POINTS, CREATE_RUST_TRACE_POINTS), and
 * called from Rust through the static key and rust_do_trace_<event>()
 * (src/vfio/trace.rs).  This header is also part of the bindgen input
 * (include/vfio_pci_rs.h) for those two symbols.
 *
 * No event has a field that holds the VF token or anything derived from
 * it: the Rust side never hands the token to this header, whose arguments
 * are devices, small numbers and fixed keywords.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfio_pci_rs
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vfio_pci_rs_trace

#ifndef VFIO_PCI_RS_TRACE_CONSTS
#define VFIO_PCI_RS_TRACE_CONSTS
/*
 * What the opened device is to the token (role): a PF, a VF whose PF is
 * bound to this driver, a VF whose PF is bound to another vfio-pci-core
 * driver, a VF whose PF is bound to none, neither a PF nor a VF.
 */
#define VFIO_PCI_RS_TRACE_ROLE_PF		0
#define VFIO_PCI_RS_TRACE_ROLE_VF_OURS		1
#define VFIO_PCI_RS_TRACE_ROLE_VF_OTHER		2
#define VFIO_PCI_RS_TRACE_ROLE_VF_UNOWNED	3
#define VFIO_PCI_RS_TRACE_ROLE_PLAIN		4
/*
 * The path of an open or a token set: VFIO_GROUP_GET_DEVICE_FD (the
 * device string), VFIO_DEVICE_BIND_IOMMUFD (the device cdev), or
 * VFIO_DEVICE_FEATURE with SET (token sets only).
 */
#define VFIO_PCI_RS_TRACE_PATH_GROUP		0
#define VFIO_PCI_RS_TRACE_PATH_CDEV		1
#define VFIO_PCI_RS_TRACE_PATH_FEATURE		2
#endif

#if !defined(_VFIO_PCI_RS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VFIO_PCI_RS_TRACE_H

#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

#define vfio_pci_rs_trace_show_role(role)				\
	__print_symbolic(role,						\
		{ VFIO_PCI_RS_TRACE_ROLE_PF, "pf" },			\
		{ VFIO_PCI_RS_TRACE_ROLE_VF_OURS, "vf" },		\
		{ VFIO_PCI_RS_TRACE_ROLE_VF_OTHER, "vf-other-pf" },	\
		{ VFIO_PCI_RS_TRACE_ROLE_VF_UNOWNED, "vf-unowned-pf" },\
		{ VFIO_PCI_RS_TRACE_ROLE_PLAIN, "plain" })

#define vfio_pci_rs_trace_show_path(path)				\
	__print_symbolic(path,						\
		{ VFIO_PCI_RS_TRACE_PATH_GROUP, "group" },		\
		{ VFIO_PCI_RS_TRACE_PATH_CDEV, "cdev" },		\
		{ VFIO_PCI_RS_TRACE_PATH_FEATURE, "feature" })

/*
 * The name of the PF of a device of role @role, or "-": only a VF has one
 * (pci_physfn() of anything else is itself; it reads, never writes).
 */
#define vfio_pci_rs_trace_pf_name(pdev, role)				\
	((role) == VFIO_PCI_RS_TRACE_ROLE_PF ||				\
	 (role) == VFIO_PCI_RS_TRACE_ROLE_PLAIN ?			\
	 "-" : pci_name(pci_physfn((struct pci_dev *)(pdev))))

/*
 * The token decision of an open of @pdev, on either path: allowed when
 * @err is 0.  @token says whether a well-formed token came with the open
 * (a device string refused before its token was read has none); @reason
 * is a fixed keyword ("-" when allowed).
 */
TRACE_EVENT(vfio_pci_rs_open,
	TP_PROTO(const struct pci_dev *pdev, u8 role, u8 path, bool token,
		 const char *reason, int err),
	TP_ARGS(pdev, role, path, token, reason, err),

	TP_STRUCT__entry(
		__string(dev, pci_name(pdev))
		__string(pf, vfio_pci_rs_trace_pf_name(pdev, role))
		__field(u8, role)
		__field(u8, path)
		__field(bool, token)
		__string(reason, reason)
		__field(int, err)
	),
	TP_fast_assign(
		__assign_str(dev);
		__assign_str(pf);
		__entry->role = role;
		__entry->path = path;
		__entry->token = token;
		__assign_str(reason);
		__entry->err = err;
	),
	TP_printk("%s pf=%s role=%s path=%s token=%s verdict=%s reason=%s err=%d",
		  __get_str(dev), __get_str(pf),
		  vfio_pci_rs_trace_show_role(__entry->role),
		  vfio_pci_rs_trace_show_path(__entry->path),
		  __entry->token ? "given" : "none",
		  __entry->err ? "deny" : "allow", __get_str(reason),
		  __entry->err)
);

/*
 * The token of PF @pdev was set, by VFIO_DEVICE_FEATURE SET or by an open
 * with a token while no VF was open (SPEC C10), by the current task.
 */
TRACE_EVENT(vfio_pci_rs_token_set,
	TP_PROTO(const struct pci_dev *pdev, u8 path),
	TP_ARGS(pdev, path),

	TP_STRUCT__entry(
		__string(dev, pci_name(pdev))
		__field(u8, path)
		__array(char, comm, TASK_COMM_LEN)
		__field(pid_t, pid)
	),
	TP_fast_assign(
		__assign_str(dev);
		__entry->path = path;
		memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
		__entry->pid = current->pid;
	),
	TP_printk("%s path=%s comm=%s pid=%d", __get_str(dev),
		  vfio_pci_rs_trace_show_path(__entry->path), __entry->comm,
		  __entry->pid)
);

/*
 * VF @vf of PF @pf was opened (@up) or closed: @users is the PF's count
 * of open VFs after the change.
 */
TRACE_EVENT(vfio_pci_rs_vf_users,
	TP_PROTO(const struct pci_dev *pf, const struct pci_dev *vf, bool up,
		 u32 users),
	TP_ARGS(pf, vf, up, users),

	TP_STRUCT__entry(
		__string(pf, pci_name(pf))
		__string(vf, pci_name(vf))
		__field(bool, up)
		__field(u32, users)
	),
	TP_fast_assign(
		__assign_str(pf);
		__assign_str(vf);
		__entry->up = up;
		__entry->users = users;
	),
	TP_printk("%s vf=%s %s users=%u", __get_str(pf), __get_str(vf),
		  __entry->up ? "open" : "close", __entry->users)
);

/* sriov_numvfs was written with @num_vfs on PF @pdev. */
TRACE_EVENT(vfio_pci_rs_sriov_configure,
	TP_PROTO(const struct pci_dev *pdev, int num_vfs),
	TP_ARGS(pdev, num_vfs),

	TP_STRUCT__entry(
		__string(dev, pci_name(pdev))
		__field(int, num_vfs)
	),
	TP_fast_assign(
		__assign_str(dev);
		__entry->num_vfs = num_vfs;
	),
	TP_printk("%s num_vfs=%d", __get_str(dev), __entry->num_vfs)
);

/*
 * ... and what sriov_configure returned: the number of VFs enabled, or a
 * negative errno.
 */
TRACE_EVENT(vfio_pci_rs_sriov_configure_done,
	TP_PROTO(const struct pci_dev *pdev, int num_vfs, int ret),
	TP_ARGS(pdev, num_vfs, ret),

	TP_STRUCT__entry(
		__string(dev, pci_name(pdev))
		__field(int, num_vfs)
		__field(int, ret)
	),
	TP_fast_assign(
		__assign_str(dev);
		__entry->num_vfs = num_vfs;
		__entry->ret = ret;
	),
	TP_printk("%s num_vfs=%d ret=%d", __get_str(dev), __entry->num_vfs,
		  __entry->ret)
);

#endif /* _VFIO_PCI_RS_TRACE_H */

/* This part must be outside the multi-read guard. */
#include <trace/define_trace.h>
