// SPDX-License-Identifier: GPL-2.0

//! The `pci_driver` of a vfio-pci variant driver.
//!
//! The kernel crate's `pci::Adapter` owns the driver data; vfio-pci-core
//! needs drvdata to be the core device pointer (its runtime PM, AER and VGA
//! paths read it), so a variant driver registers a `pci_driver` of its own,
//! shaped like C vfio-pci's: probe, remove, `sriov_configure`, the core's
//! error handlers, `driver_managed_dma` and a driver_override-only ID table.
//!
//! C header: [`include/linux/pci.h`](srctree/include/linux/pci.h)

use core::{marker::PhantomData, pin::Pin, ptr::addr_of_mut};

use kernel::{error::to_result, ffi::c_int, pci, prelude::*, types::Opaque, ThisModule};

use super::{
    bindings,
    device::{pci_device, Device, Operations},
};

/// The `pci_driver` of a vfio-pci variant driver, as the kernel's
/// `pci::Driver`; its devices' `vfio_device_ops` are [`Operations`], and
/// the `pci_driver`'s name is [`Operations::NAME`].
///
/// Remove (unregistering the vfio device) and the error handlers
/// (vfio-pci-core's) are the abstraction's.
pub(crate) trait Driver: Operations {
    /// The driver's ID table (`pci_driver.id_table`).
    const ID_TABLE: IdTable;

    /// Whether `pdev` may be bound at all; called first in probe, before
    /// the vfio device is allocated.
    fn probe(_pdev: &pci::Device) -> Result {
        Ok(())
    }

    /// `sriov_configure`: `sriov_numvfs` was written with `nr_virtfn`.
    fn sriov_configure(dev: &Device<Self>, nr_virtfn: i32) -> Result<i32>;
}

/// `PCI_ANY_ID`.
const ANY: u32 = !0;

/// One entry of a `pci_driver`'s ID table (`struct pci_device_id`).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct DeviceId(bindings::pci_device_id);

impl DeviceId {
    /// `PCI_DRIVER_OVERRIDE_DEVICE_VFIO(vendor, device)`: matches the
    /// device only through `driver_override`, and gives a module that
    /// exports the table the modalias `vfio_pci:v...d...`.
    pub(crate) const fn vfio_driver_override(vendor: u32, device: u32) -> Self {
        Self(bindings::pci_device_id {
            vendor,
            device,
            subvendor: ANY,
            subdevice: ANY,
            class: 0,
            class_mask: 0,
            driver_data: 0,
            override_only: bindings::PCI_ID_F_VFIO_DRIVER_OVERRIDE,
        })
    }
}

/// A driver's `N` IDs with the zeroed entry that ends them, as
/// `pci_driver.id_table` and modpost read a `pci_device_id` array.
///
/// A driver that wants the modaliases keeps it in a `static` exported as
/// `MODULE_DEVICE_TABLE(pci, ...)` exports its C counterpart.
#[repr(C)]
pub(crate) struct IdArray<const N: usize> {
    ids: [DeviceId; N],
    // `repr(C)` and the same type: right after the last ID, no padding.
    end: DeviceId,
}

impl<const N: usize> IdArray<N> {
    /// The table of `ids`.
    pub(crate) const fn new(ids: [DeviceId; N]) -> Self {
        Self {
            ids,
            end: DeviceId(pin_init::zeroed()),
        }
    }

    /// The table, for [`Driver::ID_TABLE`].
    pub(crate) const fn table(&'static self) -> IdTable {
        // INVARIANT: `self` is a `'static`, terminated `pci_device_id` array.
        IdTable(core::ptr::from_ref(self).cast())
    }
}

/// A driver's ID table, made by [`IdArray::table`].
///
/// # Invariants
///
/// The pointer is to a `'static` [`IdArray`]: `pci_device_id`s ended by a
/// zeroed one.
#[derive(Clone, Copy)]
pub(crate) struct IdTable(*const bindings::pci_device_id);

