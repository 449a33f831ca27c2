// SPDX-License-Identifier: GPL-2.0

//! Module parameters that behave like vfio-pci's.
//!
//! The kernel crate's `module!` parameters are read-only and numeric; vfio-pci
//! has a string (`ids`) and booleans that root may change at run time through
//! `/sys/module/<name>/parameters/` (`enable_sriov`).  These statics are
//! handed to the kernel's own `param_ops_bool` and `param_ops_string`, which
//! parse and store the values, exactly as `module_param()` does in C.
//!
//! C header: [`include/linux/moduleparam.h`](srctree/include/linux/moduleparam.h)

use kernel::{
    ffi::{c_int, c_void},
    prelude::*,
    types::Opaque,
};

use super::bindings;

/// This module, as the parameter code names it (`THIS_MODULE`).
fn this_module() -> *mut bindings::module {
    #[cfg(MODULE)]
    let module = (&raw const bindings::__this_module).cast_mut();
    #[cfg(not(MODULE))]
    let module = core::ptr::null_mut();
    module
}

/// A `bool` module parameter, writable through sysfs if its permissions say
/// so.
///
/// # Invariants
///
/// The value is a valid `bool`.  After the module has loaded, the kernel
/// writes it only through `param_ops_bool`, under the module's parameter
/// lock (`kernel_param_lock()`, taken by `param_attr_store()`); it is read
/// under the same lock, so reads and writes never race.
#[repr(transparent)]
pub(crate) struct BoolParam(Opaque<bool>);

// SAFETY: Every access after load is under the parameter lock (type invariant).
unsafe impl Sync for BoolParam {}

impl BoolParam {
    /// A parameter with the value `default` until it is set.
    pub(crate) const fn new(default: bool) -> Self {
        Self(Opaque::new(default))
    }

    /// The current value, read under the parameter lock as C code that
    /// reads a runtime-writable parameter should.  For cold paths: probe,
    /// `sriov_configure`.
    pub(crate) fn get(&self) -> bool {
        let module = this_module();
        // SAFETY: `module` is this module (or NULL, the lock of built-in
        // parameters), alive while its code runs.
        unsafe { bindings::kernel_param_lock(module) };
        // SAFETY: The pointer is valid for the static's lifetime and holds a
        // valid `bool`; the lock excludes writers (type invariant).
        let value = unsafe { self.0.get().read() };
        // SAFETY: Taken just above.
        unsafe { bindings::kernel_param_unlock(module) };
        value
    }

    #[doc(hidden)]
    pub(crate) const fn as_arg(&self) -> *mut c_void {
        self.0.get().cast()
    }
}

/// A string module parameter of at most `N - 1` bytes, read at module init.
///
/// [`module_params!`] declares it only with
/// permission 0 (a compile-time check), so it has no sysfs file to write.
///
/// # Invariants
///
/// The buffer always holds a NUL within its `N` bytes (`param_ops_string`
/// refuses longer values); it is written only while the module loads.
#[repr(transparent)]
pub(crate) struct StringParam<const N: usize>(Opaque<[u8; N]>);

// SAFETY: Written only at load time, before any reader runs.
unsafe impl<const N: usize> Sync for StringParam<N> {}

impl<const N: usize> StringParam<N> {
    /// An empty parameter.
    pub(crate) const fn new() -> Self {
        Self(Opaque::new([0; N]))
    }

    /// The value.
    ///
    /// Only valid to call once the module is loaded (from `init` on), when
    /// the parameter is no longer written.
    pub(crate) fn get(&self) -> &CStr {
        // SAFETY: The pointer is valid for the static's lifetime and points
        // to `N` initialised bytes which, by the type invariant, are no
        // longer written: a shared reference to them is sound.
        let buf = unsafe { &*self.0.get() };
        // The type invariant puts a NUL in the buffer, so this never falls
        // back to the empty string.
        CStr::from_bytes_until_nul(buf).unwrap_or_default()
    }

    #[doc(hidden)]
    pub(crate) const fn as_buf(&self) -> *mut u8 {
        self.0.get().cast()
    }
}

