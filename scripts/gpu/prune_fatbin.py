#!/usr/bin/env python3
"""In-place pruning of the CUDA fat binaries inside a *shared library* (nvprune only takes relocatable objects).

For every fatbin container in .nv_fatbin, keep only the entries the CUDA driver would load on the target devices
(--targets 80,90: for each target the highest-arch cubin of the same major with arch <= target, else the highest PTX
with arch <= target); a container with no match for any target keeps its smallest entry (so no container is empty).
The kept entries are rewritten compactly at the container's original offset (its start, which the
__fatBinC_Wrapper_t pointers in .nvFatBinSegment point at, does not move) and the header's size is updated;
the freed tail of the container is zero-filled, so the file keeps its size and layout but compresses to the kept part.

Layout read here (little-endian): a container is a 16-byte header {u32 magic 0xBA55ED50, u16 version, u16 header
size, u64 size of the entries that follow}; each entry is {u16 kind (1 PTX, 2 ELF cubin), u16 version, u32 header
size, u64 payload size, ..., u32 arch at offset 28 (e.g. 86 for sm_86)} followed by its payload. Containers are
8-byte aligned, with zero padding between them.

Origin: /work/shared/gpu/prune_fatbin.py, the prototype behind ../../shared/GPU.md (2026-11-26), with which
libnd4jcuda.so and cuBLAS 11.8 were pruned and checked on an H200. Changes here: the pruning of one container is a
function of its own (prune_container, prune_library) so that scripts/gpu/test_gpu_bundle.py can check it on a
constructed container, --targets is validated, and --list prints what a library holds.

usage: prune_fatbin.py IN OUT --targets 80,90 [--keep-ptx]
       prune_fatbin.py --list LIB
"""
import argparse
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50
KIND_PTX, KIND_ELF = 1, 2


def sections(data):
    """{section name: (file offset, size)} of a 64-bit little-endian ELF file."""
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise ValueError('not a 64-bit ELF file')
    e_shoff, = struct.unpack_from('<Q', data, 0x28)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from('<HHH', data, 0x3A)
    hdrs = []
    for i in range(e_shnum):
        o = e_shoff + i * e_shentsize
        name, typ, flags, addr, off, size = struct.unpack_from('<IIQQQQ', data, o)
        hdrs.append((name, off, size))
    stroff = hdrs[e_shstrndx][1]
    out = {}
    for name, off, size in hdrs:
        n = data[stroff + name:data.index(b'\0', stroff + name)].decode()
        out[n] = (off, size)
    return out


def entries_of(buf, p):
    """(header size, size of the entries, [entry dicts: kind, arch, start, length]) of the container at p."""
    magic, ver, hs, fsize = struct.unpack_from('<IHHQ', buf, p)
    if magic != FATBIN_MAGIC:
        raise ValueError('no fatbin container at offset %d' % p)
    q = p + hs
    end = q + fsize
    ents = []
    while q < end:
        kind, _v, ehs, psz = struct.unpack_from('<HHIQ', buf, q)
        arch, = struct.unpack_from('<I', buf, q + 28)
        ents.append(dict(kind=kind, arch=arch, start=q, length=ehs + psz))
        q += ehs + psz
    if q != end:
        raise ValueError('entry sizes of the container at offset %d do not add up' % p)
    return hs, fsize, ents


def entry_name(e):
    return ('ptx' if e['kind'] == KIND_PTX else 'sm') + '_%d' % e['arch']


def containers(buf, off, size):
    """Yields the offsets of the fatbin containers in buf[off:off+size] (skipping alignment padding)."""
    p, end = off, off + size
    while p < end:
        if struct.unpack_from('<I', buf, p)[0] != FATBIN_MAGIC:
            p += 8  # alignment padding between containers
            continue
        yield p
        hs, fsize, _ = entries_of(buf, p)
        p += hs + fsize


