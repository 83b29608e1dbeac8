// The IEC61850 module re-exports the model and MMS layers so `import IEC61850` is enough.

@_exported import IEC61850MMS
@_exported import IEC61850Model