impl<const N: usize> Default for StringParam<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// What C vfio-pci's `vfio_pci_fill_ids()` reads from one `ids=` entry with
/// the kernel's own `sscanf(entry, "%x:%x:%x:%x:%x:%x", ...)`: vendor,
/// device, subvendor, subdevice, class and class mask, with vfio-pci's
/// defaults for the fields not read (`PCI_ANY_ID` twice, then 0 twice), or
/// `None` if fewer than two were read.  For KUnit to hold the driver's own
/// reading (`ids.rs`) to it.
#[cfg(CONFIG_KUNIT)]
pub(crate) fn kernel_sscanf_id(entry: &CStr) -> Option<[u32; 6]> {
    let (mut vendor, mut device, mut subvendor, mut subdevice) = (!0u32, !0u32, !0u32, !0u32);
    let (mut class, mut class_mask) = (0u32, 0u32);
    // SAFETY: `entry` and the format are NUL-terminated strings; each of the
    // format's six `%x` conversions stores an `unsigned int` (`u32`)
    // through the matching argument, six pointers to distinct live `u32`s.
    let fields = unsafe {
        bindings::sscanf(
            entry.as_char_ptr(),
            c"%x:%x:%x:%x:%x:%x".as_char_ptr(),
            &raw mut vendor,
            &raw mut device,
            &raw mut subvendor,
            &raw mut subdevice,
            &raw mut class,
            &raw mut class_mask,
        )
    };
    (fields >= 2).then_some([vendor, device, subvendor, subdevice, class, class_mask])
}

/// Logs C vfio-pci's `pr_warn("invalid id string \"%s\"\n", id)` line for
/// the `ids=` entry `entry`, prefixed with `module`'s name as `pr_warn!`
/// prefixes it, with the entry's bytes as they are, as C's `%s` prints them:
/// the kernel crate's formatting escapes every byte that is not printable
/// ASCII (`BStr`), so an entry with a `\v` or 0xA0 in it would be logged
/// differently from C's line.
pub(crate) fn warn_invalid_id(module: &CStr, entry: &[u8]) {
    // `ids=` is at most 1024 bytes: the length always fits.
    let len = c_int::try_from(entry.len()).unwrap_or(c_int::MAX);
    // SAFETY: The format is a NUL-terminated string whose conversions take,
    // in order, a NUL-terminated string (`module`), an `int` and a pointer to
    // at least that many bytes (`%.*s` reads no further than `len` bytes of
    // `entry`, which needs no NUL), all live for the call.
    unsafe {
        bindings::_printk(
            c"\x014%s: invalid id string \"%.*s\"\n".as_char_ptr(),
            module.as_char_ptr(),
            len,
            entry.as_ptr(),
        )
    };
}

