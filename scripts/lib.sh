# Shared by scripts/run, scripts/test, scripts/package and .ci/run. Source it.
# It sets up what the project needs, idempotently, and exports the build env.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=python3
SITE="lib/python3.11/site-packages"

say() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0")" "$*"; }
die() { say "error: $*" >&2; exit 1; }

# CI keeps the Cargo target dir and pip cache outside the clone, so a rerun on
# the same machine does not rebuild from cold. Locally they live in the repo.
if [ "${CI:-}" = "true" ]; then
    CACHE="${REDISAI_CACHE:-$HOME/.cache/redisai-rs}"
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
    export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$CACHE/pip}"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export LIBTORCH="$ROOT/.venv/$SITE/torch"
export LIBTORCH_CXX11_ABI=1
MODULE="$CARGO_TARGET_DIR/release/libredisai.so"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

setup_apt() {
    local need=()
    for p in redis-server redis-tools libclang-dev clang patchelf; do
        dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
    done
    [ ${#need[@]} -eq 0 ] && return
    say "installing apt packages: ${need[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
}

# venv_sync <dir> <requirements>: a venv holding exactly the pinned wheels.
# A stamp with the requirements' checksum makes a rerun a no-op.
venv_sync() {
    local dir="$ROOT/$1" req="$ROOT/scripts/requirements/$2"
    local sum; sum="$(sha256sum "$req" | cut -c1-16)"
    [ -f "$dir/.stamp-$2" ] && [ "$(cat "$dir/.stamp-$2")" = "$sum" ] && return
    [ -x "$dir/bin/python" ] || { say "creating $1"; $PY -m venv "$dir"; }
    if [ "$2" = libs.txt ]; then
        say "downloading libtorch (torch 2.13.0 wheel, ~530 MB), ONNX Runtime 1.31.1, TensorFlow 2.21.0 (tensorflow-cpu wheel, ~274 MB) and LiteRT 2.1.4 (~17 MB); this takes a few minutes the first time"
    else
        say "installing pinned wheels from scripts/requirements/$2 into $1"
    fi
    local t0=$SECONDS
    # pip shows a progress bar on a terminal, and a line per download in CI logs.
    "$dir/bin/pip" install --disable-pip-version-check --no-deps -r "$req" \
        || die "pip install -r $req failed"
    say "done in $((SECONDS - t0))s"
    echo "$sum" > "$dir/.stamp-$2"
}

setup_all() {
    command -v cargo >/dev/null || die "cargo is not installed (install Rust with rustup)"
    setup_apt
    venv_sync .venv libs.txt
    venv_sync .venv test.txt
    venv_sync .venv search.txt   # redisvl + langchain-redis for tests/python/test_ft_*
    venv_sync .venv-redisai redisai.txt
}

# build [cargo args…]: a release build of the module (and the bench tool).
build() {
    if [ ! -d "$CARGO_TARGET_DIR/release/build" ]; then
        say "cold build of the module and its dependencies (libtorch bindings, ONNX Runtime bindings, TensorFlow and LiteRT bindings, redis-module): about 4-8 minutes on 2 cores"
    fi
    local t0=$SECONDS
    (cd "$ROOT" && cargo build --release --workspace "$@") || die "cargo build failed"
    [ $((SECONDS - t0)) -gt 30 ] && say "build done in $((SECONDS - t0))s"
    return 0
}
