// The server: `import IEC61850Server` is enough to serve a model (in code or from SCL).

@_exported public import IEC61850ACSI
@_exported public import IEC61850SCL
