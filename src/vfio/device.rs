// SPDX-License-Identifier: GPL-2.0

//! A vfio-pci variant device: a `vfio_pci_core_device` with Rust data after it.
//!
//! C header: [`include/linux/vfio_pci_core.h`](srctree/include/linux/vfio_pci_core.h)

use core::{
    mem::{align_of, offset_of, size_of},
    ptr::{addr_of_mut, NonNull},
};

use kernel::{
    error::{from_err_ptr, to_result},
    ffi::{c_char, c_int, c_void},
    prelude::*,
    str::CStr,
    types::Opaque,
    uaccess::UserPtr,
};

use pin_init::PinInit;

use super::bindings;
use super::Uuid;

/// A vfio-pci variant driver on top of vfio-pci-core.
///
/// Everything about the device that is not listed here (regions, config
/// space, interrupts, reset, power management, the iommufd binding) is
/// vfio-pci-core's, and the ops table points straight at its exported
/// functions, so those paths cost exactly what they cost in C vfio-pci.
pub trait Driver: Sized + Send + Sync + 'static {
    /// The name of both the `pci_driver` and the `vfio_device_ops`.
    ///
    /// vfio-pci-core writes it into the `driver_override` of new VFs.
    const NAME: &'static CStr;

    /// What the driver keeps per device, beside the core device.
    type Data: Send + Sync;

    /// Builds the per-device data, from `vfio_device_ops.init`.
    fn init(pdev: &PciDev) -> impl PinInit<Self::Data, Error>;

    /// The device was enabled by vfio-pci-core and is now open.
    ///
    /// Nothing can fail after this point, so a failed open never calls it.
    fn opened(_dev: &Device<Self>) {}

    /// The device is about to be closed by vfio-pci-core.
    fn closing(_dev: &Device<Self>) {}

    /// `VFIO_GROUP_GET_DEVICE_FD`: does the string name this device, and may
    /// it open?
    ///
    /// Called only when the string starts with the device's PCI name
    /// followed by a space or its end: every other string names another
    /// device (SPEC A1, A2) and is answered before, without measuring the
    /// string, as cheaply as `vfio_pci_core_match()`.  `rest` is what follows
    /// the name, without the NUL: empty, or starting with a space.  Returns
    /// `Ok(false)` for "not this device".
    fn match_name(dev: &Device<Self>, rest: &[u8]) -> Result<bool>;

    /// `VFIO_DEVICE_BIND_IOMMUFD`: may the device open with this token?
    fn match_token(dev: &Device<Self>, token: Option<&Uuid>) -> Result;

    /// `VFIO_DEVICE_FEATURE_PCI_VF_TOKEN`; `arg` points at `payload_len` bytes
    /// after the feature header.
    fn vf_token_feature(
        dev: &Device<Self>,
        flags: u32,
        arg: UserPtr,
        payload_len: usize,
    ) -> Result<i32>;

    /// `sriov_numvfs` was written with `nr_virtfn`.
    fn sriov_configure(dev: &Device<Self>, nr_virtfn: i32) -> Result<i32>;

    /// Whether `pdev` may be bound at all; called first in probe.
    fn probe(_pdev: &PciDev) -> Result {
        Ok(())
    }

    /// The per-device settings vfio-pci takes from its module parameters,
    /// latched when a device is initialised.
    fn latched_params() -> LatchedParams {
        LatchedParams::default()
    }
}

/// Settings of a core device that vfio-pci latches from its module
/// parameters at init; later parameter changes do not affect the device.
#[derive(Clone, Copy, Default)]
pub struct LatchedParams {
    /// Do not use PCI 2.3 INTx masking (`nointxmask`).
    pub nointxmask: bool,
    /// No VGA resource access (`disable_vga`).
    pub disable_vga: bool,
    /// Keep the device in D0 while idle (`disable_idle_d3`).
    pub disable_idle_d3: bool,
}

/// A PCI device, as vfio-pci-core sees it.
///
/// # Invariants
///
/// `self.0` is a valid `struct pci_dev` for as long as the reference lives.
#[repr(transparent)]
pub struct PciDev(Opaque<bindings::pci_dev>);

