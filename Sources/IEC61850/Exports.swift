// The IEC61850 module re-exports the model, MMS and SCL layers so `import IEC61850` is enough.

@_exported import IEC61850MMS
@_exported import IEC61850Model
@_exported import IEC61850SCL
