//! [`RateLimit`]: decisions recorded, and records read, at a bounded rate per client.
//!
//! Every `POST /_consent` without a consent cookie is a new visitor's decision, so a new
//! ledger record; nothing in the request says it comes from a browser. Without a bound
//! one client can add millions of rows an hour to the site's database. So every request
//! that would write to the ledger (a choice at the consent endpoints, a handler's
//! [`Choice`](crate::Choice), the layer's GPC decision, `DELETE {prefix}/records`) and
//! every read of `{prefix}/records` first takes a token from its client's bucket
//! (GCRA, with [`governor`]): the one check is `RequestState::admit`, called where a
//! request reaches the ledger, after the request was found valid (a refused or
//! malformed request records nothing and takes no token).
//!
//! - **The client** is the [`ClientIp`](super::ClientIp) the app put into the request
//!   extensions, else the connection's peer address (axum's `ConnectInfo<SocketAddr>`,
//!   feature `axum`). An IPv6 client owns a `/64` (the smallest prefix a network hands
//!   out), so it is keyed by its `/64`; an IPv4 client by its address. A request with
//!   neither shares one bucket with every other such request.
//! - **An IPv6 network** of one holder (`/48`, what a site or a tunnel broker hands
//!   out, free of charge) holds 65,536 `/64`s: each of its requests also takes a token
//!   from its `/48`'s bucket, which allows [`NETWORK_SHARE`] times one client's burst
//!   and rate. Without it one holder could write 6.5 million records at once.
//! - **Over the limit** the endpoints answer `429 Too Many Requests` with `Retry-After`
//!   and the JSON error `rate_limited`; nothing is recorded, no cookie is set, and the
//!   visitor's previous state stands. A handler's `Choice` over the limit is not
//!   applied: the handler's response goes out as it is, without the consent cookie (as
//!   when a grant cannot be recorded). Each refusal is counted
//!   (`tower_consent_ledger_rate_limited_total`) and logged once per client a minute.
//! - **Memory** is bounded: at most [`RateLimit::max_clients`] clients are tracked. A
//!   client whose bucket is full again is indistinguishable from a new one and is
//!   forgotten (`retain_recent`) when the table fills up, at most once a second, and on
//!   the ledger's housekeeping tick. Clients that find the table full of clients still
//!   within their burst share one more bucket until room is made.

use std::hash::{BuildHasher, Hash};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use foldhash::fast::RandomState;
use governor::clock::{Clock, DefaultClock};
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::{InMemoryState, StateStore};
use governor::{Quota, RateLimiter};

use super::ClientIp;
use crate::consent::unix_now;

/// The default burst: decisions one client may make at once.
pub const DEFAULT_BURST: u32 = 100;
/// The default pace once the burst is spent: one decision a second per client.
pub const DEFAULT_PERIOD: Duration = Duration::from_secs(1);
/// The default number of clients tracked at a time.
pub const DEFAULT_MAX_CLIENTS: usize = 100_000;
/// How many clients' worth of burst and rate one IPv6 `/48` gets, whatever the number
/// of `/64`s its requests come from: more than any office behind one IPv4 address gets.
///
/// ```
/// use tower_consent::ledger::{RateLimit, NETWORK_SHARE};
///
/// // With the default limit, one /48 may record 1,600 decisions at once, then 16 a second.
/// assert_eq!(RateLimit::default().burst() * NETWORK_SHARE, 1_600);
/// ```
pub const NETWORK_SHARE: u32 = 16;

/// How many decisions (and reads of `{prefix}/records`) one client may make: a burst,
/// then one per period. Set with [`Ledger::rate_limit`](super::Ledger::rate_limit); on
/// by default with [`RateLimit::default`].
///
/// **The default**: a burst of 100, then one a second, per client address (an IPv6
/// `/64`). A visitor decides once per browser and policy revision (the choice is kept
/// six months), so even an office or a carrier-grade NAT of hundreds of people behind
/// one address, every one of them deciding within the same ten minutes, stays under it
/// (500 decisions in 600 s is less than one a second, and the burst absorbs them
/// arriving together). One client can then add at most 100 + 86,400 records a day, not
/// the 14,000 a second the ledger can commit.
///
/// Behind a proxy every request has the proxy's address: set
/// [`ClientIp`](super::ClientIp) from the header your proxy writes (see its
/// documentation), or every visitor shares one bucket.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use tower_consent::ledger::{Ledger, MemoryStore, RateLimit};
///
/// // A burst of 20, then one every two seconds; at most 10,000 clients tracked.
/// let ledger = Ledger::new(MemoryStore::new())
///     .rate_limit(RateLimit::new(20, Duration::from_secs(2)).max_clients(10_000));
/// // Or no limit at all (a ledger behind its own edge limits):
/// let unlimited = Ledger::new(MemoryStore::new()).rate_limit(None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    burst: u32,
    period: Duration,
    max_clients: usize,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            burst: DEFAULT_BURST,
            period: DEFAULT_PERIOD,
            max_clients: DEFAULT_MAX_CLIENTS,
        }
    }
}

