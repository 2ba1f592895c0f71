//! Power save for a worker whose queues stay empty.
//!
//! After `IDLE_POLLS` empty polls in a row a worker sleeps 1 µs, then
//! twice as long each time, up to the bound (`Shared::idle_sleep_max_us`).
//! Once a sleep has reached the bound, a worker whose every rx queue can
//! raise an interrupt (vhost-user, tap) arms them and waits in `epoll`
//! until a frame arrives, as DPDK's `l3fwd-power` does: no CPU at all while
//! nothing happens. Its doorbell (an eventfd) wakes it for what does not
//! come from a queue: frames a control thread injects, a new forwarding
//! table, the stop.
//!
//! Arming is followed by one more poll of every queue before the wait (a
//! frame that arrived between the last poll and the arming raises no
//! interrupt); whatever wakes the worker disarms the queues again, so a
//! loaded worker never pays for interrupts.

use crate::counters::{bump, WorkerCounters};
use crate::worker::RxQueue;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{fence, AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Empty polls in a row before the first sleep: about 0.1-0.5 ms of
/// nothing, so a loaded worker, whose queues are empty only for moments,
/// never sleeps.
const IDLE_POLLS: u32 = 4096;
/// The first sleep; each next one doubles, up to the bound.
const FIRST_SLEEP: Duration = Duration::from_micros(1);
/// The longest wait for an interrupt: a safety net only (every event that
/// matters rings the doorbell or raises a queue's interrupt), which also
/// bounds the wake-ups of a switch with nothing to do to 10 a second.
const WAIT_MS: i32 = 100;
/// The wait before registering the queues again after a first failure.
const RETRY_FIRST: Duration = Duration::from_millis(100);
/// The longest such wait (a vhost-user queue whose peer came waits at
/// most this long for the worker to use its interrupt).
const RETRY_MAX: Duration = Duration::from_secs(5);

/// A worker's power-save counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdleStats {
    /// Sleeps since start.
    pub sleeps: u64,
    /// Waits for an rx interrupt since start.
    pub waits: u64,
    /// Every queue it polls can raise an interrupt.
    pub rx_interrupts: bool,
}

/// Wakes a worker that waits for an interrupt.
#[derive(Debug)]
pub struct Doorbell {
    /// A non-blocking eventfd; `None` if the system gave none (the worker
    /// then only sleeps, up to the bound).
    fd: Option<OwnedFd>,
    waiting: AtomicBool,
}

impl Default for Doorbell {
    fn default() -> Self {
        // SAFETY: eventfd takes two integers and returns a new descriptor
        // or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "power save: no eventfd; idle workers only sleep");
        }
        Doorbell {
            // SAFETY: `fd` is a fresh descriptor that nothing else owns.
            fd: (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) }),
            waiting: AtomicBool::new(false),
        }
    }
}

