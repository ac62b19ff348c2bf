# shellcheck shell=bash
#
# One-time (and every-time) set-up for OneRecord, sourced by scripts/start and scripts/test:
#
#     source scripts/bootstrap.sh && onerecord_bootstrap start|test|build
#
# or run directly:  bash scripts/bootstrap.sh start|test|build
#
# From a clean clone on Debian/Ubuntu with Python 3.11+ it:
#   1. finds python3.13 / python3.12 / python3.11 / python3 (>= 3.11) in PATH
#      (ONERECORD_PYTHON=/path/to/python overrides the search);
#   2. checks the Debian packages the mode needs with dpkg-query and installs only the
#      missing ones (root: one `apt-get update`, then `apt-get install`; not root: prints
#      the exact sudo line and exits 1), including python3.X-venv when `python -m venv`
#      cannot work without it;
#   3. creates the virtual environment (ONERECORD_VENV, default <repo>/.venv) if missing;
#   4. runs `pip install -e ".[dev,build]"` whenever pyproject.toml (or the repo path, or the
#      Python) changed since the last successful install: the hash lives in
#      <venv>/.onerecord-installed.
#
# Safe under `set -euo pipefail`. Afterwards the caller has, exported:
#   ONERECORD_ROOT      absolute path of the repository
#   ONERECORD_VENV_DIR  absolute path of the virtual environment
#   ONERECORD_PY        the virtual environment's python

ONERECORD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ONERECORD_ROOT

_or_say() { printf 'bootstrap: %s\n' "$*" >&2; }
_or_die() {
    _or_say "$*"
    exit 1
}

# --- what the system must have, by mode ------------------------------------------------

# Qt's offscreen platform (tests, headless runs); without the fonts every glyph is a box.
_OR_PKGS_QT_OFFSCREEN=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfreetype6 libfontconfig1
    libdbus-1-3 fontconfig-config fonts-dejavu-core)
# A real window on X11 (xcb), also what Xvfb needs.
_OR_PKGS_QT_XCB=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
    libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0
    libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libx11-xcb1)
# A virtual screen: screenshots in tests, `xvfb-run -a scripts/start` on a headless machine.
_OR_PKGS_XVFB=(xvfb xauth)
# Tests only: pdftoppm/pdftotext for the PDF tests, PostgreSQL for the sync server's suite.
_OR_PKGS_TEST_ONLY=(poppler-utils postgresql)
# PyInstaller (scripts/build, and the built app's test) reads binaries with objdump.
_OR_PKGS_BUILD=(binutils)

# Prints the Debian packages a mode needs, one a line.
onerecord_system_packages() {
    local mode="${1:-}"
    case "$mode" in
        start)
            printf '%s\n' "${_OR_PKGS_QT_OFFSCREEN[@]}" "${_OR_PKGS_QT_XCB[@]}"
            # No screen: the start script will suggest xvfb-run, so make that work.
            if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
                printf '%s\n' "${_OR_PKGS_XVFB[@]}"
            fi
            ;;
        test)
            printf '%s\n' "${_OR_PKGS_QT_OFFSCREEN[@]}" "${_OR_PKGS_QT_XCB[@]}" \
                "${_OR_PKGS_XVFB[@]}" "${_OR_PKGS_TEST_ONLY[@]}" "${_OR_PKGS_BUILD[@]}"
            ;;
        build)
            printf '%s\n' "${_OR_PKGS_QT_OFFSCREEN[@]}" "${_OR_PKGS_QT_XCB[@]}" \
                "${_OR_PKGS_BUILD[@]}"
            ;;
        *)
            _or_die "unknown mode '$mode' (expected 'start', 'test' or 'build')"
            ;;
    esac
}

