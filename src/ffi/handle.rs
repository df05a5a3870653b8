//! The handle layer: the one place where a C handle (`ssl_t *`) becomes access to the object
//! behind it.
//!
//! A handle points to a boxed [`Guarded`] value: a busy flag next to the object, which lives
//! in an `UnsafeCell`. [`with_handle`] takes the handle (`None` for NULL), sets the flag for
//! the length of the call, catches panics and flattens the body's `Result` to the C return value. The
//! object is only ever reached through that call, so while one export runs no other call on
//! the same handle can create a second `&mut` to it:
//!
//! * a callback the library invokes during `matrixSslReceivedData` gets the application's
//!   own handle back and may pass it to any export; the flag is set, so that export gets
//!   [`Refused::busy`] and changes nothing (the shared reference to the `Guarded` it reads
//!   the flag through does not alias the `&mut` to the object, which is inside the cell);
//! * [`take_handle`] (`matrixSslDeleteSession`) refuses a busy handle, so a callback cannot free
//!   the session the library is still working on.
//!
//! The flag is atomic, so a handle used from two threads at once (outside the contract,
//! ABI.md D16) is refused as well instead of being raced on.

use std::cell::UnsafeCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{PS_ARG_FAIL, PS_FAILURE};

/// The code an export that returns a MatrixSSL code gives when it is called on a handle
/// that is in use (from inside one of that handle's callbacks).
///
/// `PS_ARG_FAIL` is what every such export already returns for a handle it cannot use
/// (NULL), and it means "this call did nothing". `MATRIXSSL_ERROR` would tell the caller the
/// connection has failed and must be closed, which is not true: the session is intact and
/// the outer call carries on once the callback returns.
pub(crate) const REENTERED: i32 = PS_ARG_FAIL;

/// An object owned by a C handle, with the flag that keeps calls on it exclusive.
pub(crate) struct Guarded<T> {
    busy: AtomicBool,
    value: UnsafeCell<T>,
}

impl<T> Guarded<T> {
    pub(crate) fn new(value: T) -> Self {
        Guarded {
            busy: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub(crate) fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// A C handle type: a struct named as the C typedef that wraps one [`Guarded`] object.
pub(crate) trait Handle: Sized {
    type Target;
    fn guarded(&self) -> &Guarded<Self::Target>;
    fn into_target(self) -> Self::Target;
}

/// What an export returns when it does not run its body.
pub(crate) struct Refused<R> {
    /// The handle is NULL.
    pub null: R,
    /// A call on the same handle is under way (a callback re-entered the library).
    pub busy: R,
    /// The body panicked (a bug; the panic must not unwind into C).
    pub panicked: R,
}

impl Refused<i32> {
    /// For exports returning a MatrixSSL code: NULL and re-entry are argument errors.
    pub(crate) const CODE: Self = Refused {
        null: PS_ARG_FAIL,
        busy: REENTERED,
        panicked: PS_FAILURE,
    };

    /// For yes/no queries answering 1 or 0: a refused query answers 0.
    pub(crate) const NO: Self = Refused {
        null: 0,
        busy: 0,
        panicked: 0,
    };
}

impl Refused<()> {
    /// For exports without a result: a refused call does nothing.
    pub(crate) const NOTHING: Self = Refused {
        null: (),
        busy: (),
        panicked: (),
    };
}

/// `Err(PS_ARG_FAIL)` unless `ok`: the argument checks of an export's body.
pub(crate) fn check_arg(ok: bool) -> Result<(), i32> {
    if ok { Ok(()) } else { Err(PS_ARG_FAIL) }
}

/// Boxes a new handle object and gives the application its pointer.
pub(crate) fn into_handle<H: Handle>(handle: H) -> *mut H {
    Box::into_raw(Box::new(handle))
}

/// Clears the busy flag when dropped, so a panic in the body cannot leave a handle locked.
struct Release<'a>(&'a AtomicBool);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Runs `body` with exclusive access to the object behind `handle`, or returns the
/// matching [`Refused`] value without running it. `Ok` and `Err` are both returned to C as
/// they are; `Err` lets the body stop early with `?`.
///
/// Exports get `handle` from their `*mut` argument with `as_ref()` (NULL gives `None`).
/// Only a shared reference is ever made from a handle pointer: another call on the same
/// handle may hold one too (it is further up the stack, running a callback), and without
/// the flag all it may touch is the atomic flag itself.
pub(crate) fn with_handle<H: Handle, R>(
    handle: Option<&H>,
    refused: Refused<R>,
    body: impl FnOnce(&mut H::Target) -> Result<R, R>,
) -> R {
    let Some(handle) = handle else {
        return refused.null;
    };
    let guarded = handle.guarded();
    if guarded.busy.swap(true, Ordering::Acquire) {
        return refused.busy;
    }
    let _release = Release(&guarded.busy);
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: this call set the busy flag, so no other reference to the object exists
        // until it is cleared when `_release` drops, after this `&mut` is gone.
        body(unsafe { &mut *guarded.value.get() })
    }));
    match result {
        Ok(Ok(value) | Err(value)) => value,
        Err(_) => refused.panicked,
    }
}

