#!/usr/bin/env python3
"""Splits the GPU bundle's archive into parts of at most a given size, one part per folder p1, p2, ..., with SHA-256
checksums, and puts it back together on the GPU machine: every part is checked, the parts are streamed (never
concatenated on disk) through the xz decompressor into the destination, the archive's own checksum is checked on the
way, and then every unpacked file is checked against the payload's manifest. Python 3 standard library only (the GPU
machine has python3, no Java and maybe no xz).

Written for scripts/gpu-bundle (the split there and the driver run-gpu.sh's unpacking use this same file, and
scripts/gpu/test_gpu_bundle.py checks both ends on a small archive).

  bundle_parts.py split ARCHIVE BUNDLE_DIR --part-bytes N [--first-folder-reserve BYTES]
      BUNDLE_DIR/pK/ARCHIVE_NAME.partNN (K = NN = 1, 2, ...); BUNDLE_DIR/p1/MANIFEST.sha256 lists each part
      ("SHA256  pK/NAME.partNN", the sha256sum -c format, run from BUNDLE_DIR) and the whole archive
      ("SHA256  NAME", checked while streaming). The first part is smaller by --first-folder-reserve, so that p1 also
      has room for the driver script and the probe.
  bundle_parts.py unpack BUNDLE_DIR DEST
      Checks and unpacks as described; DEST/PAYLOAD.sha256 (inside the archive) lists the payload files. Exit 1
      with a message naming the missing or damaged part.
"""
import argparse
import hashlib
import lzma
import os
import sys
import tarfile

MANIFEST = 'MANIFEST.sha256'
PAYLOAD_MANIFEST = 'PAYLOAD.sha256'
CHUNK = 1 << 22


class BundleError(Exception):
    pass


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(CHUNK), b''):
            h.update(b)
    return h.hexdigest()


