// SPDX-License-Identifier: GPL-2.0

//! A vfio-pci variant device: a `vfio_pci_core_device` with Rust data after it.
//!
//! C header: [`include/linux/vfio_pci_core.h`](srctree/include/linux/vfio_pci_core.h)

use core::{
    mem::{align_of, offset_of, size_of},
    pin::Pin,
    ptr::{addr_of_mut, NonNull},
};

use kernel::{
    device,
    error::{from_err_ptr, to_result},
    ffi::{c_char, c_int, c_void},
    pci,
    prelude::*,
    str::CStr,
    sync::aref::ARef,
    types::Opaque,
    uaccess::{UserPtr, UserSlice},
};

use super::{bindings, ratelimit::RateLimit, uuid::UuidBytes};

/// What a PCI device is to SR-IOV, as vfio-pci-core tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sriov {
    /// A physical function with the SR-IOV capability.
    Pf,
    /// A virtual function.
    Vf,
    /// Neither.
    Neither,
}

/// The `vfio_device_ops` of a vfio-pci variant driver on top of
/// vfio-pci-core, as upstream's `vfio::pci::Operations`; the `pci_driver`
/// side is [`super::pci::Driver`].
///
/// Everything about the device that is not listed here (regions, config
/// space, interrupts, reset, power management, the iommufd binding) is
/// vfio-pci-core's, and the ops table points straight at its exported
/// functions, so those paths cost exactly what they cost in C vfio-pci.
///
/// The methods are named after the `vfio_device_ops` callbacks they serve
/// (see `Documentation/vfio-pci-rs.rst`, "The vfio layer and upstream's").
pub(crate) trait Operations: Sized + Send + Sync + 'static {
    /// The name of the `vfio_device_ops`, and of the `pci_driver`:
    /// vfio-pci-core writes it into the `driver_override` of new VFs.
    const NAME: &'static CStr;

    /// What the driver keeps per device, beside the core device.
    type Data: Send + Sync;

    /// Builds the per-device data, from `vfio_device_ops.init`.
    fn init(pdev: &pci::Device, sriov: Sriov) -> impl PinInit<Self::Data, Error>;

    /// `open_device`: vfio-pci-core enabled the device, which is now open.
    ///
    /// Nothing can fail after this point, so a failed open never calls it.
    fn open_device(_dev: &Device<Self>) {}

    /// `close_device`: the device is about to be closed by vfio-pci-core.
    fn close_device(_dev: &Device<Self>) {}

    /// `match`, for `VFIO_GROUP_GET_DEVICE_FD`: does `buf` name this device,
    /// and may it open?  `Ok(false)` is "not this device".
    ///
    /// Only called when `buf` starts with `name`, the device's name: vfio
    /// asks every device of the group, and the others are answered "not
    /// this device" by the abstraction, as `vfio_pci_core_match()` does,
    /// without measuring the whole string.
    fn match_device(dev: &Device<Self>, name: &CStr, buf: &CStr) -> Result<bool>;

    /// `match_token_uuid`, for `VFIO_DEVICE_BIND_IOMMUFD`: may the device
    /// open with this token?
    fn match_token_uuid(dev: &Device<Self>, token: Option<&UuidBytes>) -> Result;

    // The VF-token hooks: what an SR-IOV PF driver that keeps its VFs'
    // token itself, instead of leaving it to vfio-pci-core, needs beside
    // `match` and `match_token_uuid`.

    /// Whether this device has a VF token to set, i.e. answers
    /// `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN` (others get `ENOTTY`).
    fn has_vf_token(dev: &Device<Self>) -> bool;

    /// `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN` with `SET`: the request was checked
    /// and the new token copied from userspace.
    fn set_vf_token(dev: &Device<Self>, token: &UuidBytes);

    /// The per-device settings vfio-pci takes from its module parameters,
    /// latched into the core device by `init`.  A variant driver without
    /// such parameters keeps the default, as C variant drivers leave them
    /// unset.
    fn latched_params() -> LatchedParams {
        LatchedParams::default()
    }
}

/// Settings of a core device that vfio-pci latches from its module
/// parameters at init; later parameter changes do not affect the device.
#[derive(Clone, Copy, Default)]
pub(crate) struct LatchedParams {
    /// Do not use PCI 2.3 INTx masking (`nointxmask`).
    pub(crate) nointxmask: bool,
    /// No VGA resource access (`disable_vga`).
    pub(crate) disable_vga: bool,
    /// Keep the device in D0 while idle (`disable_idle_d3`).
    pub(crate) disable_idle_d3: bool,
}