/// Takes the object back from a handle being deleted. `None` for NULL, and for a handle
/// in use: deleting a session from inside its own callback is ignored, the application
/// deletes it after the outer call returns.
///
/// # Safety
/// `handle` must be NULL or a pointer from [`into_handle`] not freed yet; when `Some` is
/// returned the handle is freed and must not be used again.
pub(crate) unsafe fn take_handle<H: Handle>(handle: *mut H) -> Option<H::Target> {
    {
        // SAFETY: NULL or a live boxed handle (caller's contract).
        let shared = unsafe { handle.as_ref() }?;
        if shared.guarded().busy.swap(true, Ordering::Acquire) {
            return None;
        }
    }
    // SAFETY: a pointer from `into_handle` (Box::into_raw), not in use by any call (the flag
    // was clear and is now held by this one), freed exactly once (caller's contract).
    let boxed = unsafe { Box::from_raw(handle) };
    Some(boxed.into_target())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handle over a counter, standing in for `ssl_t`.
    struct Counter(Guarded<u32>);

    impl Handle for Counter {
        type Target = u32;
        fn guarded(&self) -> &Guarded<u32> {
            &self.0
        }
        fn into_target(self) -> u32 {
            self.0.into_inner()
        }
    }

    fn new_counter() -> *mut Counter {
        into_handle(Counter(Guarded::new(0)))
    }

    /// What an export does with its handle argument.
    fn counter<'a>(h: *mut Counter) -> Option<&'a Counter> {
        // SAFETY: the tests pass NULL or live handles from `new_counter`.
        unsafe { h.as_ref() }
    }

    /// Adds one, as an export with a state change would.
    fn increment(h: *mut Counter) -> i32 {
        with_handle(counter(h), Refused::CODE, |n| {
            *n += 1;
            Ok(*n as i32)
        })
    }

    /// Frees a handle, as the delete export does.
    fn delete(h: *mut Counter) -> Option<u32> {
        // SAFETY: the tests pass NULL or live handles, and use none after it was freed.
        unsafe { take_handle(h) }
    }

    #[test]
    fn a_call_from_inside_a_call_on_the_same_handle_is_refused() {
        let h = new_counter();
        let other = new_counter();
        let mut inner = 0;
        let mut other_rc = 0;
        let outer = with_handle(counter(h), Refused::CODE, |n| {
            *n = 10;
            // What a callback does: call the library again with the same handle.
            inner = increment(h);
            // Another handle is not busy.
            other_rc = increment(other);
            Ok(*n as i32)
        });
        assert_eq!(inner, REENTERED);
        assert_eq!(other_rc, 1);
        assert_eq!(outer, 10, "the refused call changed nothing");
        assert_eq!(increment(h), 11, "the flag is clear after the outer call");
        assert_eq!(delete(h), Some(11));
        assert_eq!(delete(other), Some(1));
    }

    #[test]
    fn deleting_a_handle_in_use_is_ignored() {
        let h = new_counter();
        let rc = with_handle(counter(h), Refused::CODE, |n| {
            assert_eq!(delete(h), None);
            *n = 5;
            Ok(0)
        });
        assert_eq!(rc, 0);
        assert_eq!(delete(h), Some(5));
    }

    #[test]
    fn a_panic_gives_the_panic_value_and_clears_the_flag() {
        let h = new_counter();
        let rc = with_handle(counter(h), Refused::CODE, |n| -> Result<i32, i32> {
            *n = 7;
            panic!("bug in an export body")
        });
        assert_eq!(rc, PS_FAILURE);
        assert_eq!(increment(h), 8);
        assert_eq!(delete(h), Some(8));
    }

    #[test]
    fn null_handles_and_early_errors_flatten_to_their_codes() {
        assert_eq!(increment(std::ptr::null_mut()), PS_ARG_FAIL);
        assert_eq!(delete(std::ptr::null_mut()), None);
        let h = new_counter();
        let rc = with_handle(counter(h), Refused::CODE, |n| {
            check_arg(*n == 1)?;
            Ok(1)
        });
        assert_eq!(rc, PS_ARG_FAIL);
        assert_eq!(delete(h), Some(0));
    }
}
