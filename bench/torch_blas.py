"""The BLAS under the PyTorch peers, as it really runs. Debian's python3-torch is built with BLAS_INFO=generic: it
calls the system's libblas.so.3 (Debian: OpenBLAS, libopenblas0-pthread), whose own pthread pool is sized by
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS or the core count, not by torch.set_num_threads. So a peer run "at 1 thread"
(torch.set_num_threads(1)) still multiplies on as many OpenBLAS threads as cores (checked on the 2-vCPU Xeon,
2026-12-06: 2 OS threads both busy in torch.mm; 1 with OPENBLAS_NUM_THREADS=1). These helpers read and set that
pool through the OpenBLAS already mapped into this process."""
import ctypes


def _openblas():
    """The OpenBLAS mapped into this process (ctypes handle, path), or (None, None) where there is none."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "libopenblas" in line and "/" in line})
    except OSError:
        return None, None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)  # the mapped file: dlopen hands back the loaded library
            lib.openblas_get_num_threads.restype = ctypes.c_int
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib, path
        except (OSError, AttributeError):
            continue
    return None, None


def set_blas_threads(n):
    """Sizes the OpenBLAS pool (n >= 1); False where no OpenBLAS is mapped."""
    lib, _ = _openblas()
    if lib is None:
        return False
    lib.openblas_set_num_threads(ctypes.c_int(n))
    return True


def blas_info():
    """{"blas": build string and file, "blasThreads": its pool size now}; the BLAS threads are null where unknown."""
    lib, path = _openblas()
    if lib is None:
        return {"blas": "no OpenBLAS mapped (BLAS unknown)", "blasThreads": None}
    return {"blas": f"{lib.openblas_get_config().decode().strip()}, {path}",
            "blasThreads": lib.openblas_get_num_threads()}