impl RateLimit {
    /// `burst` decisions at once, then one per `period`. Both must be more than zero
    /// (checked by [`build`](crate::ConsentLayerBuilder::build)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_consent::ledger::RateLimit;
    /// let limit = RateLimit::new(10, Duration::from_millis(500));
    /// assert_eq!(limit.burst(), 10);
    /// ```
    pub fn new(burst: u32, period: Duration) -> Self {
        Self {
            burst,
            period,
            ..Self::default()
        }
    }

    /// How many clients are tracked at most (default [`DEFAULT_MAX_CLIENTS`], about
    /// 40 bytes each); at least one.
    ///
    /// ```
    /// use tower_consent::ledger::RateLimit;
    /// let limit = RateLimit::default().max_clients(1_000_000);
    /// assert_eq!(limit.clients(), 1_000_000);
    /// ```
    pub fn max_clients(mut self, clients: usize) -> Self {
        self.max_clients = clients.max(1);
        self
    }

    /// The burst.
    ///
    /// ```
    /// # use tower_consent::ledger::RateLimit;
    /// assert_eq!(RateLimit::default().burst(), 100);
    /// ```
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// The time between two decisions once the burst is spent.
    ///
    /// ```
    /// # use tower_consent::ledger::RateLimit;
    /// assert_eq!(RateLimit::default().period(), std::time::Duration::from_secs(1));
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How many clients are tracked at most.
    ///
    /// ```
    /// # use tower_consent::ledger::RateLimit;
    /// assert_eq!(RateLimit::default().clients(), 100_000);
    /// ```
    pub fn clients(&self) -> usize {
        self.max_clients
    }

    /// The governor quota, if the limit is valid.
    pub(crate) fn quota(&self) -> Option<Quota> {
        let burst = NonZeroU32::new(self.burst)?;
        Some(Quota::with_period(self.period)?.allow_burst(burst))
    }

    /// The quota of an IPv6 `/48`: [`NETWORK_SHARE`] times the burst and the rate (the
    /// rate as it is, for periods too short to divide).
    fn network_quota(&self) -> Option<Quota> {
        let burst = NonZeroU32::new(self.burst.saturating_mul(NETWORK_SHARE))?;
        let period = Quota::with_period(self.period / NETWORK_SHARE)
            .or_else(|| Quota::with_period(self.period))?;
        Some(period.allow_burst(burst))
    }
}

/// Who a request counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Client {
    /// An IPv4 address.
    V4(u32),
    /// The `/64` of an IPv6 address.
    V6(u64),
    /// A request without an address: all of them share this bucket.
    Unknown,
}

impl Client {
    /// The client of a request: its [`ClientIp`], else its connection's peer address.
    pub(crate) fn of(extensions: &http::Extensions) -> Self {
        if let Some(ClientIp(ip)) = extensions.get::<ClientIp>() {
            return Self::from_ip(*ip);
        }
        #[cfg(feature = "axum")]
        if let Some(axum::extract::ConnectInfo(peer)) =
            extensions.get::<axum::extract::ConnectInfo<SocketAddr>>()
        {
            return Self::from_ip(peer.ip());
        }
        // A server that puts the bare address into the extensions (hyper services
        // written by hand often do).
        if let Some(peer) = extensions.get::<SocketAddr>() {
            return Self::from_ip(peer.ip());
        }
        Self::Unknown
    }

    /// The client of an address: an IPv4 address (also written as IPv4-mapped IPv6), or
    /// an IPv6 `/64`.
    pub(crate) fn from_ip(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self::V4(u32::from(v4)),
            IpAddr::V6(v6) => Self::V6((u128::from(v6) >> 64) as u64),
        }
    }
}