def split(archive, bundle_dir, part_bytes, first_reserve=0):
    """Writes the parts and the manifest; returns [(relative part path, size)]."""
    if part_bytes <= first_reserve:
        raise BundleError('part size %d leaves no room after the reserve %d' % (part_bytes, first_reserve))
    name = os.path.basename(archive)
    whole = hashlib.sha256()
    parts, lines = [], []
    with open(archive, 'rb') as src:
        k = 0
        while True:
            limit = part_bytes - (first_reserve if k == 0 else 0)
            data = src.read(limit)
            if not data and k > 0:
                break
            k += 1
            rel = 'p%d/%s.part%02d' % (k, name, k)
            os.makedirs(os.path.join(bundle_dir, 'p%d' % k), exist_ok=True)
            with open(os.path.join(bundle_dir, rel), 'wb') as f:
                f.write(data)
            whole.update(data)
            parts.append((rel, len(data)))
            lines.append('%s  %s' % (hashlib.sha256(data).hexdigest(), rel))
            if len(data) < limit:
                break
    lines.append('%s  %s' % (whole.hexdigest(), name))
    os.makedirs(os.path.join(bundle_dir, 'p1'), exist_ok=True)
    with open(os.path.join(bundle_dir, 'p1', MANIFEST), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return parts


def read_manifest(bundle_dir):
    path = os.path.join(bundle_dir, 'p1', MANIFEST)
    if not os.path.exists(path):
        raise BundleError('%s is missing: BUNDLE_DIR must hold the folder p1 of the bundle' % path)
    parts, archive = [], None
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            digest, rel = line.split(None, 1)
            rel = rel.strip()
            if '/' in rel:
                parts.append((digest, rel))
            else:
                archive = (digest, rel)
    if not parts or archive is None:
        raise BundleError('%s lists no parts or no archive checksum' % path)
    return parts, archive


def check_parts(bundle_dir):
    """Checks every part's presence and checksum; returns (part paths in order, (archive digest, archive name))."""
    parts, archive = read_manifest(bundle_dir)
    missing = [rel for _, rel in parts if not os.path.isfile(os.path.join(bundle_dir, rel))]
    if missing:
        raise BundleError('missing part(s) %s: copy every folder p1..p%d of the bundle next to each other into %s'
                          % (', '.join(missing), len(parts), bundle_dir))
    for digest, rel in parts:
        if sha256_of(os.path.join(bundle_dir, rel)) != digest:
            raise BundleError('part %s is damaged (its SHA-256 differs from %s): copy it again'
                              % (rel, os.path.join('p1', MANIFEST)))
    return [os.path.join(bundle_dir, rel) for _, rel in parts], archive


class _Concat:
    """A read-only stream over the parts in order, hashing what it yields."""

    def __init__(self, paths):
        self.paths = list(paths)
        self.f = None
        self.sha = hashlib.sha256()

    def read(self, n=-1):
        while True:
            if self.f is None:
                if not self.paths:
                    return b''
                self.f = open(self.paths.pop(0), 'rb')
            b = self.f.read(CHUNK if n is None or n < 0 else n)
            if b:
                self.sha.update(b)
                return b
            self.f.close()
            self.f = None

    def drain(self):
        while self.read(CHUNK):
            pass


def unpack(bundle_dir, dest):
    """Checks the parts, unpacks the archive into dest, checks the archive and payload checksums."""
    paths, (digest, name) = check_parts(bundle_dir)
    os.makedirs(dest, exist_ok=True)
    stream = _Concat(paths)
    with lzma.open(stream) as xz, tarfile.open(fileobj=xz, mode='r|') as tar:
        for member in tar:
            if member.name.startswith('/') or '..' in member.name.split('/'):
                raise BundleError('unsafe path in the archive: %s' % member.name)
            tar.extract(member, dest, set_attrs=True, **({'filter': 'tar'} if hasattr(tarfile, 'tar_filter') else {}))
    stream.drain()
    if stream.sha.hexdigest() != digest:
        raise BundleError('the reassembled archive %s has a different SHA-256 than %s lists' % (name, MANIFEST))
    payload = os.path.join(dest, PAYLOAD_MANIFEST)
    if not os.path.exists(payload):
        raise BundleError('%s has no %s' % (name, PAYLOAD_MANIFEST))
    n = 0
    with open(payload) as f:
        for line in f:
            if line.strip():
                d, rel = line.split(None, 1)
                rel = rel.strip()
                if sha256_of(os.path.join(dest, rel)) != d:
                    raise BundleError('unpacked file %s differs from %s' % (rel, PAYLOAD_MANIFEST))
                n += 1
    return len(paths), n


def write_payload_manifest(root):
    """Writes root/PAYLOAD.sha256 over every regular file under root (used by scripts/gpu-bundle)."""
    lines = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for fn in sorted(files):
            p = os.path.join(d, fn)
            rel = os.path.relpath(p, root)
            if rel != PAYLOAD_MANIFEST and os.path.isfile(p) and not os.path.islink(p):
                lines.append('%s  %s' % (sha256_of(p), rel))
    with open(os.path.join(root, PAYLOAD_MANIFEST), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return len(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('split')
    s.add_argument('archive')
    s.add_argument('bundle_dir')
    s.add_argument('--part-bytes', type=int, required=True)
    s.add_argument('--first-folder-reserve', type=int, default=0)
    u = sub.add_parser('unpack')
    u.add_argument('bundle_dir')
    u.add_argument('dest')
    m = sub.add_parser('payload-manifest')
    m.add_argument('root')
    a = ap.parse_args()
    try:
        if a.cmd == 'split':
            for rel, n in split(a.archive, a.bundle_dir, a.part_bytes, a.first_folder_reserve):
                print('%s %d bytes (%.1f MiB)' % (rel, n, n / 2**20))
        elif a.cmd == 'unpack':
            nparts, nfiles = unpack(a.bundle_dir, a.dest)
            print('%d parts checked and unpacked into %s; %d files match %s' % (nparts, a.dest, nfiles,
                                                                               PAYLOAD_MANIFEST))
        else:
            print('%d files listed in %s' % (write_payload_manifest(a.root), os.path.join(a.root, PAYLOAD_MANIFEST)))
    except BundleError as e:
        print('bundle_parts.py %s: %s' % (a.cmd, e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