/// A dynamic ID, as `pci_add_dynid()` and a driver's `new_id` file take it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DynId {
    /// Vendor ID, or `PCI_ANY_ID`.
    pub(crate) vendor: u32,
    /// Device ID, or `PCI_ANY_ID`.
    pub(crate) device: u32,
    /// Subsystem vendor ID, or `PCI_ANY_ID`.
    pub(crate) subvendor: u32,
    /// Subsystem device ID, or `PCI_ANY_ID`.
    pub(crate) subdevice: u32,
    /// Class code, the (class, subclass, prog-if) triplet, compared
    /// under `class_mask`.
    pub(crate) class: u32,
    /// The bits of `class` that must match.
    pub(crate) class_mask: u32,
}

/// A registered `pci_driver` for the variant driver `T`.
///
/// # Invariants
///
/// `drv` is registered with the PCI core from `new` until drop.
pub(crate) struct Registration<T: Driver> {
    drv: Pin<KBox<Opaque<bindings::pci_driver>>>,
    _t: PhantomData<T>,
}

// SAFETY: The `pci_driver` is a pinned allocation owned by the registration;
// the PCI core's functions on it (`pci_add_dynid()`,
// `pci_unregister_driver()`) may be called from any thread, so the owner
// may move to another one (module exit need not run where init did).
unsafe impl<T: Driver> Send for Registration<T> {}
// SAFETY: A shared reference only allows `add_dynid`, whose
// `pci_add_dynid()` takes the driver's `dynids` lock, so concurrent calls
// from several threads are serialised by the PCI core.
unsafe impl<T: Driver> Sync for Registration<T> {}

/// vfio-pci's `vfio_pci_dev_ops`: BARs exported as dma-bufs by
/// vfio-pci-core's own function.
#[cfg(CONFIG_VFIO_PCI_DMABUF)]
const PCI_OPS: bindings::vfio_pci_device_ops = bindings::vfio_pci_device_ops {
    get_dmabuf_phys: Some(bindings::vfio_pci_core_get_dmabuf_phys),
};

impl<T: Driver> Registration<T> {
    /// Registers the driver; the PCI core probes matching devices at once.
    pub(crate) fn new(module: &'static ThisModule, modname: &'static CStr) -> Result<Self> {
        let drv = KBox::pin(Opaque::<bindings::pci_driver>::zeroed(), GFP_KERNEL)?;
        let raw = drv.get();
        // SAFETY: `raw` is a zeroed `pci_driver` nobody else knows yet.
        unsafe {
            (*raw).name = T::NAME.as_char_ptr();
            (*raw).id_table = T::ID_TABLE.0;
            (*raw).probe = Some(Self::probe_callback);
            (*raw).remove = Some(Self::remove_callback);
            (*raw).sriov_configure = Some(Self::sriov_configure_callback);
            (*raw).err_handler = &raw const bindings::vfio_pci_core_err_handlers;
            (*raw).driver_managed_dma = true;
        }
        // SAFETY: `raw` is a fully set up driver, pinned for as long as the
        // registration lives, and unregistered in `drop`; its `id_table` is
        // a `'static` table ended by a zeroed ID (`IdTable`'s invariant).
        to_result(unsafe {
            bindings::__pci_register_driver(raw, module.as_ptr(), modname.as_char_ptr())
        })?;
        // INVARIANT: Registered just above.
        Ok(Self {
            drv,
            _t: PhantomData,
        })
    }

    /// Adds a dynamic ID, like writing to `new_id` (the `ids=` parameter):
    /// `pci_add_dynid()` with no driver data.
    pub(crate) fn add_dynid(&self, id: &DynId) -> Result {
        // SAFETY: By the type invariant the driver is registered.
        to_result(unsafe {
            bindings::pci_add_dynid(
                self.drv.get(),
                id.vendor,
                id.device,
                id.subvendor,
                id.subdevice,
                id.class,
                id.class_mask,
                0,
            )
        })
    }