impl Client {
    /// The buckets the limiter keeps the client under: 32 bits of a hash keyed once
    /// per process each, so that the request state carries them in the room it has
    /// spare (a wider key made every request's state larger, and slower to move). Two
    /// clients share a bucket only if their keys collide: about one pair in 100,000
    /// clients, at random places no client can choose without the process's key.
    pub(crate) fn key(self) -> ClientKey {
        static KEYS: std::sync::LazyLock<RandomState> =
            std::sync::LazyLock::new(RandomState::default);
        let hash = KEYS.hash_one(self) as u32;
        match self {
            Client::Unknown => ClientKey::UNKNOWN,
            // Odd: the even buckets are the limiter's own and the networks'.
            Client::V4(_) => ClientKey {
                own: Bucket::new(hash | 1),
                network: None,
            },
            Client::V6(slash_64) => {
                let slash_48 = KEYS.hash_one(slash_64 >> 16) as u32;
                ClientKey {
                    own: Bucket::new(hash | 1),
                    // Even, with the high bit set: never a client's, nor the limiter's.
                    network: Some(Bucket::new((slash_48 & !1) | 1 << 31)),
                }
            }
        }
    }
}

/// A [`Client`] as the limiter keys it: its own bucket, and its IPv6 `/48`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ClientKey {
    own: Bucket,
    network: Option<Bucket>,
}

impl ClientKey {
    /// Requests without an address.
    pub(crate) const UNKNOWN: Self = Self {
        own: Bucket::UNKNOWN,
        network: None,
    };
}

/// One bucket of the limiter's tables: never zero, so that a [`ClientKey`] takes 8
/// bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Bucket(NonZeroU32);

impl Bucket {
    /// Requests without an address.
    const UNKNOWN: Self = Self(NonZeroU32::MIN.saturating_add(1));
    /// Clients that found the table full.
    const OVERFLOW: Self = Self(NonZeroU32::MIN.saturating_add(3));

    /// `value` (odd, or even with the high bit set: never zero).
    fn new(value: u32) -> Self {
        Self(NonZeroU32::new(value).unwrap_or(NonZeroU32::MIN))
    }
}

/// The governor state of each tracked client, at most `cap` of them: a client that
/// finds the table full is measured against [`Bucket::OVERFLOW`].
#[derive(Debug)]
struct Table {
    map: DashMap<Bucket, InMemoryState, RandomState>,
    cap: usize,
    /// Set when a client found the table full: the limiter sweeps it soon.
    full: Arc<AtomicBool>,
}

impl StateStore for Table {
    type Key = Bucket;

    fn measure_and_replace<T, F, E>(&self, key: &Bucket, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        // A client seen before: one shard's read lock. A new one: the count of every
        // shard, then its insertion.
        let key = if self.map.contains_key(key) || self.map.len() < self.cap {
            key
        } else {
            self.full.store(true, Ordering::Relaxed);
            &Bucket::OVERFLOW
        };
        self.map.measure_and_replace(key, f)
    }
}

impl ShrinkableKeyedStateStore<Bucket> for Table {
    fn retain_recent(&self, drop_below: Nanos) {
        ShrinkableKeyedStateStore::retain_recent(&self.map, drop_below);
    }

    fn shrink_to_fit(&self) {
        self.map.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// How many log lines about limited clients one minute may hold; past that they are
/// counted and summed up in the next line.
const LOG_BUDGET: u64 = 64;
/// The slots remembering which client was logged in which minute.
const LOG_SLOTS: usize = 1024;

/// A ledger's rate limiter.
#[derive(Debug)]
pub(crate) struct Limiter {
    governor: RateLimiter<Bucket, Table, DefaultClock>,
    /// The IPv6 `/48`s' buckets, with [`NETWORK_SHARE`] times the quota.
    networks: RateLimiter<Bucket, Table, DefaultClock>,
    clock: DefaultClock,
    /// Whether a client found the table full (set by the [`Table`]).
    full: Arc<AtomicBool>,
    /// When (Unix seconds) the table may be swept again from the request path.
    next_sweep: AtomicU64,
    /// Per slot, the hash of (client, minute) last logged.
    logged: Box<[AtomicU64]>,
    /// The minute `lines` counts, and the lines logged in it (high and low 32 bits).
    lines: AtomicU64,
    /// Limited requests not logged because the minute's budget was spent.
    quiet: AtomicU64,
    /// Whether a request without an address was warned about.
    warned_no_address: AtomicBool,
    hasher: RandomState,
}

/// A request refused by the limiter: when its client may try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limited {
    /// Whole seconds, at least one.
    pub(crate) retry_after: u64,
}

impl Limiter {
    /// A limiter enforcing `limit`, or `None` if the limit is not valid.
    pub(crate) fn new(limit: &RateLimit) -> Option<Self> {
        let quota = limit.quota()?;
        let network_quota = limit.network_quota()?;
        let clock = DefaultClock::default();
        let full = Arc::new(AtomicBool::new(false));
        let table = || Table {
            map: DashMap::with_hasher(RandomState::default()),
            cap: limit.max_clients,
            full: full.clone(),
        };
        Some(Self {
            governor: RateLimiter::new(quota, table(), clock.clone()),
            networks: RateLimiter::new(network_quota, table(), clock.clone()),
            clock,
            full,
            next_sweep: AtomicU64::new(0),
            logged: (0..LOG_SLOTS).map(|_| AtomicU64::new(0)).collect(),
            lines: AtomicU64::new(0),
            quiet: AtomicU64::new(0),
            warned_no_address: AtomicBool::new(false),
            hasher: RandomState::default(),
        })
    }