/// The PF of a VF, as vfio-pci-core linked them (`sriov_pf_core_dev`).
pub(crate) enum SriovPf<'a, T: Operations> {
    /// Not linked: the device is not a VF, or its PF did not enable SR-IOV
    /// through a vfio-pci-core driver (SPEC C1, C2).
    Unlinked,
    /// The PF is bound to this driver: its device, registered and alive for
    /// as long as the VF is.
    Ours(&'a Device<T>),
    /// The PF is bound to another vfio-pci-core driver, whose token the core
    /// keeps.
    Other,
}

/// The reference `pdev` of a raw `struct pci_dev`.
///
/// # Safety
///
/// `pdev` must be a valid `struct pci_dev` that stays alive for `'a`.
pub(crate) unsafe fn pci_device<'a>(pdev: *mut bindings::pci_dev) -> Result<&'a pci::Device> {
    // SAFETY: `pdev` is valid for `'a` (the caller's guarantee), and so is
    // the `struct device` embedded in it, whose reference count the
    // `pci_dev`'s holds above zero.
    let dev = unsafe { device::Device::from_raw(addr_of_mut!((*pdev).dev)) };
    <&pci::Device>::try_from(dev)
}

/// The SR-IOV role of `pdev`, as `vfio_pci_vf_init()` reads it.
///
/// # Safety
///
/// `pdev` must be a valid `struct pci_dev` whose device lock the caller
/// holds, as probe does.
unsafe fn sriov(pdev: *const bindings::pci_dev) -> Sriov {
    // SAFETY: `pdev` is valid (the caller's guarantee).  `is_physfn` and
    // `is_virtfn` are set before the device is added and never change, but
    // they share their byte with bits the PCI core writes at run time
    // (`is_msi_managed`, `needs_freset`, `state_saved`, ...); the device
    // lock, which the caller holds, is what keeps those writes out while
    // the byte is read.
    let (physfn, virtfn) = unsafe { ((*pdev).is_physfn(), (*pdev).is_virtfn()) };
    if virtfn != 0 {
        Sriov::Vf
    } else if physfn != 0 {
        Sriov::Pf
    } else {
        Sriov::Neither
    }
}

/// A vfio-pci-core device of driver `T`, with a reference on its `pci_dev`
/// and `T`'s data (boxed) after it.
///
/// # Invariants
///
/// - `core` is first, so the `struct vfio_device` inside it sits at offset 0
///   as `_vfio_alloc_device()` requires, and a `vfio_device` pointer of a
///   device with our ops is a pointer to a `Device<T>`.
/// - Once `vfio_device_ops.init` has returned 0, `pdev` (a reference on
///   the `pci_dev` the device was allocated for) and `data` are
///   initialised, and stay so until `vfio_device_ops.release`.
#[repr(C)]
pub(crate) struct Device<T: Operations> {
    core: Opaque<bindings::vfio_pci_core_device>,
    pdev: ARef<pci::Device>,
    data: Pin<KBox<T::Data>>,
}

impl<T: Operations> Device<T> {
    /// The driver's data for this device.
    pub(crate) fn data(&self) -> &T::Data {
        &self.data
    }

    /// The PCI device this device was allocated for.
    pub(crate) fn pdev(&self) -> &pci::Device {
        &self.pdev
    }

    /// The `struct vfio_pci_core_device`, for vfio-pci-core's functions.
    pub(crate) fn as_core(&self) -> *mut bindings::vfio_pci_core_device {
        self.core.get()
    }

    fn vfio_device(&self) -> *mut bindings::vfio_device {
        // By the type invariant the vfio_device is at offset 0 of the core.
        self.as_core().cast()
    }

    /// The `struct pci_dev` of [`Self::pdev`], for C calls.
    fn raw_pdev(&self) -> *mut bindings::pci_dev {
        // SAFETY: The vfio device is live (`&self`); the helper reads its
        // `dev` pointer, set by `_vfio_alloc_device()` to the `pci_dev`'s
        // device and never changed, and computes its `pci_dev`.  That
        // `pci_dev` stays valid for as long as `self`: `self.pdev` holds a
        // reference on it (type invariant).
        unsafe { bindings::vfio_pci_rs_pdev(self.vfio_device()) }
    }

    /// The generic device of the PCI device, for `dev_*!` and its name.
    pub(crate) fn device(&self) -> &device::Device {
        self.pdev().as_ref()
    }