impl PciDev {
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct pci_dev` that outlives `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::pci_dev) -> &'a Self {
        // SAFETY: `PciDev` is a transparent wrapper of `pci_dev`, and the
        // caller guarantees validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    pub(crate) fn as_raw(&self) -> *mut bindings::pci_dev {
        // `PciDev` is a transparent wrapper of `Opaque<pci_dev>`, which is one
        // of `pci_dev`; a cast, rather than a call to `Opaque::get` on the
        // paths of every match().
        core::ptr::from_ref(self).cast_mut().cast()
    }

    /// The PCI name, `DDDD:BB:DD.F`.
    pub fn name(&self) -> &CStr {
        // SAFETY: `pci_name` returns the device name, a NUL-terminated string
        // owned by the device, which outlives `self`.
        unsafe { CStr::from_char_ptr(bindings::vfio_pci_rs_name(self.as_raw())) }
    }

    /// Whether this is an SR-IOV physical function.
    pub fn is_physfn(&self) -> bool {
        // SAFETY: By the type invariant the pointer is valid.
        unsafe { (*self.as_raw()).is_physfn() != 0 }
    }

    /// Whether this is an SR-IOV virtual function.
    pub fn is_virtfn(&self) -> bool {
        // SAFETY: By the type invariant the pointer is valid.
        unsafe { (*self.as_raw()).is_virtfn() != 0 }
    }

    /// The PF of this VF, or the device itself if it is not a VF.
    pub fn physfn(&self) -> &PciDev {
        // SAFETY: `pci_physfn` returns the device itself or its PF, which a
        // VF holds a reference on for its whole life.
        unsafe { PciDev::from_raw(bindings::vfio_pci_rs_physfn(self.as_raw())) }
    }

    /// The vendor ID.
    pub fn vendor_id(&self) -> u16 {
        // SAFETY: By the type invariant the pointer is valid.
        unsafe { (*self.as_raw()).vendor }
    }

    /// The device ID.
    pub fn device_id(&self) -> u16 {
        // SAFETY: By the type invariant the pointer is valid.
        unsafe { (*self.as_raw()).device }
    }

    /// Logs `msg` on the device at warning level.
    pub fn warn(&self, msg: &CStr) {
        // SAFETY: The device is valid and `msg` is NUL-terminated.
        unsafe { bindings::vfio_pci_rs_warn(self.as_raw(), msg.as_char_ptr()) };
    }
}

/// A vfio-pci-core device of driver `T`, with `T`'s data after it.
///
/// # Invariants
///
/// - `core` is first, so the `struct vfio_device` inside it sits at offset 0
///   as `_vfio_alloc_device()` requires, and a `vfio_device` pointer of a
///   device with our ops is a pointer to a `Device<T>`.
/// - Once `vfio_device_ops.init` has returned 0, `data` is initialised and
///   stays pinned until `vfio_device_ops.release`.
#[repr(C)]
pub struct Device<T: Driver> {
    core: Opaque<bindings::vfio_pci_core_device>,
    data: T::Data,
}

impl<T: Driver> Device<T> {
    /// The driver's data for this device.
    pub fn data(&self) -> &T::Data {
        &self.data
    }

    /// The PCI device.
    pub fn pdev(&self) -> &PciDev {
        // SAFETY: `vfio_pci_rs_pdev` returns the `pci_dev` the vfio device was
        // allocated for, which holds a reference on it until release.
        unsafe { PciDev::from_raw(bindings::vfio_pci_rs_pdev(self.vfio_device())) }
    }

    /// Logs `msg` on the PCI device at info level, rate limited (one state
    /// for every refusal line of the driver, as one `pci_info_ratelimited()`
    /// call site has in C).
    ///
    /// Once the burst of an interval is spent, a line is only counted as
    /// suppressed, here, without a call: in a flood of refused opens that is
    /// every line, and a call and its return (with the return thunk of a
    /// distribution kernel) cost more than the test.  What is printed, and
    /// the "callbacks suppressed" count, are those of `___ratelimit()`, which
    /// decides every other case under the state's lock (`shim.c`).
    #[inline]
    pub fn info_ratelimited(&self, msg: &CStr) {
        if refusal_suppressed() {
            return;
        }
        // SAFETY: The vfio device is registered, so its `dev` is a live
        // `pci_dev`'s; `msg` is NUL-terminated.
        unsafe { bindings::vfio_pci_rs_info_ratelimited(self.vfio_device(), msg.as_char_ptr()) };
    }