    /// Takes a token from `client`'s bucket: the one check before a request writes to,
    /// or reads, the ledger (through `RequestState::admit`).
    pub(crate) fn admit_client(&self, client: ClientKey) -> Result<(), Limited> {
        if client == ClientKey::UNKNOWN {
            self.no_address();
        }
        // The client's own bucket first: a client over its own limit spends none of
        // its network's.
        let result = self.governor.check_key(&client.own).and_then(|()| {
            client
                .network
                .map_or(Ok(()), |network| self.networks.check_key(&network))
        });
        if self.full.load(Ordering::Relaxed) {
            self.sweep_soon();
        }
        match result {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let limited = Limited {
                    retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                }
                .at_least_one();
                crate::metrics::rate_limited();
                self.log(client, limited);
                Err(limited)
            }
        }
    }

    /// Warns, once, that requests come without an address.
    #[cold]
    fn no_address(&self) {
        if !self.warned_no_address.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "a request reached the ledger without a client address: every such request \
                 shares one rate limit. Serve with ConnectInfo \
                 (into_make_service_with_connect_info::<SocketAddr>()) or set the ClientIp \
                 extension"
            );
        }
    }

    /// Forgets the clients whose bucket is full again, at most once a second from the
    /// request path (the table is full).
    #[cold]
    fn sweep_soon(&self) {
        let now = unix_now();
        let due = self.next_sweep.load(Ordering::Relaxed);
        if now >= due
            && self
                .next_sweep
                .compare_exchange(due, now + 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.full.store(false, Ordering::Relaxed);
            self.sweep();
        }
    }

    /// Forgets the clients whose bucket is full again, and gives back the memory.
    pub(crate) fn sweep(&self) {
        for limiter in [&self.governor, &self.networks] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many clients are tracked now.
    #[cfg(test)]
    pub(crate) fn tracked(&self) -> usize {
        self.governor.len()
    }

    /// Logs a limited client once a minute, within the minute's budget.
    #[cold]
    fn log(&self, client: ClientKey, limited: Limited) {
        let minute = unix_now() / 60;
        let mark = self.hasher.hash_one((client.own, minute)) | 1;
        let slot = &self.logged[mark as usize % LOG_SLOTS];
        if slot.swap(mark, Ordering::Relaxed) == mark {
            return;
        }
        let counted = self
            .lines
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |lines| {
                let (at, used) = (lines >> 32, lines & u64::from(u32::MAX));
                if at != minute & u64::from(u32::MAX) {
                    Some(((minute & u64::from(u32::MAX)) << 32) | 1)
                } else if used < LOG_BUDGET {
                    Some(lines + 1)
                } else {
                    None
                }
            });
        if counted.is_err() {
            self.quiet.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let quiet = self.quiet.swap(0, Ordering::Relaxed);
        tracing::warn!(
            client_key = format_args!("{:08x}", client.own.0),
            retry_after = limited.retry_after,
            other_clients_not_logged = quiet,
            "a client is over the ledger's rate limit: its decisions are refused with 429 \
             and not recorded (logged once a minute per client)"
        );
    }
}

