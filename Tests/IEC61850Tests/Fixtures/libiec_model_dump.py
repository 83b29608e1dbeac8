#!/usr/bin/env python3
"""Dump a server's whole model through libiec61850's client: for every LD, LN and FC the LN has, the MMS
variable specification (GetVariableAccessAttributes of LN$FC) and value (Read of LN$FC).

Used by SCLServingTests to check that a server built from an SCL file serves what the SCL declares.
Reuses the shared peer's client.py (connect with its race workaround, JSON forms of values and specs).

    libiec_model_dump.py PEER_CLIENT_PY HOST:PORT
"""
import importlib.util
import json
import os
import sys

spec = importlib.util.spec_from_file_location("peer_client", sys.argv[1])
client = importlib.util.module_from_spec(spec)
spec.loader.exec_module(client)
iec = client.iec

host, _, port = sys.argv[2].rpartition(":")
con = client.connect(host, int(port))
out = {}
lds, err = iec.IedConnection_getServerDirectory(con, False)
client.check(err, "getServerDirectory")
for ld in client.ll_strings(lds):
    lns, err = iec.IedConnection_getLogicalDeviceDirectory(con, ld)
    client.check(err, "getLogicalDeviceDirectory")
    out[ld] = {}
    for ln in client.ll_strings(lns):
        ref = ld + "/" + ln
        fcs = {}
        for fc in client.FC_NAMES:
            var, err = iec.IedConnection_getVariableSpecification(con, ref, client.fc_from_str(fc))
            if err != iec.IED_ERROR_OK:
                continue
            entry = {"spec": client.spec_to_json(var)}
            iec.MmsVariableSpecification_destroy(var)
            value, err = iec.IedConnection_readObject(con, ref, client.fc_from_str(fc))
            client.check(err, "readObject(%s, %s)" % (ref, fc))
            entry["value"] = client.mms_to_json(value)
            iec.MmsValue_delete(value)
            fcs[fc] = entry
        out[ld][ln] = fcs
sys.stdout.write(json.dumps(out) + "\n")
sys.stdout.flush()
client.disconnect(con)
os._exit(0)
