#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check the docs that restate the knob table against the table.

usage: knobs_check.py TABLE SPEC ABI INTERFACES

TABLE is kmod/knob_table.h, the one place where each knob's name, type,
unit, range and default are written. It is read the way the module reads
it: included by a small C program (compiled and run here) that prints each
line. Then, for every knob:

  SPEC (docs/netlink/ptp_unified.yaml): its attribute (config or source
      attribute set, named after the knob) has the table's type (U32 u32,
      U64 u64, BOOL u8, STR string) and range (checks min/max, absent
      meaning the type's own bound; STR: max-len);
  ABI (docs/ABI/): its sysfs attribute's entry says the table's unit,
      default and range ("At most N characters" for STR), and a clock
      knob's module parameter entry says them too;
  INTERFACES (docs/interfaces.md): a clock knob's row in the knob table
      has the table's unit, default and range.

Prints each difference; exits non-zero on any.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

YAML_TYPE = {'U32': 'u32', 'U64': 'u64', 'BOOL': 'u8', 'STR': 'string'}
TYPE_MAX = {'u8': 255, 'u32': 2**32 - 1, 'u64': 2**64 - 1}
# interfaces.md writes "%" for percent.
UNIT_SHORT = {'percent': '%'}


def read_table(path):
    """The knobs as the compiler sees the table: a list of dicts."""
    prog = r'''
#include <stdio.h>
#define ROW(kind, id, name, type, unit, min, max, def, owner)		\
	printf("%s\t%s\t%s\t%s\t%s\t%llu\t%llu\t%s\t%s\n", kind, #id, #name,	\
	       #type, unit, (unsigned long long)(min),			\
	       (unsigned long long)(max), #def, #owner);
int main(void)
{
#define PTPU_CLOCK_KNOB(id, name, type, unit, min, max, def, owner, help) \
	ROW("clock", id, name, type, unit, min, max, def, owner)
#define PTPU_SOURCE_KNOB(id, name, type, unit, min, max, def, owner, help) \
	ROW("source", id, name, type, unit, min, max, def, owner)
#include "TABLE"
	return 0;
}
'''.replace('TABLE', os.path.abspath(path))
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, 'table.c'), os.path.join(tmp, 'table')
        with open(src, 'w') as f:
            f.write(prog)
        subprocess.run(['cc', '-std=c11', '-Wall', '-Werror', '-o', exe, src], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    knobs = []
    for line in out.splitlines():
        kind, kid, name, typ, unit, lo, hi, dflt, owner = line.split('\t')
        knobs.append({'kind': kind, 'id': kid, 'name': name, 'type': typ,
                      'unit': unit, 'min': int(lo), 'max': int(hi),
                      'default': dflt.strip('"'), 'owner': owner})
    return knobs


def abi_entries(path):
    """What: path -> its Description text, whitespace collapsed."""
    entries = {}
    for block in re.split(r'\n(?=What:)', open(path).read()):
        m = re.match(r'What:\s*(\S+)', block)
        if not m:
            continue
        desc = block.split('Description:', 1)[-1]
        entries[m.group(1)] = ' '.join(desc.split())
    return entries


def check_spec(knobs, spec, bad):
    sets = {s['name']: {a['name']: a for a in s['attributes']}
            for s in yaml.safe_load(open(spec))['attribute-sets']}
    for k in knobs:
        aset = 'config' if k['kind'] == 'clock' else 'source'
        attr = sets[aset].get(k['id'].lower().replace('_', '-'))
        where = f'{spec}: {aset} attribute for {k["name"]}'
        if attr is None:
            bad.append(f'{where}: missing')
            continue
        want = YAML_TYPE[k['type']]
        if attr.get('type') != want:
            bad.append(f'{where}: type {attr.get("type")}, the table says {want}')
            continue
        checks = attr.get('checks', {})
        if k['type'] == 'STR':
            got = (None, checks.get('max-len'))
            want_range = (None, k['max'])
        else:
            got = (checks.get('min', 0), checks.get('max', TYPE_MAX[want]))
            want_range = (k['min'], k['max'])
        if got != want_range:
            bad.append(f'{where}: range {got}, the table says {want_range}')


def check_abi(knobs, abi, bad):
    entries = abi_entries(abi)
    dev = '/sys/class/ptp/ptp<N>/device/'
    for k in knobs:
        path = dev + ('' if k['kind'] == 'clock' else 'sources/<source>/') + k['name']
        text = entries.get(path)
        if text is None:
            bad.append(f'{abi}: no entry for {path}')
            continue
        want = [f'Default: {k["default"]}']
        if k['type'] == 'STR':
            want.append(f'At most {k["max"]} characters')
        else:
            want.append(f'Range: {k["min"]}..{k["max"]}')
        if k['unit']:
            want.append(f'Unit: {k["unit"]}.')
        for w in want:
            if w not in text:
                bad.append(f'{abi}: {path} does not say "{w}"')
        if k['kind'] != 'clock':
            continue
        path = '/sys/module/ptp_unified/parameters/' + k['name']
        text = entries.get(path)
        if text is None:
            bad.append(f'{abi}: no entry for {path}')
            continue
        if k['type'] == 'STR':
            want = [f'default {k["default"]}']
        else:
            want = [f'({k["unit"]}, default {k["default"]}, range {k["min"]}..{k["max"]}']
        for w in want:
            if w not in text:
                bad.append(f'{abi}: {path} does not say "{w}"')


def check_interfaces(knobs, doc, bad):
    rows = {}
    for line in open(doc):
        m = re.match(r'\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|', line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.groups()[1:]]
    for k in knobs:
        if k['kind'] != 'clock':
            continue
        row = rows.get(k['name'])
        if row is None:
            bad.append(f'{doc}: no row for {k["name"]} in the knob table')
            continue
        if k['type'] == 'STR':
            want = [row[0], k['default'], row[2]]
        else:
            want = [UNIT_SHORT.get(k['unit'], k['unit']), k['default'],
                    f'{k["min"]}..{k["max"]}']
        if row != want:
            bad.append(f'{doc}: {k["name"]}: unit, default, range {row}, the table says {want}')


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    table, spec, abi, doc = sys.argv[1:]
    knobs = read_table(table)
    bad = []
    check_spec(knobs, spec, bad)
    check_abi(knobs, abi, bad)
    check_interfaces(knobs, doc, bad)
    for b in bad:
        print(f'# {b}')
    print(f'# {len(knobs)} knobs of {table} compared with {spec}, {abi} and {doc}: '
          f'{len(bad)} differences')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
