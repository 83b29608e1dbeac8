#!/usr/bin/env python3
"""libiec61850's MMS client reading array elements with alternate access (ISO 9506 AlternateAccess):
an index range, and one element's component. Prints JSON.

    libiec_array_access.py PEER_CLIENT_PY HOST:PORT DOMAIN ITEM START COUNT INDEX COMPONENT
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
domain, item, start, count, index, component = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
con = client.connect(host, int(port))
mms = iec.IedConnection_getMmsConnection(con)
out = {}
error = iec.MmsError_create()
value = iec.MmsConnection_readArrayElements(mms, error, domain, item, start, count)
out["range"] = {"error": iec.MmsError_getValue(error), "value": client.mms_to_json(value) if value else None}
error = iec.MmsError_create()
value = iec.MmsConnection_readSingleArrayElementWithComponent(mms, error, domain, item, index, component)
out["component"] = {"error": iec.MmsError_getValue(error), "value": client.mms_to_json(value) if value else None}
sys.stdout.write(json.dumps(out) + "\n")
sys.stdout.flush()
os._exit(0)