def choose(ents, targets, keep_ptx):
    """Indices of the entries the driver would load on the targets (see the module doc)."""
    keep = set()
    for t in targets:
        elfs = [i for i, e in enumerate(ents) if e['kind'] == KIND_ELF and e['arch'] // 10 == t // 10 and e['arch'] <= t]
        ptxs = [i for i, e in enumerate(ents) if e['kind'] == KIND_PTX and e['arch'] <= t]
        if elfs:
            keep.add(max(elfs, key=lambda i: ents[i]['arch']))
            if keep_ptx and ptxs:
                keep.add(max(ptxs, key=lambda i: ents[i]['arch']))
        elif ptxs:
            keep.add(max(ptxs, key=lambda i: ents[i]['arch']))
    return keep


def prune_container(buf, p, targets, keep_ptx=False):
    """Prunes the container at p of the bytearray buf in place; returns (kept entry names, kept bytes, fallback)."""
    hs, fsize, ents = entries_of(buf, p)
    keep = choose(ents, targets, keep_ptx)
    fallback = not keep
    if fallback:
        keep = {min(range(len(ents)), key=lambda i: ents[i]['length'])}
    blob = b''.join(bytes(buf[ents[i]['start']:ents[i]['start'] + ents[i]['length']]) for i in sorted(keep))
    total = hs + fsize
    struct.pack_into('<Q', buf, p + 8, len(blob))
    buf[p + hs:p + hs + len(blob)] = blob
    buf[p + hs + len(blob):p + total] = bytes(total - hs - len(blob))
    return [entry_name(ents[i]) for i in sorted(keep)], hs + len(blob), fallback


def prune_library(buf, targets, keep_ptx=False):
    """Prunes every container of the ELF image in the bytearray buf in place; returns a one-line summary."""
    secs = sections(buf)
    if '.nv_fatbin' not in secs:
        return 'no .nv_fatbin section: left as it is'
    off, size = secs['.nv_fatbin']
    n_cont = kept_bytes = fallback = 0
    stats = {}
    for p in list(containers(buf, off, size)):
        kept, nbytes, fb = prune_container(buf, p, targets, keep_ptx)
        for k in kept:
            stats[k] = stats.get(k, 0) + 1
        kept_bytes += nbytes
        fallback += fb
        n_cont += 1
    return ('%d containers, .nv_fatbin %d -> %d bytes kept, kept entries %s, containers with no target match '
            '(smallest entry kept): %d' % (n_cont, size, kept_bytes, dict(sorted(stats.items())), fallback))


def listing(buf):
    """{entry name: number of containers holding it} of an ELF image, and the number of containers."""
    secs = sections(buf)
    if '.nv_fatbin' not in secs:
        return 0, {}
    off, size = secs['.nv_fatbin']
    stats, n = {}, 0
    for p in containers(buf, off, size):
        n += 1
        for name in sorted({entry_name(e) for e in entries_of(buf, p)[2]}):
            stats[name] = stats.get(name, 0) + 1
    return n, dict(sorted(stats.items(), key=lambda kv: (kv[0][:3], int(kv[0].split('_')[1]))))


def parse_targets(text):
    """'80,86,89' -> [80, 86, 89]; ValueError with the reason on anything else."""
    try:
        targets = [int(x) for x in text.split(',')]
    except ValueError:
        raise ValueError('--targets %r: expected compute capabilities as major*10+minor, comma-separated, e.g. '
                         '80,86,89' % text) from None
    if any(t < 10 or t > 199 for t in targets):
        raise ValueError('--targets %r: each must be major*10+minor, e.g. 86 for compute capability 8.6' % text)
    return targets


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('inp')
    ap.add_argument('out', nargs='?')
    ap.add_argument('--targets')
    ap.add_argument('--keep-ptx', action='store_true', help='also keep the highest PTX next to a matching cubin')
    ap.add_argument('--list', action='store_true', help='only list which entries the containers of IN hold')
    a = ap.parse_args()
    with open(a.inp, 'rb') as f:
        buf = bytearray(f.read())
    if a.list:
        n, stats = listing(buf)
        print('%s: %d containers; containers holding each entry: %s' % (a.inp, n, stats))
        return 0
    if not a.out or not a.targets:
        ap.error('OUT and --targets are needed to prune (or --list)')
    try:
        targets = parse_targets(a.targets)
    except ValueError as e:
        ap.error(str(e))
    summary = prune_library(buf, targets, a.keep_ptx)
    with open(a.out, 'wb') as f:
        f.write(buf)
    print('%s: %s' % (a.inp, summary))
    return 0


if __name__ == '__main__':
    sys.exit(main())