    pub(crate) fn as_core(&self) -> *mut bindings::vfio_pci_core_device {
        // `core` is at offset 0 (type invariant) and `Opaque<T>` is
        // transparent over `T`: a cast, not a call to `Opaque::get`.
        core::ptr::from_ref(self).cast_mut().cast()
    }

    fn vfio_device(&self) -> *mut bindings::vfio_device {
        // By the type invariant the vfio_device is at offset 0 of the core.
        self.as_core().cast()
    }

    /// # Safety
    ///
    /// `vdev` must be the `vfio_device` of a live `Device<T>` whose `init`
    /// has succeeded, and stay so for `'a`.
    unsafe fn from_vfio<'a>(vdev: *mut bindings::vfio_device) -> &'a Self {
        // SAFETY: By the type invariant and the caller's guarantee.
        unsafe { &*vdev.cast() }
    }

    /// The `Device<T>` that is the driver data of `pdev`, if `pdev` is
    /// bound to `T`'s `pci_driver`.
    pub(crate) fn from_pdev(pdev: &PciDev) -> Option<&Self> {
        // SAFETY: `pdev` is valid.
        let drv = unsafe { bindings::vfio_pci_rs_dev_driver(pdev.as_raw()) };
        // Driver names are unique on a bus, so the name identifies our
        // `pci_driver`, and with it that drvdata is a `Device<T>`.
        // SAFETY: A bound driver's name is a static string.
        if drv.is_null() || unsafe { CStr::from_char_ptr((*drv).name) } != T::NAME {
            return None;
        }
        // SAFETY: The device is bound to our driver, whose probe set the
        // drvdata to a registered `Device<T>`; it stays so until remove.
        let vdev = unsafe { bindings::dev_get_drvdata(addr_of_mut!((*pdev.as_raw()).dev)) };
        // SAFETY: As above.
        NonNull::new(vdev).map(|p| unsafe { Self::from_vfio(p.as_ptr().cast()) })
    }

    /// Turns on the device for userspace (`vfio_pci_core_enable`).
    fn enable(&self) -> Result {
        // SAFETY: `as_core` is a registered core device.
        to_result(unsafe { bindings::vfio_pci_core_enable(self.as_core()) })
    }

    /// Whether vfio-pci-core linked this VF to its PF, i.e. the PF is bound
    /// to a vfio-pci-core driver that enabled SR-IOV through
    /// `vfio_pci_core_sriov_configure()`.
    pub fn core_has_sriov_pf(&self) -> bool {
        // SAFETY: The device is registered; the field is set at registration.
        unsafe { bindings::vfio_pci_rs_core_has_sriov_pf(self.as_core()) }
    }

    /// vfio-pci-core's VF token decision.
    pub fn core_match_token(&self, token: Option<&Uuid>) -> Result {
        let uuid = token.map(|t| bindings::uuid_t { b: t.0 });
        let ptr = uuid.as_ref().map_or(core::ptr::null(), core::ptr::from_ref);
        // SAFETY: The device is registered; `ptr` is NULL or valid.
        to_result(unsafe { bindings::vfio_pci_core_match_token_uuid(self.vfio_device(), ptr) })
    }

    /// vfio-pci-core's SR-IOV enable/disable: keeps the core's PF list,
    /// `sriov_active` and the runtime PM reference right.
    pub fn core_sriov_configure(&self, nr_virtfn: i32) -> Result<i32> {
        // SAFETY: The device is registered, and the PCI core holds its lock.
        let ret = unsafe { bindings::vfio_pci_core_sriov_configure(self.as_core(), nr_virtfn) };
        to_result(ret).map(|()| ret)
    }

