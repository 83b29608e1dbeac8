// The umbrella: `import IEC61850` brings the client, the server and (re-exported) the MMS, model and SCL layers.

@_exported public import IEC61850Client
@_exported public import IEC61850Server
