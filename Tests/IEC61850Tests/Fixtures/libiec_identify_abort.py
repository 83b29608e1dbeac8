#!/usr/bin/env python3
"""libiec61850's MMS client: Identify, then abort the association (ACSE ABRT), printing JSON.

    libiec_identify_abort.py PEER_CLIENT_PY HOST:PORT
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
mms = iec.IedConnection_getMmsConnection(con)
error = iec.MmsError_create()
identity = iec.MmsConnection_identify(mms, error)
out = {"identifyError": iec.MmsError_getValue(error)}
if identity is not None:
    out.update(vendor=identity.vendorName, model=identity.modelName, revision=identity.revision)
error = iec.MmsError_create()
iec.MmsConnection_abort(mms, error)
out["abortError"] = iec.MmsError_getValue(error)
sys.stdout.write(json.dumps(out) + "\n")
sys.stdout.flush()
os._exit(0)
