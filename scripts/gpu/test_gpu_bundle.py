#!/usr/bin/env python3
"""Fast checks of scripts/gpu-bundle's pieces, no GPU, no network, no Java, no pytest (python3 -m unittest; run by
scripts/test before Maven, a few seconds): the --arch validation, the fat-binary pruner on a small constructed ELF
with a .nv_fatbin section, and the split / reassemble / checksum round trip of bundle_parts.py, damaged and missing
parts included. The full bundle (about 1 GB of CUDA natives downloaded, minutes) is checked by
`scripts/gpu-bundle --self-test`, whose recorded output is bench/results/gpu-bundle-selftest.txt.

usage: python3 scripts/gpu/test_gpu_bundle.py [-v]
"""
import hashlib
import io
import lzma
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import bundle_parts  # noqa: E402
import extract_fatbins  # noqa: E402
import prune_fatbin  # noqa: E402

ENTRY_HEADER = 64


def rd(path):
    with open(path, 'rb') as f:
        return f.read()


def wr(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def entry(kind, arch, payload):
    """A fatbin entry as nvcc writes it: kind, version, header size, payload size, ..., arch at offset 28."""
    head = bytearray(ENTRY_HEADER)
    struct.pack_into('<HHIQ', head, 0, kind, 0x101, ENTRY_HEADER, len(payload))
    struct.pack_into('<I', head, 28, arch)
    return bytes(head) + payload


def container(entries):
    body = b''.join(entries)
    return struct.pack('<IHHQ', prune_fatbin.FATBIN_MAGIC, 1, 16, len(body)) + body


def elf_with_fatbin(fatbin, before=b'TEXT' * 16):
    """A minimal 64-bit ELF: a .text-like blob, the .nv_fatbin section, .shstrtab and the section headers."""
    shstr = b'\0.text\0.nv_fatbin\0.shstrtab\0'
    text_off = 64
    fat_off = text_off + len(before)
    fat_off += (-fat_off) % 8
    str_off = fat_off + len(fatbin)
    sh_off = str_off + len(shstr)
    sh_off += (-sh_off) % 8
    data = bytearray(sh_off + 4 * 64)
    data[:4] = b'\x7fELF'
    data[4] = 2  # 64-bit
    data[5] = 1  # little-endian
    struct.pack_into('<Q', data, 0x28, sh_off)
    struct.pack_into('<HHH', data, 0x3A, 64, 4, 3)
    data[text_off:text_off + len(before)] = before
    data[fat_off:fat_off + len(fatbin)] = fatbin
    data[str_off:str_off + len(shstr)] = shstr
    for i, (name, off, size) in enumerate([(0, 0, 0), (1, text_off, len(before)), (7, fat_off, len(fatbin)),
                                           (18, str_off, len(shstr))]):
        struct.pack_into('<IIQQQQ', data, sh_off + 64 * i, name, 1, 0, 0, off, size)
    return bytes(data), fat_off


def payload(tag, n=40):
    return (tag.encode() * n)[:n * 4]


class PrunerTest(unittest.TestCase):
    def setUp(self):
        # container A: sm_50, sm_80, sm_86 and PTX 8.0 (like ND4J's plus a PTX); container B: sm_37 only (no match
        # for 8.x: the smallest entry stays); 8 bytes of alignment padding between them
        self.a = container([entry(2, 50, payload('a50')), entry(2, 80, payload('a80')), entry(2, 86, payload('a86')),
                            entry(1, 80, payload('aptx80', 30))])
        self.b = container([entry(2, 37, payload('b37', 10))])
        self.fat = self.a + bytes(8) + self.b
        self.elf, self.fat_off = elf_with_fatbin(self.fat)

    def pruned(self, targets, keep_ptx=False):
        buf = bytearray(self.elf)
        summary = prune_fatbin.prune_library(buf, targets, keep_ptx)
        return buf, summary

    def kept(self, buf, p):
        return [(e['kind'], e['arch'], bytes(buf[e['start'] + ENTRY_HEADER:e['start'] + e['length']]))
                for e in prune_fatbin.entries_of(buf, p)[2]]

    def test_keeps_the_cubins_the_driver_would_load_and_nothing_else(self):
        buf, summary = self.pruned([80, 86, 89])
        # 8.0 -> sm_80; 8.6 and 8.9 -> sm_86 (same major, highest minor not above); no PTX without --keep-ptx
        self.assertEqual(self.kept(buf, self.fat_off), [(2, 80, payload('a80')), (2, 86, payload('a86'))])
        self.assertIn('containers with no target match (smallest entry kept): 1', summary)

    def test_layout_is_kept_so_the_wrapper_pointers_stay_valid(self):
        buf, _ = self.pruned([80])
        self.assertEqual(len(buf), len(self.elf))
        outside = slice(0, self.fat_off)
        self.assertEqual(buf[outside], self.elf[outside])  # bytes before .nv_fatbin untouched
        after = self.fat_off + len(self.fat)
        self.assertEqual(buf[after:], self.elf[after:])  # .shstrtab and section headers untouched
        # container B still starts where it did (its wrapper pointer), the freed tail of A is zeros
        b_off = self.fat_off + len(self.a) + 8
        self.assertEqual(struct.unpack_from('<I', buf, b_off)[0], prune_fatbin.FATBIN_MAGIC)
        hs, size, _ = prune_fatbin.entries_of(buf, self.fat_off)
        self.assertEqual(size, ENTRY_HEADER + len(payload('a80')))
        self.assertEqual(set(buf[self.fat_off + hs + size:b_off]), {0})
        self.assertEqual(self.kept(buf, b_off), [(2, 37, payload('b37', 10))])

    def test_ptx_is_the_fallback_for_a_newer_major_and_kept_on_request(self):
        buf, _ = self.pruned([90])  # no sm_9x cubin: the highest PTX not above 9.0 is what the driver would JIT
        self.assertEqual(self.kept(buf, self.fat_off), [(1, 80, payload('aptx80', 30))])
        buf, _ = self.pruned([86], keep_ptx=True)
        self.assertEqual([k[:2] for k in self.kept(buf, self.fat_off)], [(2, 86), (1, 80)])

    def test_cli_writes_the_pruned_library_and_lists_it(self):
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, 'lib.so'), os.path.join(d, 'out.so')
            wr(src, self.elf)
            r = run([sys.executable, os.path.join(HERE, 'prune_fatbin.py'), src, dst, '--targets', '86'])
            self.assertEqual(r.returncode, 0, r.stderr)
            listed = run([sys.executable, os.path.join(HERE, 'prune_fatbin.py'), '--list', dst]).stdout
            self.assertIn("2 containers; containers holding each entry: {'sm_37': 1, 'sm_86': 1}", listed)
            bad = run([sys.executable, os.path.join(HERE, 'prune_fatbin.py'), src, dst, '--targets', '8.6'])
            self.assertEqual(bad.returncode, 2)
            self.assertIn("--targets '8.6': expected compute capabilities as major*10+minor", bad.stderr)

    def test_probe_controls_hold_one_entry_each(self):
        c = container([entry(2, 80, payload('c80')), entry(2, 90, payload('c90')), entry(1, 90, payload('cptx'))])
        elf, off = elf_with_fatbin(c)
        with tempfile.TemporaryDirectory() as d:
            lib = os.path.join(d, 'lib.so')
            wr(lib, elf)
            r = run([sys.executable, os.path.join(HERE, 'extract_fatbins.py'), lib, d, 'x', '1', '--controls'])
            self.assertEqual(r.returncode, 0, r.stderr)
            for label, kind, arch, tag in [('sm80-only', 2, 80, 'c80'), ('sm90-only', 2, 90, 'c90'),
                                           ('ptx-only', 1, 90, 'cptx')]:
                data = rd(os.path.join(d, 'ctl-x-%s.fatbin' % label))
                ents = prune_fatbin.entries_of(data, 0)[2]
                self.assertEqual([(e['kind'], e['arch']) for e in ents], [(kind, arch)], label)
                self.assertEqual(data[ents[0]['start'] + ENTRY_HEADER:], payload(tag))
            self.assertEqual(rd(os.path.join(d, 'x-0.fatbin')), c)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class ArchOptionTest(unittest.TestCase):
    SCRIPT = os.path.join(ROOT, 'scripts', 'gpu-bundle')

    def dry(self, value):
        return run(['bash', self.SCRIPT, '--dry-run', '--arch', value, '--out', tempfile.gettempdir()])

    def test_valid_lists_are_sorted_and_deduplicated(self):
        r = self.dry('89,80,86,80')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('arch=80,86,89 ', r.stdout)
        self.assertIn('arch=37 ', self.dry('37').stdout)

    def test_bad_values_get_one_line_naming_the_problem(self):
        cases = {
            '8.6': "--arch '8.6': expected compute capabilities written major*10+minor",
            '80, 86': "--arch '80, 86': expected compute capabilities written major*10+minor",
            '': "--arch '': expected",
            '81': '--arch 81: no x86-64 GPU has compute capability 8.1',
            '87': '--arch 87: compute capability 8.7 is a Jetson (ARM) GPU',
            '90': '--arch 90: ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7-8.9 only',
            '80,120': '--arch 120: ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7-8.9 only',
            '35': '--arch 35: ND4J 1.0.0-M2.1 has CUDA kernels for compute capability 3.7-8.9 only',
        }
        for value, message in cases.items():
            r = self.dry(value)
            self.assertEqual(r.returncode, 2, value)
            self.assertEqual(r.stdout, '', value)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn('gpu-bundle: ' + message, r.stderr)

    def test_missing_value_and_unknown_option(self):
        r = run(['bash', self.SCRIPT, '--arch'])
        self.assertEqual(r.returncode, 2)
        self.assertIn('--arch needs a value', r.stderr)
        r = run(['bash', self.SCRIPT, '--archs', '80'])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown argument '--archs'", r.stderr)


class PartsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        stage = os.path.join(self.d, 'stage')
        os.makedirs(os.path.join(stage, 'lib'))
        # incompressible content, so that the archive really spans several parts
        self.files = {'lib/libx.so': os.urandom(150_000), 'sheetlab.jar': os.urandom(90_000), 'BUILD.txt': b'arch 86\n'}
        for rel, data in self.files.items():
            wr(os.path.join(stage, rel), data)
        bundle_parts.write_payload_manifest(stage)
        self.archive = os.path.join(self.d, 'sheetlab-gpu.tar.xz')
        with lzma.open(self.archive, 'wb') as xz, tarfile.open(fileobj=xz, mode='w|') as tar:
            tar.add(stage, arcname='.')
        self.bundle = os.path.join(self.d, 'bundle')
        self.parts = bundle_parts.split(self.archive, self.bundle, 64 * 1024, first_reserve=16 * 1024)

    def tearDown(self):
        self.tmp.cleanup()

    def test_parts_respect_the_size_limit_and_reassemble_to_the_archive(self):
        sizes = [n for _, n in self.parts]
        self.assertGreaterEqual(len(sizes), 4)
        self.assertEqual(sizes[0], 48 * 1024)  # the reserve for the driver and the probe in p1
        self.assertTrue(all(n <= 64 * 1024 for n in sizes))
        self.assertEqual([rel.split('/')[0] for rel, _ in self.parts], ['p%d' % (i + 1) for i in range(len(sizes))])
        joined = b''.join(rd(os.path.join(self.bundle, rel)) for rel, _ in self.parts)
        self.assertEqual(joined, rd(self.archive))
        manifest = rd(os.path.join(self.bundle, 'p1', 'MANIFEST.sha256')).decode()
        self.assertIn('%s  sheetlab-gpu.tar.xz' % hashlib.sha256(joined).hexdigest(), manifest)
        # the manifest is sha256sum -c's format, run from the bundle folder
        r = run(['sha256sum', '-c', '--quiet', os.path.join('p1', 'MANIFEST.sha256')], cwd=self.bundle)
        self.assertIn('sheetlab-gpu.tar.xz: No such file', r.stderr)  # the whole is never written out
        self.assertNotIn('.part', r.stdout + r.stderr)  # every part checks

    def test_unpack_checks_everything_and_restores_the_files(self):
        dest = os.path.join(self.d, 'unpacked')
        nparts, nfiles = bundle_parts.unpack(self.bundle, dest)
        self.assertEqual((nparts, nfiles), (len(self.parts), 3))
        for rel, data in self.files.items():
            self.assertEqual(rd(os.path.join(dest, rel)), data, rel)

    def test_a_damaged_part_is_named(self):
        rel = self.parts[2][0]
        path = os.path.join(self.bundle, rel)
        data = bytearray(rd(path))
        data[100] ^= 1
        wr(path, data)
        with self.assertRaisesRegex(bundle_parts.BundleError, 'part %s is damaged' % rel):
            bundle_parts.unpack(self.bundle, os.path.join(self.d, 'unpacked'))

    def test_a_missing_part_folder_is_named_through_the_cli(self):
        last = self.parts[-1][0]
        os.remove(os.path.join(self.bundle, last))
        r = run([sys.executable, os.path.join(HERE, 'bundle_parts.py'), 'unpack', self.bundle,
                 os.path.join(self.d, 'unpacked')])
        self.assertEqual(r.returncode, 1)
        self.assertIn('missing part(s) %s: copy every folder p1..p%d' % (last, len(self.parts)), r.stderr)

    def test_a_tampered_payload_file_is_caught_after_unpacking(self):
        # a consistent set of parts whose archive content disagrees with PAYLOAD.sha256
        stage = os.path.join(self.d, 'stage')
        wr(os.path.join(stage, 'BUILD.txt'), b'arch 89\n')
        archive = os.path.join(self.d, 'x', 'sheetlab-gpu.tar.xz')
        os.makedirs(os.path.dirname(archive))
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w') as tar:
            tar.add(stage, arcname='.')
        wr(archive, lzma.compress(buf.getvalue()))
        bundle = os.path.join(self.d, 'bundle2')
        bundle_parts.split(archive, bundle, 64 * 1024)
        with self.assertRaisesRegex(bundle_parts.BundleError, 'unpacked file BUILD.txt differs'):
            bundle_parts.unpack(bundle, os.path.join(self.d, 'unpacked2'))


if __name__ == '__main__':
    unittest.main()