impl Limited {
    fn at_least_one(self) -> Self {
        Self {
            retry_after: self.retry_after.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Client {
        Client::from_ip(text.parse().unwrap())
    }

    #[test]
    fn clients_are_ipv4_addresses_and_ipv6_slash_64s() {
        assert_eq!(ip("192.0.2.1"), Client::V4(0xc000_0201));
        assert_eq!(ip("::ffff:192.0.2.1"), ip("192.0.2.1"), "IPv4-mapped");
        assert_eq!(
            ip("2001:db8:1:2::1"),
            ip("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(ip("2001:db8:1:2::1"), ip("2001:db8:1:3::1"));
        assert_eq!(ip("2001:db8:1:2::1").key(), ip("2001:db8:1:2::2").key());
        assert_ne!(ip("192.0.2.1").key(), ip("192.0.2.2").key());
        // A /64's network is its /48; IPv4 addresses have none.
        let (a, b) = (ip("2001:db8:1:2::1").key(), ip("2001:db8:1:3::1").key());
        assert_ne!(a.own, b.own);
        assert_eq!(a.network, b.network);
        assert!(a
            .network
            .is_some_and(|n| n.0.get() % 2 == 0 && n.0.get() >= 1 << 31));
        assert_ne!(a.network, ip("2001:db8:2:2::1").key().network);
        assert_eq!(ip("192.0.2.1").key().network, None);
        assert!(ip("192.0.2.1").key().own.0.get() % 2 == 1);
        let mut extensions = http::Extensions::new();
        assert_eq!(Client::of(&extensions), Client::Unknown);
        let peer: SocketAddr = "198.51.100.7:5555".parse().unwrap();
        extensions.insert(peer);
        assert_eq!(Client::of(&extensions), ip("198.51.100.7"));
        #[cfg(feature = "axum")]
        {
            let mut extensions = http::Extensions::new();
            extensions.insert(axum::extract::ConnectInfo(peer));
            assert_eq!(Client::of(&extensions), ip("198.51.100.7"));
        }
        // The app's ClientIp wins over the connection.
        extensions.insert(ClientIp("203.0.113.9".parse().unwrap()));
        assert_eq!(Client::of(&extensions), ip("203.0.113.9"));
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_affected() {
        let limiter = Limiter::new(&RateLimit::new(3, Duration::from_secs(60))).unwrap();
        let (a, b) = (ip("192.0.2.1").key(), ip("192.0.2.2").key());
        for _ in 0..3 {
            limiter.admit_client(a).unwrap();
        }
        let limited = limiter.admit_client(a).unwrap_err();
        assert!((59..=60).contains(&limited.retry_after), "{limited:?}");
        limiter.admit_client(b).unwrap();
        assert!(limiter.admit_client(a).is_err());
    }

    #[test]
    fn invalid_limits_make_no_limiter() {
        assert!(Limiter::new(&RateLimit::new(0, Duration::from_secs(1))).is_none());
        assert!(Limiter::new(&RateLimit::new(1, Duration::ZERO)).is_none());
    }

    /// One check, counted by callgrind (BENCHMARKS.md, "Many instances and hostile
    /// clients"): `--collect-atstart=no --toggle-collect='*counted_check*'` on one of
    /// the two `check_cost_*` tests, run alone (`--ignored --exact`).
    #[inline(never)]
    fn counted_check(limiter: &Limiter, client: ClientKey) -> bool {
        limiter.admit_client(client).is_ok()
    }

    /// 100,000 checks of one client seen before (a visitor's next decision).
    #[test]
    #[ignore = "run under callgrind, see BENCHMARKS.md"]
    fn check_cost_known() {
        let limiter = Limiter::new(&RateLimit::new(u32::MAX, Duration::from_secs(1))).unwrap();
        let known = Client::V4(1).key();
        assert!(limiter.admit_client(known).is_ok());
        let admitted = (0..100_000)
            .filter(|_| counted_check(&limiter, known))
            .count();
        assert_eq!(admitted, 100_000);
    }

    /// 100,000 checks of new clients (the table growing to 100,000).
    #[test]
    #[ignore = "run under callgrind, see BENCHMARKS.md"]
    fn check_cost_new() {
        let limiter = Limiter::new(&RateLimit::new(u32::MAX, Duration::from_secs(1))).unwrap();
        let admitted = (0..100_000)
            .filter(|&n| counted_check(&limiter, Client::V4(n + 2).key()))
            .count();
        assert_eq!(admitted, 100_000);
    }

    /// A million distinct clients, as fast as they come: the table never tracks more
    /// than its cap (and the overflow bucket), and clients whose bucket is full again
    /// are forgotten by a sweep.
    #[test]
    fn a_million_clients_stay_within_the_table() {
        let cap = 10_000;
        let limit = RateLimit::new(2, Duration::from_millis(20)).max_clients(cap);
        let limiter = Limiter::new(&limit).unwrap();
        let mut most = 0;
        for n in 0..1_000_000u32 {
            let _ = limiter.admit_client(Client::V4(n).key());
            if n % 1000 == 0 {
                most = most.max(limiter.tracked());
            }
        }
        most = most.max(limiter.tracked());
        assert!(most <= cap + 1, "{most} clients tracked");
        std::thread::sleep(Duration::from_millis(60));
        limiter.sweep();
        assert_eq!(limiter.tracked(), 0, "idle clients are forgotten");
    }
}
