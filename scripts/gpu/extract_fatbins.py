#!/usr/bin/env python3
"""Writes the N smallest fatbin containers of a shared library's .nv_fatbin section to OUTDIR/<prefix>-<i>.fatbin,
optionally only containers holding an entry for --need-arch (e.g. 90), and prints what each holds. With --controls,
also writes the probe's controls cut from the smallest container that holds an sm_80 cubin, an sm_90 cubin and a PTX
entry: ctl-<prefix>-sm80-only, -sm90-only and -ptx-only (one entry each): on a GPU of compute capability 9.0 the
driver loads the second and third and refuses the first with CUDA_ERROR_NO_BINARY_FOR_GPU, which shows that the
probe tells the two cases apart.

Origin: /work/shared/gpu/extract_fatbins.py (the prototype behind ../../shared/GPU.md, 2026-11-26); --controls is new
here (the prototype's controls were cut by hand).

usage: extract_fatbins.py LIB OUTDIR PREFIX N [--need-arch 90] [--controls]
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prune_fatbin import KIND_ELF, KIND_PTX, containers, entries_of, entry_name, sections  # noqa: E402


def single_entry_container(buf, p, entry):
    """A container holding only `entry` of the container at p (same header, size field rewritten)."""
    hs = struct.unpack_from('<H', buf, p + 6)[0]
    head = bytearray(buf[p:p + hs])
    struct.pack_into('<Q', head, 8, entry['length'])
    return bytes(head) + bytes(buf[entry['start']:entry['start'] + entry['length']])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('lib')
    ap.add_argument('outdir')
    ap.add_argument('prefix')
    ap.add_argument('n', type=int)
    ap.add_argument('--need-arch', type=int)
    ap.add_argument('--controls', action='store_true')
    a = ap.parse_args()
    with open(a.lib, 'rb') as f:
        buf = f.read()
    off, size = sections(buf)['.nv_fatbin']
    found, control_source = [], None
    for p in containers(buf, off, size):
        hs, fsize, ents = entries_of(buf, p)
        if a.need_arch is None or any(e['arch'] == a.need_arch for e in ents):
            found.append((hs + fsize, p, [entry_name(e) for e in ents]))
        names = {entry_name(e) for e in ents}
        if {'sm_80', 'sm_90'} <= names and any(e['kind'] == KIND_PTX for e in ents):
            if control_source is None or hs + fsize < control_source[0]:
                control_source = (hs + fsize, p, ents)
    os.makedirs(a.outdir, exist_ok=True)
    for i, (n, p, archs) in enumerate(sorted(found)[:a.n]):
        name = os.path.join(a.outdir, '%s-%d.fatbin' % (a.prefix, i))
        with open(name, 'wb') as f:
            f.write(buf[p:p + n])
        print(name, n, 'bytes:', ' '.join(archs))
    if a.controls:
        if control_source is None:
            print('%s: no container holds sm_80, sm_90 and PTX: no controls written' % a.lib, file=sys.stderr)
            return 1
        _, p, ents = control_source
        picks = {
            'sm80-only': next(e for e in ents if e['kind'] == KIND_ELF and e['arch'] == 80),
            'sm90-only': next(e for e in ents if e['kind'] == KIND_ELF and e['arch'] == 90),
            'ptx-only': max((e for e in ents if e['kind'] == KIND_PTX), key=lambda e: e['arch']),
        }
        for label, e in picks.items():
            name = os.path.join(a.outdir, 'ctl-%s-%s.fatbin' % (a.prefix, label))
            data = single_entry_container(buf, p, e)
            with open(name, 'wb') as f:
                f.write(data)
            print(name, len(data), 'bytes:', entry_name(e))
    return 0


if __name__ == '__main__':
    sys.exit(main())
