#!/usr/bin/env bash
# sheetlab CUDA bundle driver (built by scripts/gpu-bundle; ND4J nd4j-cuda-11.6 1.0.0-M2.1, a jlinked JDK 17,
# cuBLAS/cuSOLVER/cudart 11.8 from Debian non-free, every fat binary pruned to the architectures in BUILD.txt).
# Adapted from /work/shared/gpu/run-gpu.sh (the prototype behind ../shared/GPU.md): the unpacking is
# bundle_parts.py's (every part and every unpacked file checked), the sheetlab start-up check runs first in Java.
#
# Run from the folder that holds the part folders (p1 .. pN):   bash p1/run-gpu.sh
# Steps: (0) nvidia-smi and the driver-level probe (can this GPU load ND4J's kernels? seconds, needs p1 only);
# (1) check and unpack the parts; (2) count (CUDA start-up check, no training), a short bench of final-q5 (the ND4J
# smoke test); (3) final-q5 for one epoch (three if one is fast), the default bench; (4) the pooling benchmark and a
# short pooling run. Everything is logged to $OUT/gpu.log ($OUT defaults to ./out); run folders go to $OUT/runs/.
# Knobs (environment): PROBE_ONLY=1 (step 0 only), FORCE=1 (train even when the smoke test fails), BUDGET_S (seconds
#   for the Java steps, default 600), WORK (unpack folder, default ${TMPDIR:-$PWD}/sheetlab-gpu), KEEP_MODELS=1 (keep
#   *.zip in $OUT), EXTRA_JAVA_OPTS, JAVA_WRAPPER (a command put before every java, e.g. "flock FILE").
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${OUT:-$PWD/out}
WORK=${WORK:-${TMPDIR:-$PWD}/sheetlab-gpu}
BUDGET_S=${BUDGET_S:-600}
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)
WORK=$(cd "$WORK" && pwd)
LOG=$OUT/gpu.log