# Prints, one a line, those of the given packages that dpkg does not have installed.
# Ubuntu 24.04 renamed some libraries with a t64 suffix (libglib2.0-0t64): either counts.
_or_missing_packages() {
    local -A installed=()
    local name status pkg
    local -a query=()
    for pkg in "$@"; do
        query+=("$pkg" "${pkg}t64")
    done
    while IFS=$'\t' read -r name status; do
        if [[ "$status" == "install ok installed" ]]; then
            installed["$name"]=1
        fi
    done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${query[@]}" 2>/dev/null || true)
    for pkg in "$@"; do
        if [[ -z "${installed[$pkg]:-}" && -z "${installed[${pkg}t64]:-}" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

_OR_APT_UPDATED=""

# Installs Debian packages (root), or prints the sudo line and exits 1 (not root).
_or_apt_install() {
    if [[ "$(id -u)" -ne 0 ]]; then
        _or_die "missing system packages; install them with:  sudo apt-get install -y --no-install-recommends $*"
    fi
    command -v apt-get >/dev/null 2>&1 \
        || _or_die "missing system packages ($*) and no apt-get to install them with"
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/onerecord-apt.XXXXXX")"
    _or_say "installing system packages: $*"
    if [[ -z "$_OR_APT_UPDATED" ]]; then
        if ! DEBIAN_FRONTEND=noninteractive apt-get update </dev/null >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            _or_die "apt-get update failed (full log: $log)"
        fi
        _OR_APT_UPDATED=1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
        </dev/null >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        _or_die "apt-get install failed (full log: $log)"
    fi
    rm -f "$log"
}

# --- Python -------------------------------------------------------------------------------

_or_python_ok() { # $1 = interpreter; true if it runs and is >= 3.11
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

# Sets ONERECORD_BASE_PYTHON to the newest suitable python3 in PATH.
_or_find_python() {
    local cand path
    if [[ -n "${ONERECORD_PYTHON:-}" ]]; then
        _or_python_ok "$ONERECORD_PYTHON" \
            || _or_die "ONERECORD_PYTHON=$ONERECORD_PYTHON is not a working Python 3.11 or newer"
        ONERECORD_BASE_PYTHON="$ONERECORD_PYTHON"
        return 0
    fi
    for cand in python3.13 python3.12 python3.11 python3; do
        path="$(command -v "$cand" 2>/dev/null || true)"
        # `command -v` alone is not enough: a pyenv shim exists for versions it lacks.
        if [[ -n "$path" ]] && _or_python_ok "$path"; then
            ONERECORD_BASE_PYTHON="$path"
            return 0
        fi
    done
    _or_die "OneRecord needs Python 3.11 or newer (python3.13, python3.12, python3.11 or python3 in PATH); on Debian/Ubuntu: sudo apt-get install -y python3 python3-venv"
}

# True if the virtual environment is usable: a python >= 3.11 with pip.
_or_venv_ok() {
    [[ -x "$ONERECORD_VENV_DIR/bin/python" ]] \
        && "$ONERECORD_VENV_DIR/bin/python" -c \
            'import sys; assert sys.version_info >= (3, 11); import pip' >/dev/null 2>&1
}

_OR_VENV_ERROR=""

# Tries to (re)create the virtual environment; on failure keeps the error in _OR_VENV_ERROR
# and removes what it half-made.
_or_make_venv() {
    local existed=""
    [[ -e "$ONERECORD_VENV_DIR" ]] && existed=1
    if [[ -n "$existed" && ! -f "$ONERECORD_VENV_DIR/pyvenv.cfg" ]] \
        && [[ -n "$(ls -A "$ONERECORD_VENV_DIR" 2>/dev/null)" ]]; then
        _or_die "$ONERECORD_VENV_DIR exists and is not a virtual environment: move it away or set ONERECORD_VENV"
    fi
    if _OR_VENV_ERROR="$("$ONERECORD_BASE_PYTHON" -m venv --clear "$ONERECORD_VENV_DIR" 2>&1)"; then
        _OR_VENV_ERROR=""
        return 0
    fi
    [[ -z "$existed" ]] && rm -rf "$ONERECORD_VENV_DIR"
    return 1
}

# Prints the Debian package that gives the base python a working `-m venv`, if it is a
# dpkg-managed python (Debian ships ensurepip separately); prints nothing otherwise.
_or_venv_package() {
    command -v dpkg >/dev/null 2>&1 || return 0
    local real minor
    real="$("$ONERECORD_BASE_PYTHON" -c 'import os, sys; print(os.path.realpath(sys.executable))')"
    minor="$("$ONERECORD_BASE_PYTHON" -c 'import sys; print(sys.version_info[1])')"
    if dpkg -S "$real" >/dev/null 2>&1; then
        printf 'python3.%s-venv\n' "$minor"
    fi
}

# The fingerprint of what was installed: pyproject.toml, where the repo is (editable
# install), and which python the venv runs.
_or_install_fingerprint() {
    "$ONERECORD_PY" - "$ONERECORD_ROOT" <<'PY'
import hashlib
import sys
from pathlib import Path

root = Path(sys.argv[1])
digest = hashlib.sha256()
digest.update((root / "pyproject.toml").read_bytes())
digest.update(str(root).encode())
digest.update(sys.version.encode())
print(digest.hexdigest())
PY
}

_or_pip_install() {
    local stamp="$ONERECORD_VENV_DIR/.onerecord-installed"
    local log="$ONERECORD_VENV_DIR/.onerecord-pip.log"
    local want
    want="$(_or_install_fingerprint)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    _or_say "installing Python packages into $ONERECORD_VENV_DIR (pip install -e \".[dev,build]\"; a few minutes the first time)"
    rm -f "$stamp"
    if ! (
        cd "$ONERECORD_ROOT"
        export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
        "$ONERECORD_PY" -m pip install --upgrade pip \
            && "$ONERECORD_PY" -m pip install -e ".[dev,build]"
    ) </dev/null >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        _or_die "pip install failed (full log: $log)"
    fi
    printf '%s\n' "$want" >"$stamp"
}

# --- the whole set-up ---------------------------------------------------------------------

onerecord_bootstrap() {
    local mode="${1:-}"
    local -a wanted=() missing=()
    local venv_pkg="" need_venv=""

    case "$mode" in
        start | test | build) ;;
        *) _or_die "unknown mode '$mode' (expected 'start', 'test' or 'build')" ;;
    esac

    _or_find_python

    ONERECORD_VENV_DIR="${ONERECORD_VENV:-$ONERECORD_ROOT/.venv}"
    [[ "$ONERECORD_VENV_DIR" == /* ]] || ONERECORD_VENV_DIR="$PWD/$ONERECORD_VENV_DIR"
    if command -v realpath >/dev/null 2>&1; then
        ONERECORD_VENV_DIR="$(realpath -m "$ONERECORD_VENV_DIR")"
    fi
    export ONERECORD_VENV_DIR
    ONERECORD_PY="$ONERECORD_VENV_DIR/bin/python"
    export ONERECORD_PY

    mapfile -t wanted < <(onerecord_system_packages "$mode")

    if command -v dpkg-query >/dev/null 2>&1; then
        mapfile -t missing < <(_or_missing_packages "${wanted[@]}")
    else
        _or_say "warning: no dpkg here, so system libraries were not checked (Qt needs: ${wanted[*]})"
    fi

    if ! _or_venv_ok; then
        need_venv=1
        if _or_make_venv; then
            need_venv=""
        else
            venv_pkg="$(_or_venv_package)"
            if [[ -z "$venv_pkg" ]]; then
                printf '%s\n' "$_OR_VENV_ERROR" | tail -n 5 >&2
                _or_die "'$ONERECORD_BASE_PYTHON -m venv' does not work"
            fi
            missing+=("$venv_pkg")
        fi
    fi

    if [[ ${#missing[@]} -gt 0 ]]; then
        _or_apt_install "${missing[@]}"
    fi

    if [[ -n "$need_venv" ]] && ! _or_make_venv; then
        printf '%s\n' "$_OR_VENV_ERROR" | tail -n 5 >&2
        _or_die "'$ONERECORD_BASE_PYTHON -m venv' still fails after installing $venv_pkg"
    fi

    _or_pip_install
}

# Run directly (not sourced): bash scripts/bootstrap.sh start|test
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    onerecord_bootstrap "$@"
fi