#[doc(hidden)]
pub(crate) const fn modinfo<const N: usize>(s: &str) -> [u8; N] {
    let bytes = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// The prefix of a parameter's name and of its modinfo keys, as a literal
/// for `concat!`: none in a module; built in, the module's name (`$module`,
/// a literal or a macro that expands to one) and a dot, as C's
/// `MODULE_PARAM_PREFIX` and `__MODULE_INFO()` give them (the names on the
/// command line, `modules.builtin.modinfo`).
#[cfg(MODULE)]
macro_rules! param_prefix {
    ($module:expr) => {
        ""
    };
}

/// The prefix of a parameter's name and of its modinfo keys, as a literal
/// for `concat!`: none in a module; built in, the module's name (`$module`,
/// a literal or a macro that expands to one) and a dot, as C's
/// `MODULE_PARAM_PREFIX` and `__MODULE_INFO()` give them (the names on the
/// command line, `modules.builtin.modinfo`).
#[cfg(not(MODULE))]
macro_rules! param_prefix {
    ($module:expr) => {
        concat!($module, ".")
    };
}

pub(crate) use param_prefix;

/// Declares module parameters like C `module_param()`/`module_param_string()`.
///
/// `module` is the module's name, a literal or a macro that expands to one,
/// for the names of a built-in module's parameters.  Attributes before a
/// parameter (`#[cfg(...)]`) apply to all of it.
///
/// ```ignore
/// module_params! {
///     module: "vfio_pci";
///     #[cfg(CONFIG_PCI_IOV)]
///     enable_sriov: bool = false, perm 0o644, "Enable SR-IOV configuration";
///     ids: string[1024], perm 0, "Initial PCI IDs";
/// }
/// ```
macro_rules! module_params {
    (module: $module:expr;
     $($(#[$attr:meta])* $name:ident : $kind:tt $([$len:literal])? $(= $default:expr)?,
       perm $perm:literal, $desc:literal;)*) => {
        $(
            $(#[$attr])*
            $crate::vfio::param::module_params!(@one $module, $name, $kind $([$len])? $(= $default)?,
                $perm, $desc);
        )*
    };
    (@one $module:expr, $name:ident, bool = $default:expr, $perm:literal, $desc:literal) => {
        #[expect(non_upper_case_globals)]
        pub(crate) static $name: $crate::vfio::param::BoolParam =
            $crate::vfio::param::BoolParam::new($default);
        $crate::vfio::param::module_params!(@register $module, $name, bool, $perm, $desc,
            ::kernel::bindings::kernel_param__bindgen_ty_1 { arg: $name.as_arg() },
            &raw const $crate::vfio::bindings::param_ops_bool);
    };
    (@one $module:expr, $name:ident, string [$len:literal], $perm:literal, $desc:literal) => {
        // A string is read once, at init, without a lock: it must have no
        // sysfs file through which root could change it later.
        const _: () = assert!($perm == 0, "string parameters must have permission 0");
        #[expect(non_upper_case_globals)]
        pub(crate) static $name: $crate::vfio::param::StringParam<$len> =
            $crate::vfio::param::StringParam::new();
        const _: () = {
            struct Str(::kernel::bindings::kparam_string);
            // SAFETY: Only read by `param_ops_string`; points at a static.
            unsafe impl Sync for Str {}
            static STR: Str = Str(::kernel::bindings::kparam_string {
                maxlen: $len,
                string: $name.as_buf().cast(),
            });
            $crate::vfio::param::module_params!(@register $module, $name, string, $perm, $desc,
                ::kernel::bindings::kernel_param__bindgen_ty_1 { str_: &raw const STR.0 },
                &raw const $crate::vfio::bindings::param_ops_string);
        };
    };
    (@register $module:expr, $name:ident, $ty:ident, $perm:literal, $desc:literal, $arg:expr,
     $ops:expr) => {
        const _: () = {
            #[link_section = "__param"]
            #[used(compiler)]
            #[expect(
                clippy::disallowed_methods,
                reason = "`as_char_ptr` is not `const`; the cast makes the pointer unsigned"
            )]
            static PARAM: ::kernel::module_param::KernelParam =
                ::kernel::module_param::KernelParam::new(::kernel::bindings::kernel_param {
                    name: ::kernel::c_str!(concat!(
                        $crate::vfio::param::param_prefix!($module),
                        stringify!($name)
                    ))
                        .as_ptr()
                        .cast(),
                    #[cfg(MODULE)]
                    mod_: (&raw const ::kernel::bindings::__this_module).cast_mut(),
                    #[cfg(not(MODULE))]
                    mod_: ::core::ptr::null_mut(),
                    ops: $ops,
                    perm: $perm,
                    level: -1,
                    flags: 0,
                    __bindgen_anon_1: $arg,
                });
            const PARMTYPE: &str = concat!(
                $crate::vfio::param::param_prefix!($module),
                "parmtype=",
                stringify!($name),
                ":",
                stringify!($ty),
                "\0"
            );
            const PARM: &str = concat!(
                $crate::vfio::param::param_prefix!($module),
                "parm=",
                stringify!($name),
                ":",
                $desc,
                "\0"
            );
            #[link_section = ".modinfo"]
            #[used(compiler)]
            static MODINFO_TYPE: [u8; PARMTYPE.len()] = $crate::vfio::param::modinfo(PARMTYPE);
            #[link_section = ".modinfo"]
            #[used(compiler)]
            static MODINFO_DESC: [u8; PARM.len()] = $crate::vfio::param::modinfo(PARM);
        };
    };
}

pub(crate) use module_params;
