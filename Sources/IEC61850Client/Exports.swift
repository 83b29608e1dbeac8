// The client: `import IEC61850Client` is enough to read IEDs, and links no server code.

@_exported public import IEC61850ACSI