    extern "C" fn probe_callback(
        pdev: *mut bindings::pci_dev,
        _id: *const bindings::pci_device_id,
    ) -> c_int {
        // SAFETY: The PCI core passes the device it probes with our driver.
        match unsafe { Self::probe(pdev) } {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `pdev` must be a valid `pci_dev` being probed by this driver.
    unsafe fn probe(pdev: *mut bindings::pci_dev) -> Result {
        // SAFETY: `pdev` is valid for the call.
        T::probe(unsafe { pci_device(pdev) }?)?;
        // SAFETY: `pdev` is being probed by `T`'s driver.
        let core = unsafe { Device::<T>::alloc(pdev) }?.as_ptr();
        // vfio-pci's PCI device ops: dma-buf export of the BARs, the one
        // user of the ops, built only with `CONFIG_VFIO_PCI_DMABUF`.
        #[cfg(CONFIG_VFIO_PCI_DMABUF)]
        // SAFETY: `core` is initialised and not yet registered, so nothing
        // reads its `pci_ops` yet; `&PCI_OPS` is a promoted constant, a
        // static of this module, which outlives every device it binds.
        unsafe {
            bindings::vfio_pci_rs_set_pci_ops(core, &PCI_OPS)
        };
        // vfio-pci-core's runtime PM, AER and VGA paths read the drvdata,
        // which must be the core device before it registers.  Nothing else
        // reads it as ours: a VF reaches its PF through the core's link,
        // which exists only once this probe has completed.
        // SAFETY: `pdev` is being probed by us: its drvdata is ours to set.
        unsafe { bindings::dev_set_drvdata(addr_of_mut!((*pdev).dev), core.cast()) };
        // SAFETY: `core` was allocated and initialised by `alloc`.
        let ret = to_result(unsafe { bindings::vfio_pci_core_register_device(core) });
        if ret.is_err() {
            // SAFETY: `pdev` is still being probed by us.
            unsafe { bindings::dev_set_drvdata(addr_of_mut!((*pdev).dev), core::ptr::null_mut()) };
            // SAFETY: Drops the reference `alloc` returned; nobody else has one.
            unsafe { bindings::vfio_pci_rs_put_device(core.cast()) };
        }
        ret
    }

    extern "C" fn remove_callback(pdev: *mut bindings::pci_dev) {
        // SAFETY: The PCI core passes a device that `probe` bound.
        let core = unsafe { bindings::dev_get_drvdata(addr_of_mut!((*pdev).dev)) };
        let core = core.cast::<bindings::vfio_pci_core_device>();
        // SAFETY: `core` is the device registered in `probe`.  Unregistering
        // disables SR-IOV first and waits for every user to close it.
        unsafe { bindings::vfio_pci_core_unregister_device(core) };
        // SAFETY: Drops the reference taken in `probe`.
        unsafe { bindings::vfio_pci_rs_put_device(core.cast()) };
    }

    extern "C" fn sriov_configure_callback(pdev: *mut bindings::pci_dev, nr: c_int) -> c_int {
        // SAFETY: The PCI core calls this only on a device bound to this
        // driver, whose probe completed (`sriov_numvfs_store()` checks the
        // driver under the device lock, which probe holds), and holds the
        // device lock for the call: the drvdata is our registered device.
        let core = unsafe { bindings::dev_get_drvdata(addr_of_mut!((*pdev).dev)) };
        // SAFETY: `probe` set that drvdata to the core device of a
        // `Device<T>`, at its offset 0 (`Device`'s type invariant), whose
        // `init` had returned 0; `remove`, which drops it, needs the device
        // lock held for this call, so it is alive and initialised for the
        // call.
        let dev = unsafe { &*core.cast::<Device<T>>() };
        match T::sriov_configure(dev, nr) {
            Ok(n) => n,
            Err(e) => e.to_errno(),
        }
    }
}

impl<T: Driver> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the driver is registered.  This
        // removes every bound device before it returns.
        unsafe { bindings::pci_unregister_driver(self.drv.get()) };
    }
}