say() { printf '\n=== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# Runs a step with a time limit taken from what is left of BUDGET_S; returns its exit code (124 = timed out).
step() {
    local limit=$1; shift
    local left=$((BUDGET_S - (SECONDS - JAVA_T0)))
    if [ "$left" -lt 20 ]; then echo "(skipped: only ${left}s of BUDGET_S left)"; return 125; fi
    [ "$limit" -gt "$left" ] && limit=$left
    # timed inside JAVA_WRAPPER, so that the time shown is the step's own, not the wait for a wrapper's lock
    # shellcheck disable=SC2086,SC2016
    ${JAVA_WRAPPER:-} bash -c 'limit=$1; shift; t0=$SECONDS; timeout -k 10 "$limit" "$@"; rc=$?
        echo "(exit $rc after $((SECONDS - t0)) s, limit $limit s)"; exit $rc' step "$limit" "$@"
}

show_run() {  # show_run RUNDIR: backend and final metrics from run.json, epochs from metrics.json
    python3 - "$1" <<'EOF'
import json, os, sys
d = sys.argv[1]
try:
    r = json.load(open(os.path.join(d, 'run.json')))
except Exception as e:
    print('no run.json in', d, e); sys.exit(0)
p = r.get('provenance', {})
print('run.json: status=%s backend=%s nd4jArtifact=%s' % (r.get('status'), p.get('backend'), p.get('nd4jArtifact')))
print('nd4jEnvironment:', json.dumps(p.get('nd4jEnvironment'))[:600])
print('final:', json.dumps(r.get('final') or r.get('results') or {})[:800])
m = os.path.join(d, 'metrics.json')
if os.path.exists(m):
    print('metrics.json:', open(m).read()[:1500])
EOF
}

main() {
    say "sheetlab CUDA bundle: $(hostname) $(uname -r); parts in $ROOT; unpack to $WORK; OUT=$OUT"
    cat "$HERE/BUILD.txt" 2>/dev/null
    command -v python3 >/dev/null || { echo "python3 is needed (the probe and the unpacking)"; return 1; }
    nvidia-smi -L 2>&1 || echo "nvidia-smi -L failed"
    nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv 2>/dev/null || true
    grep -E '^(PRETTY_NAME)=' /etc/os-release 2>/dev/null; ldd --version 2>/dev/null | head -1

    say "(0) driver-level probe: can this GPU load ND4J's kernel modules? (cuModuleLoadData on fatbins cut from the libs)"
    (cd "$HERE/probe" && python3 probe_fatbins.py nd4j-*.fatbin cublas-*.fatbin ctl-*.fatbin) || echo "probe failed"
    echo "expected: nd4j-* -> CUDA_SUCCESS on compute capability 3.7-8.9, 209 CUDA_ERROR_NO_BINARY_FOR_GPU on 9.0 and"
    echo "newer (cubins sm_37..sm_86 only, no PTX); cublas-* -> 0; ctl-*-sm80-only -> 0 only on 8.x; sm90-only -> 0 only"
    echo "on 9.0; ptx-only -> 0 on 9.0 and newer."
    [ "${PROBE_ONLY:-0}" = 1 ] && { say "PROBE_ONLY=1: done"; return 0; }

    say "(1) checking every part, unpacking, checking every unpacked file"
    local stamp; stamp=$(sha256sum "$HERE/MANIFEST.sha256" 2>/dev/null | cut -c1-16)
    if [ -n "$stamp" ] && [ -f "$WORK/.unpacked-$stamp" ]; then
        echo "already unpacked in $WORK"
    else
        local t0=$SECONDS
        rm -rf "$WORK/lib" "$WORK/jre" "$WORK/syslib" "$WORK/fonts" "$WORK/data" "$WORK/sheetlab.jar" "$WORK"/.unpacked-*
        python3 "$HERE/bundle_parts.py" unpack "$ROOT" "$WORK" || return 1
        touch "$WORK/.unpacked-$stamp"
        echo "unpacked in $((SECONDS - t0)) s"; du -sh "$WORK"/lib "$WORK"/jre "$WORK"/sheetlab.jar 2>/dev/null
    fi

    say "environment"
    local LIB=$WORK/lib
    export LD_LIBRARY_PATH=$LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    # The runtime's font/image libraries: the system's where complete, else the bundled copies (from the build
    # machine's Debian; need a glibc at least as new).
    if ldd "$WORK"/jre/lib/*.so 2>/dev/null | grep 'not found' | grep -v -E 'libjvm.so|libawt' >/dev/null; then
        export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:$WORK/syslib
        echo "using the bundled libraries in $WORK/syslib"
    fi
    mkdir -p "$WORK/fc-cache"
    cat > "$WORK/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$WORK/fonts</dir><dir>/usr/share/fonts</dir><cachedir>$WORK/fc-cache</cachedir></fontconfig>
EOF
    export FONTCONFIG_FILE=$WORK/fonts.conf
    export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}   # as scripts/sheetlab
    export SHEETLAB_DATA=$WORK/data
    local JAVA="$WORK/jre/bin/java"
    local OPTS="-Xmx2g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=8G"
    OPTS="$OPTS --add-modules jdk.incubator.vector -Djava.awt.headless=true"
    OPTS="$OPTS -Djava.library.path=$LIB -Dorg.bytedeco.javacpp.pathsFirst=true"
    OPTS="$OPTS -Dorg.bytedeco.javacpp.cachedir=$WORK/javacpp-cache ${EXTRA_JAVA_OPTS:-}"
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; echo "java opts: $OPTS"
    say "(1b) native libraries: loading ND4J's CUDA library and its dependencies (dlopen through python3's ctypes)"
    # The same dynamic loading JavaCPP does, without the JVM: every bundled library must resolve and initialise on
    # this machine (glibc new enough, libcuda.so.1 present), before any GPU is touched.
    LD_LIBRARY_PATH=$LD_LIBRARY_PATH ldd "$LIB/libjnind4jcuda.so" | grep -E 'libcu|nd4j|not found' | sed 's/^\s*/  /'
    if ! python3 -c "import ctypes, sys; ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)" "$LIB/libjnind4jcuda.so"; then
        echo "a bundled library does not load on this machine (the error above): nothing more to run"
        return 1
    fi
    echo "libjnind4jcuda.so, libnd4jcuda.so, cuBLAS, cuBLASLt, cuSOLVER and the driver's libcuda.so.1 load"
    local -a sl
    # shellcheck disable=SC2206
    sl=("$JAVA" $OPTS -jar "$WORK/sheetlab.jar")
    "$JAVA" -version 2>&1 | head -1
    JAVA_T0=$SECONDS
    local R=$OUT/runs; mkdir -p "$R"

    say "(2) sheetlab's CUDA start-up check (count: no training), then the ND4J smoke test: bench final-q5, 20 batches"
    step 60 "${sl[@]}" count final-q5 --input 400
    local check=$?
    if [ "$check" = 2 ] && [ "${FORCE:-0}" != 1 ]; then
        say "sheetlab's start-up check refused this machine (exit 2, the line above): nothing more to run (FORCE=1 runs it anyway)"
        return 2
    fi
    step 150 "${sl[@]}" bench final-q5 --batches 20 --warmup 5
    local smoke=$?
    if [ "$smoke" != 0 ] && [ "${FORCE:-0}" != 1 ]; then
        say "ND4J CUDA smoke test failed (exit $smoke): skipping training (FORCE=1 runs it anyway)"
        return 2
    fi

    say "(3) final-q5, 1 epoch"
    local t0=$SECONDS
    step 180 "${sl[@]}" final-q5 --epochs 1 --quiet --output-dir "$R/final-q5-e1"
    show_run "$R/final-q5-e1"
    if [ $((SECONDS - t0)) -lt 40 ]; then
        say "(3b) final-q5, 3 epochs (1 epoch was fast)"
        step 180 "${sl[@]}" final-q5 --epochs 3 --quiet --output-dir "$R/final-q5-e3"
        show_run "$R/final-q5-e3"
    fi
    say "(3c) bench final-q5 (default 400 timed batches, as bench/results)"
    step 120 "${sl[@]}" bench final-q5

    say "(4) pooling: bench pooling (50 timed calls) + pooling experiment, 50 batches"
    step 90 "${sl[@]}" bench pooling --batches 50 --warmup 10
    step 150 "${sl[@]}" pooling --epochs 1 --max-batches 50 --quiet --output-dir "$R/pooling"
    show_run "$R/pooling"
    [ -f "$R/pooling/summary.txt" ] && cat "$R/pooling/summary.txt"
    return 0
}

main "$@" 2>&1 | tee -a "$LOG"
rc=${PIPESTATUS[0]}
[ "${KEEP_MODELS:-0}" = 1 ] || find "$OUT" -name '*.zip' -delete 2>/dev/null
echo "run-gpu.sh exit $rc; log $LOG" | tee -a "$LOG"
exit "$rc"
