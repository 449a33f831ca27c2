// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio-pci-rs trace events (include/vfio_pci_rs_trace.h), created here
 * as Rust Binder creates its own: the tracepoints, their trace_event
 * definitions and, for Rust, one rust_do_trace_<event>() each.  No state,
 * no logic: src/vfio/trace.rs calls them.
 */
#define CREATE_TRACE_POINTS
#define CREATE_RUST_TRACE_POINTS
#include "vfio_pci_rs_trace.h"