impl Doorbell {
    /// Wakes the worker if it waits (or is about to). Call after making
    /// the event visible (queue pushed, flag stored).
    pub fn ring(&self) {
        fence(Ordering::SeqCst);
        if let Some(fd) = self
            .fd
            .as_ref()
            .filter(|_| self.waiting.load(Ordering::SeqCst))
        {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes from a live u64 to our eventfd. A
            // full counter (EAGAIN) already means "ring".
            unsafe { libc::write(fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
        }
    }

    /// Marks the worker as about to wait; it must look for events once
    /// more after this (a ring from now on is not lost).
    fn arm(&self) {
        self.waiting.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
    }

    /// Marks the worker awake and swallows the rings.
    fn disarm(&self) {
        self.waiting.store(false, Ordering::SeqCst);
        if let Some(fd) = &self.fd {
            let mut n: u64 = 0;
            // SAFETY: reads at most 8 bytes into a live u64 from our
            // non-blocking eventfd.
            unsafe { libc::read(fd.as_raw_fd(), (&mut n as *mut u64).cast(), 8) };
        }
    }
}

/// A worker's power-save state.
pub struct Idle {
    empty_polls: u32,
    sleep: Duration,
    /// The queues polled, and whether each is registered in this thread's
    /// epoll (a driver without rx interrupts never is: then the worker
    /// only sleeps, up to the bound).
    queues: Vec<(RxQueue, bool)>,
    /// The doorbell's epoll registration.
    bell: Option<BellEvent>,
    /// The queues' interrupts are enabled: the next empty poll waits.
    armed: bool,
    /// When to try registering the queues again after some could not be
    /// (a driver without rx interrupts, a vhost-user peer not there yet),
    /// and how long the wait after the next failure is.
    retry: Option<(Instant, Duration)>,
}

impl Default for Idle {
    fn default() -> Self {
        Idle {
            empty_polls: 0,
            sleep: FIRST_SLEEP,
            queues: Vec::new(),
            bell: None,
            armed: false,
            retry: None,
        }
    }
}

impl Idle {
    /// Registers the queues of `polls` (and `bell`) for interrupts in this
    /// thread's epoll, dropping those no longer polled. Call from the
    /// worker's thread whenever its poll list changes, before it reports
    /// the new forwarding table seen (a port is closed only after that).
    pub fn watch(&mut self, polls: &[RxQueue], bell: &Doorbell, c: &WorkerCounters) {
        self.disarm(bell);
        self.retry = None;
        self.queues.retain_mut(|(rxq, reg)| {
            if polls.contains(rxq) {
                return true;
            }
            if std::mem::take(reg) {
                intr_ctl(*rxq, dpdk_sys::RTE_INTR_EVENT_DEL);
            }
            false
        });
        for &rxq in polls {
            if !self.queues.iter().any(|(q, _)| *q == rxq) {
                self.queues.push((rxq, false));
            }
        }
        if self.bell.is_none() {
            self.bell = register_bell(bell);
        }
        self.register(c);
    }

    /// Registers the queues not registered yet (a vhost-user queue can be
    /// only once its peer is there); true if every queue and the doorbell
    /// are, and the worker can wait for an interrupt.
    /// After a failure it tries again only after a wait that doubles
    /// each time, from `RETRY_FIRST` up to `RETRY_MAX` (each attempt costs
    /// a driver call and, for a driver without interrupts, a DPDK log line).
    fn register(&mut self, c: &WorkerCounters) -> bool {
        if self.retry.is_some_and(|(at, _)| Instant::now() < at) {
            return false;
        }
        let mut all = self.bell.is_some() && !self.queues.is_empty();
        for (rxq, registered) in self.queues.iter_mut() {
            if !*registered {
                *registered = intr_ctl(*rxq, dpdk_sys::RTE_INTR_EVENT_ADD);
            }
            all &= *registered;
        }
        c.rx_interrupts.store(all, Ordering::Relaxed);
        self.retry = if all {
            None
        } else {
            let wait = self
                .retry
                .map_or(RETRY_FIRST, |(_, w)| (w * 2).min(RETRY_MAX));
            Some((Instant::now() + wait, wait))
        };
        all
    }

    /// Called after a loop that received something.
    #[inline]
    pub fn busy(&mut self, bell: &Doorbell) {
        if self.armed {
            self.disarm(bell);
        }
        self.empty_polls = 0;
        self.sleep = FIRST_SLEEP;
    }

    /// Called after a loop that received nothing: sleeps once the queues
    /// have been empty for a while, longer each time up to `max`; past it,
    /// arms the queues' interrupts (the caller polls once more) and, on
    /// the next call, waits for one. `pending` says whether an event came
    /// that the worker must see (a ring may have been swallowed).
    pub fn empty(
        &mut self,
        max: Duration,
        bell: &Doorbell,
        c: &WorkerCounters,
        pending: impl Fn() -> bool,
    ) {
        self.empty_polls = self.empty_polls.saturating_add(1);
        if max.is_zero() || self.empty_polls < IDLE_POLLS {
            return;
        }
        if self.armed {
            if !pending() {
                bump(&c.interrupt_waits, 1);
                wait();
            }
            self.disarm(bell);
            // Poll for a while again before the next wait: an interrupt
            // may come before the driver can see the frame (the tap PMD
            // reads only after its signal handler has run, see
            // `block_queue_signals`), and being edge-triggered it does not
            // come twice.
            self.empty_polls = 0;
            self.sleep = FIRST_SLEEP;
            return;
        }
        if self.sleep >= max && self.register(c) && self.arm(bell) {
            return;
        }
        bump(&c.idle_sleeps, 1);
        std::thread::sleep(self.sleep);
        self.sleep = (self.sleep * 2).min(max);
    }

    /// Enables every (registered) queue's interrupt and the doorbell;
    /// false (and nothing armed) if some queue cannot interrupt.
    fn arm(&mut self, bell: &Doorbell) -> bool {
        bell.arm();
        for (k, (rxq, _)) in self.queues.iter().enumerate() {
            // SAFETY: the port is open (it is in this worker's poll list)
            // and the queue exists.
            let rc = unsafe { dpdk_sys::rte_eth_dev_rx_intr_enable(rxq.port, rxq.queue) };
            if rc != 0 && rc != -libc::ENOTSUP {
                tracing::debug!(port = rxq.port, queue = rxq.queue, rc, "no rx interrupt");
                for (q, _) in &self.queues[..k] {
                    disable(*q);
                }
                bell.disarm();
                return false;
            }
        }
        // The queues' "notify me" flags must be visible before the next
        // poll reads their rings (a peer that added a frame without seeing
        // the flag raises no interrupt; that poll then finds the frame).
        fence(Ordering::SeqCst);
        self.armed = true;
        true
    }

    /// Disables the queues' interrupts (if armed) and the doorbell.
    fn disarm(&mut self, bell: &Doorbell) {
        if self.armed {
            for (rxq, _) in &self.queues {
                disable(*rxq);
            }
            self.armed = false;
        }
        bell.disarm();
    }
}

/// Waits in this thread's epoll for a queue's interrupt or the doorbell
/// (DPDK reads the queues' eventfds itself).
fn wait() {
    let mut events: [dpdk_sys::rte_epoll_event; 8] = Default::default();
    // SAFETY: `events` has room for 8 events and lives for the call;
    // RTE_EPOLL_PER_THREAD is this thread's own epoll.
    unsafe {
        dpdk_sys::rte_epoll_wait(
            dpdk_sys::RTE_EPOLL_PER_THREAD,
            events.as_mut_ptr(),
            events.len() as i32,
            WAIT_MS,
        )
    };
}

impl Drop for Idle {
    fn drop(&mut self) {
        for (rxq, registered) in &mut self.queues {
            if std::mem::take(registered) {
                intr_ctl(*rxq, dpdk_sys::RTE_INTR_EVENT_DEL);
            }
        }
        if let Some(BellEvent(ev)) = self.bell.as_mut() {
            // SAFETY: `ev` is the event registered for this fd in this
            // thread's epoll; removing it ends epoll's use of its address.
            unsafe {
                dpdk_sys::rte_epoll_ctl(
                    dpdk_sys::RTE_EPOLL_PER_THREAD,
                    libc::EPOLL_CTL_DEL,
                    ev.fd,
                    &mut **ev,
                )
            };
        }
    }
}

/// Blocks the "frames arrived" signals in the calling thread (and the
/// threads it creates later): SIGIO and the real-time signals, which a
/// driver may pick with `F_SETSIG`.
///
/// The tap driver learns that a queue has frames from such a signal
/// (SIGRTMIN+1 here): its handler bumps a counter that its rx burst checks
/// before it reads. A signal for the process goes to any thread that does
/// not block it; if that thread waits for a CPU, a worker woken by the
/// tap's interrupt finds nothing to read, and (the interrupt being
/// edge-triggered) waits again with the frame in the queue (seen: 100 ms
/// stalls of 1 ping in 40 while dpdk-testpmd kept the other core busy).
/// So only the workers take these signals (`take_queue_signals`).
pub fn block_queue_signals() {
    queue_signal_mask(libc::SIG_BLOCK);
}

/// Unblocks the "frames arrived" signals in the calling (worker) thread.
pub fn take_queue_signals() {
    queue_signal_mask(libc::SIG_UNBLOCK);
}

fn queue_signal_mask(how: libc::c_int) {
    // SAFETY: the set is a local initialised by sigemptyset before use;
    // SIGRTMIN/SIGRTMAX read libc's bounds (glibc's own signals lie below
    // SIGRTMIN); pthread_sigmask changes only the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGIO);
        for sig in libc::SIGRTMIN()..=libc::SIGRTMAX() {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(how, &set, std::ptr::null_mut());
    }
}

/// Adds (or removes) `rxq`'s interrupt to this thread's epoll; true if the
/// driver did.
fn intr_ctl(rxq: RxQueue, op: u32) -> bool {
    // SAFETY: the port is open (polled by this worker, or its removal
    // waits for this worker's grace period); the data pointer is unused.
    let rc = unsafe {
        dpdk_sys::rte_eth_dev_rx_intr_ctl_q(
            rxq.port,
            rxq.queue,
            dpdk_sys::RTE_EPOLL_PER_THREAD,
            op as i32,
            std::ptr::null_mut(),
        )
    };
    rc == 0
}

/// Disables `rxq`'s interrupt.
fn disable(rxq: RxQueue) {
    // SAFETY: the port is open and the queue exists (see `intr_ctl`).
    unsafe { dpdk_sys::rte_eth_dev_rx_intr_disable(rxq.port, rxq.queue) };
}

/// The doorbell's registration in a worker thread's epoll (boxed: epoll
/// keeps its address).
struct BellEvent(Box<dpdk_sys::rte_epoll_event>);

// SAFETY: the event's pointers (callback data) are null, and only the
// thread that registered it (the worker, which owns its `Idle`) uses it;
// a worker is moved to its thread before it registers anything.
unsafe impl Send for BellEvent {}

/// Adds the doorbell's eventfd to this thread's epoll.
fn register_bell(bell: &Doorbell) -> Option<BellEvent> {
    let fd = bell.fd.as_ref()?.as_raw_fd();
    let mut ev = Box::new(dpdk_sys::rte_epoll_event::default());
    ev.epdata.event = libc::EPOLLIN as u32;
    // SAFETY: the eventfd lives as long as the Shared state, which
    // outlives this worker; `ev` is boxed (its address stays valid until
    // `Idle::drop` removes it).
    let rc = unsafe {
        dpdk_sys::rte_epoll_ctl(
            dpdk_sys::RTE_EPOLL_PER_THREAD,
            libc::EPOLL_CTL_ADD,
            fd,
            &mut *ev,
        )
    };
    if rc != 0 {
        tracing::warn!(
            rc,
            "power save: the worker's doorbell is not in its epoll; it only sleeps"
        );
        return None;
    }
    Some(BellEvent(ev))
}
