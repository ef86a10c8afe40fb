//! TorchScript through `tch` (libtorch from the pinned PyPI wheel).

/// The libtorch version, read from the wheel at build time.
pub const VERSION: &str = env!("REDISAI_TORCH_VERSION");

// Keep libtorch linked into the module: the version reported in INFO is the
// version redis-server actually loads.
#[used]
static LINK_LIBTORCH: fn() -> bool = linked;

fn linked() -> bool {
    tch::utils::has_cuda()
}