    /// # Safety
    ///
    /// `vdev` must be the `vfio_device` of a live `Device<T>` whose `init`
    /// has succeeded, and stay so for `'a`.
    unsafe fn from_vfio<'a>(vdev: *mut bindings::vfio_device) -> &'a Self {
        // SAFETY: A `vfio_device` of a `Device<T>` is at its offset 0 (type
        // invariant), and the caller guarantees that this one is live and
        // initialised for `'a`: the cast pointer is a valid `&'a Self`.
        unsafe { &*vdev.cast() }
    }

    /// The PF of this VF, as vfio-pci-core linked it at registration.
    ///
    /// The core sets the link, before it registers the VF, to a PF that
    /// enabled SR-IOV through `vfio_pci_core_sriov_configure()`: a PF whose
    /// probe completed.  The PF cannot disable SR-IOV, and so cannot be
    /// removed, while this VF is bound (`pci_disable_sriov()` removes the
    /// VF first), so the PF device lives at least as long as `self`.
    pub(crate) fn sriov_pf(&self) -> SriovPf<'_, T> {
        // SAFETY: The device is registered: the core set the link, or left
        // it NULL, before that, and never changes it while registered.
        let pf = unsafe { bindings::vfio_pci_rs_sriov_pf(self.as_core()) };
        if pf.is_null() {
            return SriovPf::Unlinked;
        }
        // SAFETY: `pf` is a registered core device (see above), whose
        // `pci_dev` is bound to the driver that registered it.
        let pf_pdev = unsafe { bindings::vfio_pci_rs_pdev(pf.cast()) };
        // Both devices are bound, and stay so for `self`'s lifetime: this
        // one to `T`'s `pci_driver` (vfio calls us between probe and
        // remove), the PF to the driver that owns `pf`.  The same driver
        // means `pf` was allocated by `Device::<T>::alloc`.
        // SAFETY: `pci_dev_driver()` reads the bound driver of each
        // `pci_dev`; both are valid and bound, as said.
        let same = unsafe {
            bindings::pci_dev_driver(pf_pdev) == bindings::pci_dev_driver(self.raw_pdev())
        };
        if !same {
            return SriovPf::Other;
        }
        // SAFETY: `pf` is the registered core device of a `Device<T>` (same
        // driver, above), alive for as long as `self` (see the doc comment).
        SriovPf::Ours(unsafe { Self::from_vfio(pf.cast()) })
    }

    /// Logs `msg` on the device at info level if `rs` allows it, as
    /// `pci_info_ratelimited()` does with its call site's state, and the
    /// lines `rs` held back before, when it says so.
    pub(crate) fn info_ratelimited(&self, rs: &RateLimit, msg: &CStr) {
        let window = rs.check();
        if window.suppressed > 0 {
            dev_warn!(
                self.pdev().as_ref(),
                "{}: {} callbacks suppressed\n",
                rs.name(),
                window.suppressed
            );
        }
        if window.print {
            dev_info!(self.pdev().as_ref(), "{}\n", msg);
        }
    }

    /// Turns on the device for userspace (`vfio_pci_core_enable`).
    fn enable(&self) -> Result {
        // SAFETY: `as_core` is a registered core device, and this is called
        // only from `open_device`, which vfio calls with the device set's
        // lock held, as `vfio_pci_core_enable()` expects.
        to_result(unsafe { bindings::vfio_pci_core_enable(self.as_core()) })
    }

    /// vfio-pci-core's VF token decision.
    pub(crate) fn core_match_token_uuid(&self, token: Option<&UuidBytes>) -> Result {
        let uuid = token.map(|t| bindings::uuid_t { b: *t });
        let ptr = uuid.as_ref().map_or(core::ptr::null(), core::ptr::from_ref);
        // SAFETY: The device is registered; `ptr` is NULL or valid.
        to_result(unsafe { bindings::vfio_pci_core_match_token_uuid(self.vfio_device(), ptr) })
    }

    /// vfio-pci-core's SR-IOV enable/disable: keeps the core's PF list,
    /// `sriov_active` and the runtime PM reference right.
    pub(crate) fn core_sriov_configure(&self, nr_virtfn: i32) -> Result<i32> {
        // SAFETY: The device is registered, and the PCI core holds its lock.
        let ret = unsafe { bindings::vfio_pci_core_sriov_configure(self.as_core(), nr_virtfn) };
        to_result(ret).map(|()| ret)
    }

    /// `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN`, as vfio-pci-core's
    /// `vfio_pci_core_feature_token()`: `ENOTTY` on a device without a
    /// token, the kernel's own `vfio_check_feature()` (SET only, a
    /// `uuid_t`), then one copy of the token from userspace.
    fn vf_token_feature(&self, flags: u32, arg: UserPtr, argsz: usize) -> Result<i32> {
        if !T::has_vf_token(self) {
            return Err(ENOTTY);
        }
        if !check_vf_token_feature(flags, argsz)? {
            return Ok(0);
        }
        let token = UserSlice::new(arg, argsz).reader().read::<UuidBytes>()?;
        T::set_vf_token(self, &token);
        Ok(0)
    }

    /// `pdev`'s `vfio_device_ops` for `T`.
    #[expect(
        clippy::disallowed_methods,
        reason = "`as_char_ptr` is not `const`; the cast makes the pointer unsigned"
    )]
    const OPS: bindings::vfio_device_ops = bindings::vfio_device_ops {
        name: T::NAME.as_ptr().cast_mut().cast(),
        init: Some(Self::init_callback),
        release: Some(Self::release_callback),
        // Without CONFIG_IOMMUFD the helpers do not exist (`vfio.h` makes
        // them NULL) and nothing calls these: there is no iommufd and no
        // device cdev, only the group path.
        #[cfg(CONFIG_IOMMUFD)]
        bind_iommufd: Some(bindings::vfio_iommufd_physical_bind),
        #[cfg(CONFIG_IOMMUFD)]
        unbind_iommufd: Some(bindings::vfio_iommufd_physical_unbind),
        #[cfg(CONFIG_IOMMUFD)]
        attach_ioas: Some(bindings::vfio_iommufd_physical_attach_ioas),
        #[cfg(CONFIG_IOMMUFD)]
        detach_ioas: Some(bindings::vfio_iommufd_physical_detach_ioas),
        #[cfg(CONFIG_IOMMUFD)]
        pasid_attach_ioas: Some(bindings::vfio_iommufd_physical_pasid_attach_ioas),
        #[cfg(CONFIG_IOMMUFD)]
        pasid_detach_ioas: Some(bindings::vfio_iommufd_physical_pasid_detach_ioas),
        #[cfg(not(CONFIG_IOMMUFD))]
        bind_iommufd: None,
        #[cfg(not(CONFIG_IOMMUFD))]
        unbind_iommufd: None,
        #[cfg(not(CONFIG_IOMMUFD))]
        attach_ioas: None,
        #[cfg(not(CONFIG_IOMMUFD))]
        detach_ioas: None,
        #[cfg(not(CONFIG_IOMMUFD))]
        pasid_attach_ioas: None,
        #[cfg(not(CONFIG_IOMMUFD))]
        pasid_detach_ioas: None,
        open_device: Some(Self::open_callback),
        close_device: Some(Self::close_callback),
        read: Some(bindings::vfio_pci_core_read),
        write: Some(bindings::vfio_pci_core_write),
        ioctl: Some(bindings::vfio_pci_core_ioctl),
        get_region_info_caps: Some(bindings::vfio_pci_ioctl_get_region_info),
        mmap: Some(bindings::vfio_pci_core_mmap),
        request: Some(bindings::vfio_pci_core_request),
        match_: Some(Self::match_callback),
        match_token_uuid: Some(Self::match_token_callback),
        dma_unmap: None,
        device_feature: Some(Self::feature_callback),
    };

    /// Allocates the vfio device for `pdev` and runs `init`.
    ///
    /// Returns the core device with one reference, to be registered.
    ///
    /// # Safety
    ///
    /// `pdev` must be a valid `pci_dev`, being probed by `T`'s driver.
    pub(crate) unsafe fn alloc(
        pdev: *mut bindings::pci_dev,
    ) -> Result<NonNull<bindings::vfio_pci_core_device>> {
        const {
            assert!(offset_of!(Self, core) == 0);
            // `_vfio_alloc_device()` uses kvzalloc(), which aligns to at
            // least the machine word.
            assert!(align_of::<Self>() <= align_of::<usize>());
        };
        // SAFETY: `pdev` is valid; the ops are a `'static` constant whose
        // callbacks all match `Device<T>`, which starts with the core device.
        let raw = unsafe {
            bindings::_vfio_alloc_device(
                size_of::<Self>(),
                addr_of_mut!((*pdev).dev),
                const { &Self::OPS },
            )
        };
        let raw = from_err_ptr(raw)?;
        // INVARIANT: The allocation is `size_of::<Self>()` bytes, with the
        // core device, and so its `vfio_device`, at offset 0 (asserted
        // above); `init` returned 0, or `_vfio_alloc_device()` would have
        // failed.
        // `from_err_ptr` has filtered out both errors and NULL.
        NonNull::new(raw.cast()).ok_or(ENOMEM)
    }

    extern "C" fn init_callback(vdev: *mut bindings::vfio_device) -> c_int {
        // SAFETY: vfio calls `init` once, from `_vfio_alloc_device()` in
        // `alloc`, on the allocation it made for `Self`.
        match unsafe { Self::init(vdev) } {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// `vfio_device_ops.init`: takes a reference on the `pci_dev`, builds
    /// the driver's data and initialises the core device.
    ///
    /// On error nothing is left to undo: vfio frees the allocation without
    /// calling `release`.
    ///
    /// # Safety
    ///
    /// `vdev` must be the `vfio_device` at the start of a zeroed allocation
    /// of `size_of::<Self>()` bytes, made by `alloc` for a `pci_dev` that is
    /// being probed by `T`'s driver, and not yet initialised.
    unsafe fn init(vdev: *mut bindings::vfio_device) -> Result {
        // SAFETY: `vdev` is valid (the caller's guarantee) and its `dev` was
        // set to the `pci_dev`'s device by `_vfio_alloc_device()` before it
        // called `init`.
        let raw_pdev = unsafe { bindings::vfio_pci_rs_pdev(vdev) };
        // SAFETY: The `pci_dev` is being probed by our driver, so the driver
        // core holds a reference on it for the whole call.
        let pdev = unsafe { pci_device(raw_pdev) }?;
        // SAFETY: `raw_pdev` is valid, as said, and the driver core holds
        // its device lock while it probes it.
        let sriov = unsafe { sriov(raw_pdev) };
        let data = KBox::pin_init(T::init(pdev, sriov), GFP_KERNEL)?;
        // SAFETY: `vdev` is the vfio device being initialised, its `dev`
        // set: what `vfio_pci_core_init_dev()` expects from `init`.
        to_result(unsafe { bindings::vfio_pci_core_init_dev(vdev) })?;
        let this = vdev.cast::<Self>();
        // SAFETY: By the caller's guarantee `this` is a zeroed allocation of
        // a `Self` (whose core is at offset 0, type invariant) that nobody
        // else reads yet: the fields are written, not assigned, so the
        // zeroes are not dropped.
        unsafe {
            addr_of_mut!((*this).pdev).write(pdev.into());
            addr_of_mut!((*this).data).write(data);
        }
        // INVARIANT: `pdev` and `data` were written just above, and
        // `vfio_device_ops.init` is about to return 0.
        let p = T::latched_params();
        // SAFETY: The core device was initialised just above and is not yet
        // registered: nothing else writes its bitfields.
        unsafe {
            bindings::vfio_pci_rs_latch_params(
                this.cast(),
                p.nointxmask,
                p.disable_vga,
                p.disable_idle_d3,
            )
        };
        Ok(())
    }

    extern "C" fn release_callback(vdev: *mut bindings::vfio_device) {
        let this = vdev.cast::<Self>();
        // SAFETY: vfio calls `release` once, only after `init` returned 0,
        // when the last reference to the device is gone: `data` is
        // initialised (type invariant) and nothing can see it any more.
        unsafe { core::ptr::drop_in_place(addr_of_mut!((*this).data)) };
        // SAFETY: `vdev` was initialised by `vfio_pci_core_init_dev()`
        // (`init` returned 0); this undoes it, once, as `release` must.
        unsafe { bindings::vfio_pci_core_release_dev(vdev) };
        // SAFETY: `pdev` is initialised (type invariant) and, the core device
        // released, nothing uses it any more.
        unsafe { core::ptr::drop_in_place(addr_of_mut!((*this).pdev)) };
    }

    extern "C" fn open_callback(vdev: *mut bindings::vfio_device) -> c_int {
        // SAFETY: vfio only opens a registered, initialised device.
        let this = unsafe { Self::from_vfio(vdev) };
        if let Err(e) = this.enable() {
            return e.to_errno();
        }
        // SAFETY: The core device was enabled just above.
        unsafe { bindings::vfio_pci_core_finish_enable(this.as_core()) };
        T::open_device(this);
        0
    }

    extern "C" fn close_callback(vdev: *mut bindings::vfio_device) {
        // SAFETY: vfio only closes an open, initialised device.
        let this = unsafe { Self::from_vfio(vdev) };
        T::close_device(this);
        // SAFETY: The device is open.
        unsafe { bindings::vfio_pci_core_close_device(vdev) };
    }

    extern "C" fn match_callback(vdev: *mut bindings::vfio_device, buf: *mut c_char) -> c_int {
        // SAFETY: vfio calls `match` on registered devices only.
        let this = unsafe { Self::from_vfio(vdev) };
        let name = this.device().name();
        // SAFETY: `name` and `buf` are NUL-terminated (`buf` is the string
        // vfio copied from userspace, valid and unchanged for the duration
        // of the call); `strncmp()` reads neither past its NUL.
        if unsafe { bindings::strncmp(name.as_char_ptr(), buf, name.to_bytes().len()) } != 0 {
            return 0;
        }
        // SAFETY: `buf` is NUL-terminated, and valid and unchanged for the
        // duration of the call (vfio's copy of the user's string); the
        // `CStr` does not outlive the call.
        let buf = unsafe { CStr::from_char_ptr(buf) };
        match T::match_device(this, name, buf) {
            Ok(true) => 1,
            Ok(false) => 0,
            Err(e) => e.to_errno(),
        }
    }

    extern "C" fn match_token_callback(
        vdev: *mut bindings::vfio_device,
        uuid: *const bindings::uuid_t,
    ) -> c_int {
        // SAFETY: vfio calls this on registered devices only.
        let this = unsafe { Self::from_vfio(vdev) };
        // SAFETY: `uuid` is NULL or points to the 16 bytes vfio copied in.
        let token = unsafe { uuid.as_ref() }.map(|u| &u.b);
        match T::match_token_uuid(this, token) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    extern "C" fn feature_callback(
        vdev: *mut bindings::vfio_device,
        flags: u32,
        arg: *mut c_void,
        argsz: usize,
    ) -> c_int {
        if flags & bindings::VFIO_DEVICE_FEATURE_MASK != bindings::VFIO_DEVICE_FEATURE_PCI_VF_TOKEN
        {
            // SAFETY: Every other feature is vfio-pci-core's, with the
            // arguments vfio gave us.
            return unsafe { bindings::vfio_pci_core_ioctl_feature(vdev, flags, arg, argsz) };
        }
        // SAFETY: vfio calls this on registered devices only.
        let this = unsafe { Self::from_vfio(vdev) };
        match this.vf_token_feature(flags, UserPtr::from_ptr(arg), argsz) {
            Ok(v) => v,
            Err(e) => e.to_errno(),
        }
    }
}

/// Checks a `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN` request as the kernel's
/// `vfio_check_feature()` does for a feature that supports SET only, with a
/// `uuid_t` payload: `Ok(true)` to go on and copy the token, `Ok(false)`
/// for a PROBE (answered 0).
///
/// `vfio_check_feature()` is a `static inline` of `<linux/vfio.h>` whose
/// rules are UAPI (`VFIO_DEVICE_FEATURE` in `<uapi/linux/vfio.h>`), so the
/// abstraction states them here rather than pay a call to a C wrapper on
/// every `VFIO_DEVICE_FEATURE`; KUnit compares the two on every
/// combination of the flags (`kernel_check_feature()`).
pub(crate) fn check_vf_token_feature(flags: u32, argsz: usize) -> Result<bool> {
    use bindings::{
        VFIO_DEVICE_FEATURE_GET as GET,
        VFIO_DEVICE_FEATURE_PROBE as PROBE,
        VFIO_DEVICE_FEATURE_SET as SET, //
    };

    // GET is not supported; PROBE answers before the other checks.
    if flags & GET != 0 {
        return Err(EINVAL);
    }
    if flags & PROBE != 0 {
        return Ok(false);
    }
    if flags & SET == 0 || argsz < size_of::<UuidBytes>() {
        return Err(EINVAL);
    }
    Ok(true)
}

/// The kernel's own `vfio_check_feature()` for a SET-only feature with a
/// `uuid_t`, for KUnit to hold [`check_vf_token_feature`] against.
#[cfg(CONFIG_KUNIT)]
pub(crate) fn kernel_check_feature(flags: u32, argsz: usize) -> Result<bool> {
    // SAFETY: A plain function of its arguments.
    let ret = unsafe {
        bindings::vfio_pci_rs_check_feature(
            flags,
            argsz,
            bindings::VFIO_DEVICE_FEATURE_SET,
            size_of::<UuidBytes>(),
        )
    };
    to_result(ret).map(|()| ret == 1)
}