    /// `pdev`'s `vfio_device_ops` for `T`.
    #[expect(
        clippy::disallowed_methods,
        reason = "`as_char_ptr` is not `const`; the cast makes the pointer unsigned"
    )]
    pub(crate) const OPS: bindings::vfio_device_ops = bindings::vfio_device_ops {
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
    pub(crate) fn alloc(pdev: &PciDev) -> Result<NonNull<bindings::vfio_pci_core_device>> {
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
                addr_of_mut!((*pdev.as_raw()).dev),
                const { &Self::OPS },
            )
        };
        let raw = from_err_ptr(raw)?;
        // `from_err_ptr` has filtered out both errors and NULL.
        NonNull::new(raw.cast()).ok_or(ENOMEM)
    }

    extern "C" fn init_callback(vdev: *mut bindings::vfio_device) -> c_int {
        // SAFETY: vfio calls `init` once, on the zeroed allocation of
        // `size_of::<Self>()` bytes made by `alloc`, with `vdev->dev` set.
        let pdev = unsafe { PciDev::from_raw(bindings::vfio_pci_rs_pdev(vdev)) };
        let this = vdev.cast::<Self>();
        // SAFETY: `data` lies inside the allocation and is not yet
        // initialised; on error the initialiser leaves nothing behind.
        let ret = unsafe { T::init(pdev).__init(addr_of_mut!((*this).data)) };
        if let Err(e) = ret {
            return e.to_errno();
        }
        // SAFETY: `vdev` is the vfio device being initialised.
        let ret = unsafe { bindings::vfio_pci_core_init_dev(vdev) };
        if ret != 0 {
            // SAFETY: `data` was initialised above and nothing refers to it.
            unsafe { core::ptr::drop_in_place(addr_of_mut!((*this).data)) };
            return ret;
        }
        let p = T::latched_params();
        // SAFETY: The core device is initialised and not yet registered.
        unsafe {
            bindings::vfio_pci_rs_latch_params(
                this.cast(),
                p.nointxmask,
                p.disable_vga,
                p.disable_idle_d3,
            )
        };
        0
    }

    extern "C" fn release_callback(vdev: *mut bindings::vfio_device) {
        let this = vdev.cast::<Self>();
        // SAFETY: `release` runs once, after a successful `init`, when the
        // last reference is gone: nothing else can see `data` any more.
        unsafe { core::ptr::drop_in_place(addr_of_mut!((*this).data)) };
        // SAFETY: As above; this undoes `vfio_pci_core_init_dev`.
        unsafe { bindings::vfio_pci_core_release_dev(vdev) };
    }

    extern "C" fn open_callback(vdev: *mut bindings::vfio_device) -> c_int {
        // SAFETY: vfio only opens a registered, initialised device.
        let this = unsafe { Self::from_vfio(vdev) };
        if let Err(e) = this.enable() {
            return e.to_errno();
        }
        // SAFETY: The core device was enabled just above.
        unsafe { bindings::vfio_pci_core_finish_enable(this.as_core()) };
        T::opened(this);
        0
    }

    extern "C" fn close_callback(vdev: *mut bindings::vfio_device) {
        // SAFETY: vfio only closes an open, initialised device.
        let this = unsafe { Self::from_vfio(vdev) };
        T::closing(this);
        // SAFETY: The device is open.
        unsafe { bindings::vfio_pci_core_close_device(vdev) };
    }

    extern "C" fn match_callback(vdev: *mut bindings::vfio_device, buf: *mut c_char) -> c_int {
        // SAFETY: vfio calls `match` on registered devices only.
        let this = unsafe { Self::from_vfio(vdev) };
        // SAFETY: `vdev` is registered, so its `dev` is a live `pci_dev`'s,
        // whose name is a NUL-terminated string that outlives the call.
        let name = unsafe { bindings::vfio_pci_rs_vdev_name(vdev) };
        // vfio asks every device of the group in turn: most are not named.
        // SAFETY: vfio passes the NUL-terminated string copied from
        // userspace, valid for the duration of the call; `name` is as above.
        let Some(name_len) = (unsafe { name_prefix_len(buf, name) }) else {
            return 0;
        };
        // SAFETY: `buf` starts with the `name_len` bytes of the name, none of
        // them NUL, so `buf + name_len` is inside `buf` or at its NUL, and
        // what follows is the rest of the same NUL-terminated string.
        let rest = unsafe { c_bytes(buf.cast::<u8>().add(name_len)) };
        match T::match_name(this, rest) {
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
        let token = unsafe { uuid.cast::<[u8; 16]>().as_ref() }.map(|b| Uuid(*b));
        match T::match_token(this, token.as_ref()) {
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
        match T::vf_token_feature(this, flags, UserPtr::from_ptr(arg), argsz) {
            Ok(v) => v,
            Err(e) => e.to_errno(),
        }
    }
}

/// Whether a refusal line now would be suppressed by its rate limit, the
/// state `vfio_pci_rs_refusal_rs` of `shim.c`; if so, counts it as
/// suppressed, as `ratelimit_state_inc_miss()` does.
///
/// The test is `___ratelimit()`'s for an initialised state whose burst is
/// spent and whose interval has not expired, on values read without the
/// lock: a stale value only sends the line on to `___ratelimit()`, which
/// decides under the lock, or counts a line as suppressed that a racing
/// caller is about to make printable, which `___ratelimit()` itself does
/// when its lock is contended.  Loads and the increment are plain
/// `core` atomics, which compile to the instructions of `READ_ONCE()` and
/// `atomic_inc()`; the kernel crate's `Atomic` calls a C helper for each,
/// a real call in a kernel built without helper inlining.
#[inline(always)]
fn refusal_suppressed() -> bool {
    use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering::Relaxed};

    let rs = &raw mut bindings::vfio_pci_rs_refusal_rs;
    // SAFETY: `rs` is a static of this module, valid for its whole life.
    // Its fields are written by `___ratelimit()` under the state's lock and
    // read without it (`READ_ONCE()`); `rs_n_left` and `missed` are
    // `atomic_t`, only ever changed atomically.  `jiffies` is the kernel's,
    // always valid, changed by the timer tick.  The atomic types have the
    // size and alignment of the fields they are made from.
    unsafe {
        let flags = AtomicU32::from_ptr(&raw mut (*rs).flags).load(Relaxed);
        if flags & bindings::VFIO_PCI_RS_RATELIMIT_INITIALIZED == 0
            || AtomicI32::from_ptr(&raw mut (*rs).rs_n_left.counter).load(Relaxed) > 0
        {
            return false;
        }
        let begin = AtomicUsize::from_ptr((&raw mut (*rs).begin).cast()).load(Relaxed);
        let interval = AtomicI32::from_ptr(&raw mut (*rs).interval).load(Relaxed);
        let now = AtomicUsize::from_ptr((&raw mut bindings::jiffies).cast()).load(Relaxed);
        // time_is_after_jiffies(begin + interval): the interval runs on.
        if (now.wrapping_sub(begin.wrapping_add(interval as usize)) as isize) >= 0 {
            return false;
        }
        AtomicI32::from_ptr(&raw mut (*rs).missed.counter).fetch_add(1, Relaxed);
    }
    true
}

