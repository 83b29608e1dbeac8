#!/usr/bin/env python3
"""Independent count of an SCL file's instantiated model, with the Python standard library's ElementTree.

Used by SCLCountTests to check IEDModel.counts against a second implementation. For every IED access point
with a Server: logical devices, logical nodes, data objects (DOs of each LN's LNodeType), leaf data attributes
(DA/BDA leaves reached through SDOs and Struct types; an array counts once), datasets, report, GOOSE,
sampled value and log control blocks. Usage: scl_count.py FILE... ; prints one JSON object keyed by file.
"""
import json
import sys
import xml.etree.ElementTree as ET


def local(tag):
    return tag.rsplit('}', 1)[-1]


def children(element, name):
    return [c for c in element if local(c.tag) == name]


def count_file(path):
    root = ET.parse(path).getroot()
    templates = next((c for c in root if local(c.tag) == 'DataTypeTemplates'), None)
    lnode, dotype, datype = {}, {}, {}
    if templates is not None:
        for c in templates:
            table = {'LNodeType': lnode, 'DOType': dotype, 'DAType': datype}.get(local(c.tag))
            if table is not None:
                table.setdefault(c.get('id'), c)

    def da_leaves(da):
        if da.get('bType') == 'Struct':
            return sum(da_leaves(b) for b in children(datype[da.get('type')], 'BDA'))
        return 1

    def do_leaves(type_id):
        total = 0
        for c in dotype[type_id]:
            if local(c.tag) == 'SDO':
                total += do_leaves(c.get('type'))
            elif local(c.tag) == 'DA':
                total += da_leaves(c)
        return total

    result = {}
    for ied in children(root, 'IED'):
        for ap in children(ied, 'AccessPoint'):
            servers = children(ap, 'Server')
            if not servers:
                continue
            counts = dict(logicalDevices=0, logicalNodes=0, dataObjects=0, dataAttributes=0, dataSets=0,
                          reportControls=0, gseControls=0, sampledValueControls=0, logControls=0)
            for ld in children(servers[0], 'LDevice'):
                counts['logicalDevices'] += 1
                for ln in children(ld, 'LN0') + children(ld, 'LN'):
                    counts['logicalNodes'] += 1
                    dos = children(lnode[ln.get('lnType')], 'DO')
                    counts['dataObjects'] += len(dos)
                    counts['dataAttributes'] += sum(do_leaves(d.get('type')) for d in dos)
                    counts['dataSets'] += len(children(ln, 'DataSet'))
                    counts['reportControls'] += len(children(ln, 'ReportControl'))
                    counts['gseControls'] += len(children(ln, 'GSEControl'))
                    counts['sampledValueControls'] += len(children(ln, 'SampledValueControl'))
                    counts['logControls'] += len(children(ln, 'LogControl'))
            result[ied.get('name') + '/' + ap.get('name')] = counts
    return result


if __name__ == '__main__':
    print(json.dumps({path: count_file(path) for path in sys.argv[1:]}, sort_keys=True))
