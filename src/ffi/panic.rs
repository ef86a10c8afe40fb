//! A panic hook that writes the panic to the Redis log. Handlers and
//! callbacks also run under `catch_unwind`, so the panic costs one reply.

use redis_module::logging::log_warning;

pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        log_warning(format!("redisai-rs: panic{location}: {payload}"));
    }));
}