/// The length of the C string `name` if the C string `buf` starts with it
/// followed by a space or its end, i.e. may name the device called `name`
/// (SPEC A1, A2); `None` otherwise.
///
/// Compares byte by byte and stops at the first difference, like `strncmp()`
/// in `vfio_pci_core_match()`, so that a string naming another device costs
/// no more than the common prefix, and neither string is measured first.
///
/// # Safety
///
/// `buf` and `name` must point to NUL-terminated strings.
#[inline(always)]
unsafe fn name_prefix_len(buf: *const c_char, name: *const c_char) -> Option<usize> {
    let (b, n) = (buf.cast::<u8>(), name.cast::<u8>());
    let mut i = 0;
    loop {
        // SAFETY: Every byte of `name` before `i` was not NUL, so `n + i` is
        // inside `name` or at its NUL; every byte of `buf` before `i` equalled
        // the one of `name`, so was not NUL either: `b + i` is inside `buf` or
        // at its NUL.
        let (bc, nc) = unsafe { (*b.add(i), *n.add(i)) };
        if nc == 0 {
            return matches!(bc, b' ' | 0).then_some(i);
        }
        if bc != nc {
            return None;
        }
        // Neither byte is NUL (`bc == nc != 0`): both strings go on, and
        // a string in memory is shorter than `usize::MAX`.
        i = i.wrapping_add(1);
    }
}

/// The bytes of the C string at `s`, without its NUL.
///
/// Measured inline: the rest of a device string is a few dozen bytes, and a
/// call to `strlen()` (which `CStr::from_char_ptr` makes) costs more there.
///
/// # Safety
///
/// `s` must point to a NUL-terminated string that is valid and unchanged for
/// `'a`.
#[inline(always)]
unsafe fn c_bytes<'a>(s: *const u8) -> &'a [u8] {
    let mut len = 0;
    // SAFETY: Every byte before `len` was not NUL, so `s + len` is inside
    // the string or at its NUL.
    while unsafe { *s.add(len) } != 0 {
        // A string in memory is shorter than `usize::MAX`: no check.
        len = len.wrapping_add(1);
    }
    // SAFETY: The `len` bytes at `s` are the string's, valid for `'a`.
    unsafe { core::slice::from_raw_parts(s, len) }
}
