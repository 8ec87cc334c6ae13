#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check a netlink YAML spec against a hand-written uapi header.

usage: nlspec_check.py LINUX_SRC SPEC HEADER

1. Validate SPEC against the kernel's JSON schema for its protocol
   (LINUX_SRC/Documentation/netlink/<protocol>.yaml) with the kernel's own
   loader (tools/net/ynl/lib/nlspec.py).
2. Generate the uapi header from SPEC with tools/net/ynl/ynl-gen-c.py.
3. Compare the generated header with HEADER: the same enumerators and
   #defines, with the same values (formatting and comments do not matter).
   Values are computed by the C compiler, so implicit enum values count.
Prints what differs; exits non-zero on any difference.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def names(path):
    """Enumerators and valued #defines of a header, in order."""
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    found = []
    for m in re.finditer(r'^\s*#\s*define\s+(\w+)[ \t]+\S', text, flags=re.M):
        found.append(m.group(1))
    for body in re.findall(r'\benum\b[^{;]*\{(.*?)\}', text, flags=re.S):
        for item in body.split(','):
            m = re.match(r'\s*([A-Za-z_]\w*)', item)
            if m:
                found.append(m.group(1))
    return found


def values(header, idents, workdir, tag):
    """NAME VALUE lines for each name, as the compiler sees them."""
    src = os.path.join(workdir, f'{tag}.c')
    exe = os.path.join(workdir, tag)
    with open(src, 'w') as f:
        f.write('#include <stdio.h>\n')
        f.write(f'#include "{os.path.abspath(header)}"\n')
        f.write('static void ps(const char *n, const char *v) { printf("%s \\"%s\\"\\n", n, v); }\n')
        f.write('static void pi(const char *n, long long v) { printf("%s %lld\\n", n, v); }\n')
        f.write('#define P(x) _Generic((x), char *: ps, const char *: ps, default: pi)(#x, x)\n')
        f.write('int main(void)\n{\n')
        for n in idents:
            f.write(f'\tP({n});\n')
        f.write('\treturn 0;\n}\n')
    subprocess.run(['cc', '-std=c11', '-Wall', '-Werror', '-o', exe, src], check=True)
    return subprocess.run([exe], check=True, capture_output=True, text=True).stdout.splitlines()


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    lsrc, spec, header = sys.argv[1:]
    ynl = os.path.join(lsrc, 'tools/net/ynl')
    with tempfile.TemporaryDirectory() as tmp:
        # ynl-gen-c.py looks for the kernel tree root (a MAINTAINERS file)
        # above the spec, and nlspec.py for the schema next to specs/.
        tree = os.path.join(tmp, 'tree')
        specs = os.path.join(tree, 'Documentation/netlink/specs')
        os.makedirs(specs)
        open(os.path.join(tree, 'MAINTAINERS'), 'w').close()
        schemas = os.path.join(lsrc, 'Documentation/netlink')
        for f in os.listdir(schemas):
            if f.endswith('.yaml'):
                shutil.copy(os.path.join(schemas, f), os.path.dirname(specs))
        copy = os.path.join(specs, os.path.basename(spec))
        shutil.copy(spec, copy)

        sys.path.insert(0, ynl)
        from lib import SpecFamily  # noqa: E402 (the kernel's loader)
        fam = SpecFamily(copy)  # validates against the schema
        print(f'# {spec}: valid {fam.proto} spec of family "{fam.name}": '
              f'{len(fam.msgs)} messages, {len(fam.attr_sets)} attribute sets, '
              f'{len(fam.mcast_groups)} multicast groups')

        gen = os.path.join(tmp, 'generated.h')
        subprocess.run([sys.executable, os.path.join(ynl, 'ynl-gen-c.py'), '--mode', 'uapi',
                        '--header', '--spec', copy, '-o', gen], check=True)
        ng, nh = names(gen), names(header)
        bad = 0
        for n in sorted(set(ng) - set(nh)):
            print(f'# only in the spec: {n}')
            bad += 1
        for n in sorted(set(nh) - set(ng)):
            print(f'# only in {header}: {n}')
            bad += 1
        common = [n for n in ng if n in set(nh)]
        vg = values(gen, common, tmp, 'gen')
        vh = values(header, common, tmp, 'hdr')
        for a, b in zip(vg, vh):
            if a != b:
                print(f'# differs: spec {a}, header {b}')
                bad += 1
        print(f'# {len(common)} names compared, {bad} differences')
        return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
